// Package storage keeps pyqbot's state in SQLite through modernc.org/sqlite (pure Go, no cgo), or in
// PostgreSQL through github.com/jackc/pgx/v5 when several replicas share one database.
package storage

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

// DB is the store, on SQLite or PostgreSQL. On SQLite write transactions take the write lock when
// they begin (_txlock=immediate), so concurrent writers wait for busy_timeout instead of failing
// with SQLITE_BUSY when a read turns into a write. On PostgreSQL they run SERIALIZABLE and are
// retried on a serialization failure or deadlock (postgres.go).
type DB struct {
	db      *pool
	dialect dialect
	// locks holds the sessions of channel locks (locks.go) and roles (roles.go), PostgreSQL only.
	locks   *sql.DB
	rolesMu sync.Mutex
	roles   []*sql.Conn
	// path is the SQLite file, or the PostgreSQL URL with its password redacted.
	path string
	// writeMu queues this process's SQLite write transactions in Go. SQLite's busy handler polls
	// with growing sleeps, so under a burst (50 channels posting at 09:00, hundreds of answers) some
	// writers starve past busy_timeout; a mutex hands the lock over in order and at once. Other
	// processes on the file still wait through busy_timeout. PostgreSQL does not take it: its
	// transactions run side by side and the database orders them.
	writeMu sync.Mutex
	// answers groups concurrent answers into one transaction (answer_batch.go).
	answers answerBatch
	// w watches the store's health: the file guard (SQLite), the write probe, the last write's
	// outcome.
	w *watch
	// ro is set on a store opened by OpenReadOnly (readonly.go).
	ro *readOnly
	// Now stamps rows that record when something was created; tests replace it.
	Now func() time.Time
}

// The store is every aggregate's (bot.Store), and the optional parts the core finds by type
// assertion: installs (installs.go) and channel locks (locks.go).
var (
	_ bot.Store         = (*DB)(nil)
	_ bot.InstallStore  = (*DB)(nil)
	_ bot.ChannelLocker = (*DB)(nil)
)

// Open opens the store at target: a postgres:// (or postgresql://) URL is PostgreSQL, anything else
// an SQLite file path (created if needed). Pending migrations are applied. Errors name the target
// (never a password) and say what to check.
func Open(ctx context.Context, target string) (*DB, error) {
	if IsPostgresURL(target) {
		return openPostgres(ctx, target)
	}
	return openSQLite(ctx, target)
}

// IsPostgresURL reports whether target names a PostgreSQL database rather than an SQLite file.
func IsPostgresURL(target string) bool {
	return strings.HasPrefix(target, "postgres://") || strings.HasPrefix(target, "postgresql://")
}

// Path is the SQLite database file, or the PostgreSQL URL without its password.
func (d *DB) Path() string { return d.path }

// Dialect is "sqlite" or "postgres".
func (d *DB) Dialect() string { return d.dialect.String() }

// Close records what the database holds (startup.go) and releases it; on SQLite, WAL content is
// checkpointed on the last close. Closing twice is harmless.
func (d *DB) Close() error {
	if !d.w.closed.CompareAndSwap(false, true) {
		return nil
	}
	d.stopWatching()
	if d.w.probe != nil {
		d.w.probe.Close()
	}
	d.db.b.stmts.close()
	return d.db.Close()
}

// SQL exposes the pool for tools (backup, export) and tests. Its queries take the dialect's own
// placeholders (`$1` on PostgreSQL).
func (d *DB) SQL() *sql.DB { return d.db.DB }

// inTx runs fn in a write transaction and commits it. fn may run more than once (PostgreSQL retries
// a transaction that lost a conflict), so it must reset whatever it collects on each call.
//
// On SQLite the file guard (guard.go) refuses the commit when the database file was deleted or
// replaced: checked before the commit, so the transaction is rolled back, and after it, since a
// commit into an unlinked file is lost too. wrote records the outcome for Health and maps store
// failures to *Fault.
func (d *DB) inTx(ctx context.Context, fn func(tx *txn) error) (err error) {
	defer func() { err = d.wrote(err) }()
	if d.dialect == postgresDialect {
		return d.pgTx(ctx, sql.LevelSerializable, fn)
	}
	d.writeMu.Lock()
	defer d.writeMu.Unlock()
	if err := d.w.guard.refused(); err != nil {
		return err
	}
	return d.runTx(ctx, nil, fn)
}

// runTx is one attempt of a transaction.
func (d *DB) runTx(ctx context.Context, opts *sql.TxOptions, fn func(tx *txn) error) error {
	tx, err := d.db.DB.BeginTx(ctx, opts)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(&txn{tx: tx, b: d.db.b}); err != nil {
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
