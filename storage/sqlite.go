// Package storage keeps pyqbot's state in SQLite through modernc.org/sqlite (pure Go, no cgo).
package storage

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pyqbot/pyqbot/bot"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// DB is the SQLite store. Write transactions take the write lock when they begin
// (_txlock=immediate), so concurrent writers wait for busy_timeout instead of failing with
// SQLITE_BUSY when a read turns into a write.
type DB struct {
	db   *sql.DB
	path string
	// writeMu queues this process's write transactions in Go. SQLite's busy handler polls with
	// growing sleeps, so under a burst (50 channels posting at 09:00, hundreds of answers) some
	// writers starve past busy_timeout; a mutex hands the lock over in order and at once. Other
	// processes on the file still wait through busy_timeout.
	writeMu sync.Mutex
	// w watches the store's health: the file guard, the write probe, the last write's outcome.
	w *watch
	// Now stamps rows that record when something was created; tests replace it.
	Now func() time.Time
}

var _ bot.Store = (*DB)(nil)

// Open opens (creating if needed) the database at path and applies pending migrations.
// Errors name the path and say what to check.
func Open(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("database path is empty: set [storage] path in the config or pass --db")
	}
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("database path %q contains '?' or '#': choose a path without them", path)
	}
	if dir := filepath.Dir(path); dir != "" {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("open database %s: directory %s does not exist: create it or choose another path", path, dir)
		}
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_txlock", "immediate")
	for _, p := range testPragmas {
		q.Add("_pragma", p)
	}
	emptyFile := isEmptyFile(path) // before SQLite writes a schema into it
	sqldb, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	d := &DB{db: sqldb, path: path, Now: time.Now, w: newWatch()}
	d.w.side.emptyFile = emptyFile
	if err := d.migrate(ctx); err != nil {
		sqldb.Close()
		return nil, fmt.Errorf("open database %s: %w", path, explain(path, err))
	}
	if err := d.pinProbe(ctx); err != nil {
		sqldb.Close()
		return nil, fmt.Errorf("open database %s: %w", path, explain(path, err))
	}
	return d, nil
}

// testPragmas are added to every connection's pragmas; tests set them (max_page_count for a full
// disk) before Open.
var testPragmas []string

// explain adds what to do to SQLite's terse errors.
func explain(path string, err error) error {
	var f *Fault
	if errors.As(classify(path, err), &f) && (f.Kind == FaultFull || f.Kind == FaultReadOnly) {
		return f
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "not a database"), strings.Contains(msg, "malformed"):
		return fmt.Errorf("%w (the file is not a pyqbot database or is corrupt: restore a backup or choose another path)", err)
	case strings.Contains(msg, "unable to open"), strings.Contains(msg, "readonly"), strings.Contains(msg, "permission denied"):
		return fmt.Errorf("%w (check that the file and its directory exist and are writable by this user)", err)
	}
	return err
}

// Path is the database file.
func (d *DB) Path() string { return d.path }

// Close records what the database holds (startup.go) and releases it; WAL content is
// checkpointed by SQLite on the last close. Closing twice is harmless.
func (d *DB) Close() error {
	if !d.w.closed.CompareAndSwap(false, true) {
		return nil
	}
	d.stopWatching()
	if d.w.probe != nil {
		d.w.probe.Close()
	}
	return d.db.Close()
}

// SQL exposes the pool for tools (backup, export) and tests.
func (d *DB) SQL() *sql.DB { return d.db }

type migration struct {
	version int
	name    string
	sql     string
}

func migrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		n, err := strconv.Atoi(strings.SplitN(e.Name(), "_", 2)[0])
		if err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number", e.Name())
		}
		body, err := fs.ReadFile(migrationFiles, "migrations/"+e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: n, name: e.Name(), sql: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// SchemaVersion is the newest migration this build knows.
func SchemaVersion() int {
	ms, _ := migrations()
	if len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].version
}

func (d *DB) migrate(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// A database with tables but no schema_version belongs to another program: a mistyped --db must
	// not turn someone's invoices database into a pyqbot one.
	var ours, tables int
	if err := tx.QueryRowContext(ctx, `SELECT
		COUNT(*) FILTER (WHERE name = 'schema_version'),
		COUNT(*) FILTER (WHERE name NOT LIKE 'sqlite_%')
		FROM sqlite_master WHERE type = 'table'`).Scan(&ours, &tables); err != nil {
		return err
	}
	if ours == 0 && tables > 0 {
		return fmt.Errorf("it is an SQLite database of another program (%d tables, no pyqbot schema): choose another path", tables)
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`); err != nil {
		return err
	}
	var current int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_version`).Scan(&current); err != nil {
		return err
	}
	if latest := ms[len(ms)-1].version; current > latest {
		return fmt.Errorf("it was written by a newer pyqbot (schema version %d; this build knows up to %d): upgrade pyqbot, or point it at another database", current, latest)
	}
	// Every migration not yet applied runs, not only those above the newest applied: migrations are
	// numbered by the branch that wrote them, so 0008 can reach main after 0010 and a database
	// already at 10 still needs it.
	applied := map[int]bool{}
	rows, err := tx.QueryContext(ctx, `SELECT version FROM schema_version`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return err
		}
		applied[v] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, m := range ms {
		if applied[m.version] {
			continue
		}
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version) VALUES (?)`, m.version); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// inTx runs fn in a write transaction and commits it, unless the file guard finds that the
// database file was deleted or replaced (guard.go): checked before the commit, so the
// transaction is rolled back, and after it, since a commit into an unlinked file is lost too.
// wrote records the outcome for Health and maps store failures to *Fault.
func (d *DB) inTx(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	d.writeMu.Lock()
	defer d.writeMu.Unlock()
	defer func() { err = d.wrote(err) }()
	if err := d.w.guard.refused(); err != nil {
		return err
	}
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := d.w.guard.check(); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	return d.w.guard.check()
}

func millis(t time.Time) int64 { return t.UnixMilli() }

func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

func nullMillis(ms sql.NullInt64) time.Time {
	if !ms.Valid {
		return time.Time{}
	}
	return fromMillis(ms.Int64)
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}
