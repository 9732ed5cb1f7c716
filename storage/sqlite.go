package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// openSQLite opens (creating if needed) the database file at path.
func openSQLite(ctx context.Context, path string) (*DB, error) {
	if err := checkSQLitePath(path); err != nil {
		return nil, err
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
	// Connections are kept rather than opened per request: opening one runs the pragmas and parses
	// the schema, which under a burst of answers cost more than the answers (cmd/pyqbot-load's
	// profile). 16 serve requests, as on PostgreSQL; one more is pinned by the health probe.
	sqldb.SetMaxOpenConns(sqliteConns + 1)
	sqldb.SetMaxIdleConns(sqliteConns + 1)
	d := &DB{db: &pool{DB: sqldb, b: &binder{dialect: sqliteDialect, stmts: newStmtCache(sqldb)}}, dialect: sqliteDialect, path: path, Now: time.Now, w: newWatch()}
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

// checkSQLitePath refuses a path SQLite would misread (its URI syntax) or cannot open.
func checkSQLitePath(path string) error {
	if path == "" {
		return errors.New("database path is empty: set [storage] path in the config or pass --db")
	}
	if strings.ContainsAny(path, "?#") {
		return fmt.Errorf("database path %q contains '?' or '#': choose a path without them", path)
	}
	if dir := filepath.Dir(path); dir != "" {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return fmt.Errorf("open database %s: directory %s does not exist: create it or choose another path", path, dir)
		}
	}
	return nil
}

// sqliteConns is how many connections requests share.
const sqliteConns = 16

// testPragmas are added to every connection's pragmas; tests set them (max_page_count for a full
// disk) before Open.
var testPragmas []string

// explain adds what to do to SQLite's terse errors.
func explain(path string, err error) error {
	var f *Fault
	msg := err.Error()
	if errors.As(classify(path, err), &f) && (f.Kind == FaultFull || f.Kind == FaultReadOnly ||
		f.Kind == FaultIO && !strings.Contains(msg, "unable to open")) {
		return f
	}
	switch {
	case strings.Contains(msg, "not a database"), strings.Contains(msg, "malformed"):
		return fmt.Errorf("%w (the file is not a pyqbot database or is corrupt: restore a backup or choose another path)", err)
	case strings.Contains(msg, "unable to open"), strings.Contains(msg, "readonly"), strings.Contains(msg, "permission denied"):
		return fmt.Errorf("%w (check that the file and its directory exist and are writable by this user)", err)
	}
	return err
}
