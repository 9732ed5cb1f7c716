// Package pgtest gives tests an empty PostgreSQL schema of their own on the server named by
// PYQBOT_TEST_POSTGRES_URL, so the store's tests (and the binary's) run on a real server with no
// mock. PYQBOT_REQUIRE_POSTGRES=1 (set by .ci/run) turns "no server" into a failure.
package pgtest

import (
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"sync"
	"sync/atomic"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// Available reports whether PostgreSQL tests can run; with PYQBOT_REQUIRE_POSTGRES=1 and no URL it
// fails tb instead of answering false.
func Available(tb testing.TB) bool {
	tb.Helper()
	if os.Getenv("PYQBOT_TEST_POSTGRES_URL") != "" {
		return true
	}
	if os.Getenv("PYQBOT_REQUIRE_POSTGRES") == "1" {
		tb.Fatal("PYQBOT_REQUIRE_POSTGRES=1 but PYQBOT_TEST_POSTGRES_URL is not set: point it at a PostgreSQL server " +
			"(postgres://user@host:port/db; .ci/run starts one)")
	}
	return false
}

// Require skips tb when PostgreSQL tests cannot run (failing it under PYQBOT_REQUIRE_POSTGRES=1).
func Require(tb testing.TB) {
	tb.Helper()
	if !Available(tb) {
		tb.Skip("PYQBOT_TEST_POSTGRES_URL is not set: PostgreSQL tests skipped")
	}
}

var (
	adminOnce sync.Once
	admin     *sql.DB
	adminErr  error
	schemas   atomic.Int64
)

// URL creates a schema for tb, dropped when tb ends, and returns the server's URL with
// search_path set to it: every table a store creates lands there. Call Require first.
func URL(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv("PYQBOT_TEST_POSTGRES_URL")
	adminOnce.Do(func() {
		admin, adminErr = sql.Open("pgx", base)
		if adminErr == nil {
			adminErr = admin.Ping()
		}
	})
	if adminErr != nil {
		tb.Fatalf("PostgreSQL at PYQBOT_TEST_POSTGRES_URL does not answer: %v", adminErr)
	}
	schema := fmt.Sprintf("pyqbot_test_%d_%d", os.Getpid(), schemas.Add(1))
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		tb.Fatalf("create schema %s: %v", schema, err)
	}
	tb.Cleanup(func() {
		if _, err := admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
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
