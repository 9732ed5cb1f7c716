package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// pgMaxAttempts bounds how often a transaction that lost a serialization conflict is run again.
// Conflicts come from bursts on one post (answers racing the close); each retry backs off with
// jitter, so a dozen tries outlast any burst pyqbot produces, and an error after them is real.
const pgMaxAttempts = 12

// openPostgres connects to the database at rawURL (postgres://user:password@host:port/db?…) and
// applies pending migrations. The password never appears in errors or in Path.
func openPostgres(ctx context.Context, rawURL string) (*DB, error) {
	shown, secrets, err := RedactURL(rawURL)
	if err != nil {
		return nil, err
	}
	sqldb, err := sql.Open("pgx", rawURL)
	if err != nil {
		return nil, scrub(fmt.Errorf("open database %s: %w", shown, err), secrets)
	}
	// Every request holds a connection for one short transaction; 16 per replica is plenty for
	// the bursts pyqbot sees and leaves room for several replicas under max_connections (100).
	sqldb.SetMaxOpenConns(16)
	sqldb.SetMaxIdleConns(16)
	sqldb.SetConnMaxIdleTime(5 * time.Minute)
	d, err := connectPostgres(ctx, sqldb, shown, secrets, (*DB).migrate)
	if err != nil {
		return nil, err
	}
	if d.locks, err = sql.Open("pgx", rawURL); err != nil {
		sqldb.Close()
		return nil, scrub(fmt.Errorf("open database %s: %w", shown, err), secrets)
	}
	d.locks.SetMaxOpenConns(lockConns)
	d.locks.SetMaxIdleConns(2)
	d.locks.SetConnMaxIdleTime(5 * time.Minute)
	return d, nil
}

// connectPostgres makes the DB over sqldb, checks that the server answers and runs prepare
// (migrate, or read the schema of a read-only open); on failure it closes sqldb and returns an
// error without the secrets.
func connectPostgres(ctx context.Context, sqldb *sql.DB, shown string, secrets []string, prepare func(*DB, context.Context) error) (*DB, error) {
	d := &DB{db: &pool{DB: sqldb, b: &binder{dialect: postgresDialect}}, dialect: postgresDialect, path: shown, Now: time.Now, w: newWatch()}
	if err := sqldb.PingContext(ctx); err != nil {
		sqldb.Close()
		return nil, scrub(pgUnreachable(shown, err), secrets)
	}
	if err := prepare(d, ctx); err != nil {
		sqldb.Close()
		return nil, scrub(fmt.Errorf("open database %s: %w", shown, err), secrets)
	}
	return d, nil
}

func pgUnreachable(shown string, err error) error {
	return fmt.Errorf("open database %s: %w (check that PostgreSQL runs there and the user, password and database name are right)", shown, err)
}

// secretParams are the connection-string parameters that carry a secret: pgx takes a password as
// a query parameter as well as in the user-info part, and sslpassword unlocks the client key.
var secretParams = []string{"password", "sslpassword"}

// RedactURL returns a PostgreSQL URL fit to print (every password replaced by "xxxxx") and the
// passwords themselves, for scrubbing them from error text.
func RedactURL(rawURL string) (shown string, secrets []string, err error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		// url.Parse's error quotes the whole URL, password and all: say what is wrong without it.
		return "", nil, errors.New("the PostgreSQL URL does not parse: write it as postgres://user:password@host:5432/dbname (percent-encode special characters in the password)")
	}
	if u.Host == "" {
		return "", nil, errors.New("the PostgreSQL URL has no host: write it as postgres://user:password@host:5432/dbname")
	}
	if pw, ok := u.User.Password(); ok && pw != "" {
		secrets = append(secrets, pw)
	}
	for _, kv := range strings.Split(u.RawQuery, "&") {
		// The value as written, percent-encoding and all, in case an error quotes the URL as given.
		if k, v, ok := strings.Cut(kv, "="); ok && v != "" && slices.Contains(secretParams, k) {
			secrets = append(secrets, v)
		}
	}
	q, hidden := u.Query(), false
	for _, name := range secretParams {
		for i, v := range q[name] {
			if v != "" {
				secrets = append(secrets, v)
			}
			q[name][i], hidden = "xxxxx", true
		}
	}
	if hidden {
		u.RawQuery = q.Encode()
	}
	return u.Redacted(), secrets, nil
}

// scrub removes each secret from err's text, as it is and percent-encoded, in case a driver
// quoted the connection string.
func scrub(err error, secrets []string) error {
	text := err.Error()
	for _, secret := range secrets {
		for _, form := range []string{secret, url.QueryEscape(secret), url.PathEscape(secret)} {
			text = strings.ReplaceAll(text, form, "xxxxx")
		}
	}
	if text == err.Error() {
		return err
	}
	return errors.New(text)
}

// pgTx runs fn at the given isolation level, again from the start when PostgreSQL reports a
// serialization failure (40001) or a deadlock (40P01): the loser of a conflict sees the winner's
// commit on its next try, as a later SQLite writer would.
func (d *DB) pgTx(ctx context.Context, level sql.IsolationLevel, fn func(tx *txn) error) error {
	for attempt := 1; ; attempt++ {
		err := d.runTx(ctx, &sql.TxOptions{Isolation: level}, fn)
		if err == nil || !retryable(err) {
			return err
		}
		if attempt == pgMaxAttempts {
			return fmt.Errorf("transaction still conflicting after %d attempts: %w", attempt, err)
		}
		backoff := time.Duration(rand.Int64N(int64(min(time.Millisecond<<attempt, 100*time.Millisecond)))) + time.Millisecond
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// retryable reports whether err means "run the transaction again".
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// inTxReadCommitted is inTx for transactions whose guarantees are a unique constraint (an
// INSERT … ON CONFLICT DO NOTHING claim) or row locks (answers and the close, see answerBatch.commit):
// READ COMMITTED on PostgreSQL, where such an insert is atomic and does not fail when another
// transaction claims the key at the same moment.
func (d *DB) inTxReadCommitted(ctx context.Context, fn func(tx *txn) error) error {
	if d.dialect == postgresDialect {
		return d.wrote(d.pgTx(ctx, sql.LevelReadCommitted, fn))
	}
	return d.inTx(ctx, fn)
}
