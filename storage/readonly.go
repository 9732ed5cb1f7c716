package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"modernc.org/sqlite"
)

// OpenReadOnly opens the store at target for a command that only reads it (export, content
// report, backup). Unlike Open it never creates, migrates or writes the database: a live file is
// left exactly as the bot running on it keeps it (a newer pyqbot's migrations would make the
// running one refuse it), and a file this user may only read (another user's, a read-only
// mount) opens. It refuses, naming the target and what to do, an empty (0-byte) file, a file
// that is not a pyqbot database and a newer pyqbot's schema. An older schema opens as it is:
// Backup copies it whole, and RequireCurrentSchema refuses it for queries written for this
// build's tables.
func OpenReadOnly(ctx context.Context, target string) (*DB, error) {
	if IsPostgresURL(target) {
		return openPostgresReadOnly(ctx, target)
	}
	return openSQLiteReadOnly(ctx, target)
}

// readOnly is what a store opened by OpenReadOnly knows about its schema.
type readOnly struct {
	current int   // the newest version applied
	missing []int // this build's versions the database lacks, oldest first
	// immutable is the file's stat when it was opened with SQLite's immutable=1 (see
	// openSQLiteReadOnly), nil otherwise: Backup checks nothing wrote it meanwhile.
	immutable *fileStat
}

type fileStat struct {
	id    fileID
	size  int64
	mtime time.Time
}

func statFile(path string) (*fileStat, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	id, _, err := statID(path)
	return &fileStat{id: id, size: st.Size(), mtime: st.ModTime()}, err
}

// sqliteReadOnlyDirectory is SQLITE_READONLY_DIRECTORY: a read-only connection to a WAL database
// could not create the -wal or -shm file beside it.
const sqliteReadOnlyDirectory = sqliteReadOnly | 6<<8

func openSQLiteReadOnly(ctx context.Context, path string) (*DB, error) {
	if err := checkSQLitePath(path); err != nil {
		return nil, err
	}
	// SQLite takes a 0-byte file for a new, empty database; Open (startup.go) warns that it made
	// one of it, and a command that only reads has nothing to read.
	if isEmptyFile(path) {
		return nil, fmt.Errorf("the database %s is an empty (0-byte) file, not a pyqbot database: if it held data (truncated?), %s; if the path is wrong, check --db or [storage] path", path, restoreAdvice(path))
	}
	d, err := openSQLiteRO(ctx, path, false)
	var se *sqlite.Error
	_, walErr := os.Stat(path + "-wal")
	_, shmErr := os.Stat(path + "-shm")
	cantInit := errors.As(err, &se) && (se.Code() == sqliteReadOnlyDirectory ||
		se.Code() == sqliteCantOpen && walErr == nil && errors.Is(shmErr, os.ErrNotExist))
	switch {
	case cantInit && errors.Is(walErr, os.ErrNotExist):
		// A WAL database on a directory this user may not write, with no -wal file beside it:
		// SQLite cannot make the -wal and -shm a reader needs. No -wal means no pyqbot has the file
		// open (a running one keeps it), so the file is read as it stands, without locks
		// (immutable=1); Backup checks that nothing wrote it meanwhile.
		if d, err = openSQLiteRO(ctx, path, true); err != nil {
			err = explainRead(err)
		}
	case cantInit:
		// With a -wal file present, immutable=1 would skip its content: refuse instead.
		err = fmt.Errorf("%w (SQLite needs a -shm file beside %s-wal and cannot create it in a directory this user may not write: run this as the user that runs pyqbot, or copy the database with its -wal file to a writable directory)", err, path)
	case err != nil:
		err = explainRead(err)
	}
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	return d, nil
}

// openSQLiteRO opens path with SQLite's mode=ro (the file is opened O_RDONLY and never created)
// and reads its schema.
func openSQLiteRO(ctx context.Context, path string, immutable bool) (*DB, error) {
	var before *fileStat
	q := url.Values{}
	q.Add("mode", "ro")
	if immutable {
		var err error
		if before, err = statFile(path); err != nil {
			return nil, err
		}
		q.Add("immutable", "1")
	}
	q.Add("_pragma", "busy_timeout(10000)")
	sqldb, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	// A command reads with one query at a time; a second connection serves VACUUM INTO's reads.
	sqldb.SetMaxOpenConns(2)
	d := &DB{db: &pool{DB: sqldb, b: &binder{dialect: sqliteDialect, stmts: newStmtCache(sqldb)}}, dialect: sqliteDialect, path: path, Now: time.Now, w: newWatch()}
	if err := d.readSchema(ctx); err != nil {
		d.Close()
		return nil, err
	}
	d.ro.immutable = before
	return d, nil
}

// readSchema refuses what is not a pyqbot database or is a newer one, and records what an older
// one lacks.
func (d *DB) readSchema(ctx context.Context) error {
	ours, tables, err := catalogue(ctx, d.db, d.dialect)
	if err != nil {
		return err
	}
	switch {
	case !ours && tables > 0:
		return foreignSchema(d.dialect, tables)
	case !ours:
		return fmt.Errorf("it holds no tables, so it is not a pyqbot database (pyqbot run makes its schema on first start): check the %s", d.dialect.target())
	}
	applied, current, err := appliedVersions(ctx, d.db)
	if err != nil {
		return err
	}
	ms, err := migrationsFor(d.dialect)
	if err != nil {
		return err
	}
	if latest := ms[len(ms)-1].version; current > latest {
		return newerSchema(current, latest)
	}
	d.ro = &readOnly{current: current}
	for _, m := range ms {
		if !applied[m.version] {
			d.ro.missing = append(d.ro.missing, m.version)
		}
	}
	return nil
}

// explainRead adds what to do to an error reading a database this process does not write.
func explainRead(err error) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "not a database"), strings.Contains(msg, "malformed"):
		return fmt.Errorf("%w (the file is not a pyqbot database or is corrupt: check --db or [storage] path, or restore a backup)", err)
	case strings.Contains(msg, "unable to open"), strings.Contains(msg, "permission denied"):
		return fmt.Errorf("%w (check that the file exists and this user may read it)", err)
	}
	return err
}

// RequireCurrentSchema refuses a database opened by OpenReadOnly whose schema lacks migrations of
// this build: the queries of export and content report are written for this build's tables, and
// a command that only reads does not migrate. Open's stores are always current.
func (d *DB) RequireCurrentSchema() error {
	if d.ro == nil || len(d.ro.missing) == 0 {
		return nil
	}
	var lacks []string
	for _, v := range d.ro.missing {
		lacks = append(lacks, strconv.Itoa(v))
	}
	return fmt.Errorf("the database %s has an older schema (version %d, without migration %s) than this pyqbot's (version %d), and this command reads and never migrates: run it with the pyqbot that runs on this database, or start this pyqbot's `pyqbot run` on it once to migrate it (`pyqbot backup` copies it as it is first)",
		d.path, d.ro.current, strings.Join(lacks, ", "), SchemaVersion())
}

// CheckUnchanged is for a command that read a store opened by OpenReadOnly and is about to say it
// succeeded: an error when the file was read without locks (immutable=1, see openSQLiteReadOnly)
// and something wrote it meanwhile, so what was read may be torn.
func (d *DB) CheckUnchanged() error { return d.unchangedSince() }

// unchangedSince says whether the file opened with immutable=1 is as it was then: immutable
// reads take no locks, so a pyqbot that started meanwhile could have written under them.
func (d *DB) unchangedSince() error {
	if d.ro == nil || d.ro.immutable == nil {
		return nil
	}
	now, err := statFile(d.path)
	_, walErr := os.Stat(d.path + "-wal")
	if was := d.ro.immutable; err != nil || now.id != was.id || now.size != was.size || !now.mtime.Equal(was.mtime) || walErr == nil {
		return fmt.Errorf("the database %s changed while it was read (a pyqbot started on it?): run the command again", d.path)
	}
	return nil
}

// openPostgresReadOnly connects with default_transaction_read_only, so the server refuses any
// write on these connections, and reads the schema instead of migrating it.
func openPostgresReadOnly(ctx context.Context, rawURL string) (*DB, error) {
	shown, secrets, err := RedactURL(rawURL)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(rawURL) // RedactURL parsed it already
	if err != nil {
		return nil, err
	}
	q := u.Query()
	q.Set("default_transaction_read_only", "on") // pgx passes a parameter it does not know to the server
	u.RawQuery = q.Encode()
	sqldb, err := sql.Open("pgx", u.String())
	if err != nil {
		return nil, scrub(fmt.Errorf("open database %s: %w", shown, err), secrets)
	}
	sqldb.SetMaxOpenConns(2)
	return connectPostgres(ctx, sqldb, shown, secrets, (*DB).readSchema)
}
