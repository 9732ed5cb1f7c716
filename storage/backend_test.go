package storage

import (
	"path/filepath"
	"testing"

	"github.com/pyqbot/pyqbot/storage/pgtest"
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

var postgresBackend = backend{name: "postgres", target: pgtest.URL}

// backends lists the backends the suite runs on here.
func backends(tb testing.TB) []backend {
	tb.Helper()
	if pgtest.Available(tb) {
		return []backend{sqliteBackend, postgresBackend}
	}
	return []backend{sqliteBackend}
}

// postgresOnly is the PostgreSQL backend, or skips the test where there is none.
func postgresOnly(t *testing.T) backend {
	t.Helper()
	if !pgtest.Available(t) {
		t.Skip("PostgreSQL only; set PYQBOT_TEST_POSTGRES_URL")
	}
	return postgresBackend
}

// forEachBackend runs fn as a subtest per backend.
func forEachBackend(t *testing.T, fn func(t *testing.T, be backend)) {
	t.Helper()
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) { fn(t, be) })
	}
}
