package storage

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
)

// The store's contract suite runs every test on each backend: SQLite on a file in the test's temp
// directory, and PostgreSQL in a fresh schema of the server PYQBOT_TEST_POSTGRES_URL names. With
// PYQBOT_REQUIRE_POSTGRES=1 (as .ci/run sets) a missing URL fails the tests instead of skipping
// PostgreSQL, so CI cannot pass on SQLite alone.

// backend makes empty databases of one kind for tests.
type backend struct {
	name string
	// target returns a new empty database for tb (a file path or a URL) and removes it afterwards.
	target func(tb testing.TB) string
}

// Target is a new, empty database of this backend for tb, as Open takes it.
func (be backend) Target(tb testing.TB) string { tb.Helper(); return be.target(tb) }

// Name is "sqlite" or "postgres".
func (be backend) Name() string { return be.name }

var sqliteBackend = backend{name: "sqlite", target: func(tb testing.TB) string {
	return filepath.Join(tb.TempDir(), "pyqbot.db")
}}

var postgresBackend = backend{name: "postgres", target: postgresSchema}

// backends lists the backends the suite runs on here.
func backends(tb testing.TB) []backend {
	tb.Helper()
	if os.Getenv("PYQBOT_TEST_POSTGRES_URL") != "" {
		return []backend{sqliteBackend, postgresBackend}
	}
	if os.Getenv("PYQBOT_REQUIRE_POSTGRES") == "1" {
		tb.Fatal("PYQBOT_REQUIRE_POSTGRES=1 but PYQBOT_TEST_POSTGRES_URL is not set: point it at a PostgreSQL server " +
			"(postgres://user@host:port/db; .ci/run starts one)")
	}
	return []backend{sqliteBackend}
}

// forEachBackend runs fn as a subtest per backend.
func forEachBackend(t *testing.T, fn func(t *testing.T, be backend)) {
	t.Helper()
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) { fn(t, be) })
	}
}

var (
	pgAdminOnce sync.Once
	pgAdmin     *sql.DB
	pgAdminErr  error
	pgSchemas   atomic.Int64
)

// postgresSchema creates a schema of its own for tb and returns the server's URL with search_path
// set to it: every table the store creates lands there, and dropping it leaves the server clean.
func postgresSchema(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv("PYQBOT_TEST_POSTGRES_URL")
	pgAdminOnce.Do(func() {
		pgAdmin, pgAdminErr = sql.Open("pgx", base)
		if pgAdminErr == nil {
			pgAdminErr = pgAdmin.Ping()
		}
	})
	if pgAdminErr != nil {
		tb.Fatalf("PostgreSQL at PYQBOT_TEST_POSTGRES_URL does not answer: %v", pgAdminErr)
	}
	schema := fmt.Sprintf("pyqbot_test_%d_%d", os.Getpid(), pgSchemas.Add(1))
	if _, err := pgAdmin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		tb.Fatalf("create schema %s: %v", schema, err)
	}
	tb.Cleanup(func() {
		if _, err := pgAdmin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("PYQBOT_TEST_POSTGRES_URL does not parse: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// mustExec runs a statement written with `?` placeholders on d, for fixtures that write rows the
// Store methods would not.
func mustExec(tb testing.TB, d *DB, query string, args ...any) {
	tb.Helper()
	if _, err := d.db.ExecContext(context.Background(), query, args...); err != nil {
		tb.Fatalf("%s: %v", query, err)
	}
}
