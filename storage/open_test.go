package storage

import (
	"context"
	"database/sql"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pyqbot/pyqbot/bot"
)

func TestReopenDoesNotMigrateTwice(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be backend) {
		ctx := context.Background()
		path := be.Target(t)
		db := mustOpenPath(t, path) // closed below, to be opened again
		conv := bot.Conversation{Platform: "slack", Workspace: "T1", Channel: "C1"}
		first, err := db.EnsureChannel(ctx, conv, "UTC")
		if err != nil {
			t.Fatalf("EnsureChannel: %v", err)
		}
		if err := db.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}

		ms, err := migrationsFor(sqliteDialect)
		if err != nil {
			t.Fatalf("migrations: %v", err)
		}
		for i := range 2 {
			db := mustOpenPath(t, path)
			var rows, distinct, newest int
			if err := db.db.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(DISTINCT version), MAX(version) FROM schema_version`).
				Scan(&rows, &distinct, &newest); err != nil {
				t.Fatalf("read schema_version: %v", err)
			}
			if rows != len(ms) || distinct != len(ms) || newest != SchemaVersion() {
				t.Errorf("reopen %d: schema_version has %d rows (%d distinct), newest %d; want %d rows, newest %d",
					i+1, rows, distinct, newest, len(ms), SchemaVersion())
			}
			again, err := db.EnsureChannel(ctx, conv, "UTC")
			if err != nil || again.ID != first.ID {
				t.Errorf("reopen %d: EnsureChannel = %+v, %v; want the channel %d kept", i+1, again, err, first.ID)
			}
			if err := db.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
		}
	})
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be backend) {
		ctx := context.Background()
		path := be.Target(t)
		db := mustOpenPath(t, path) // closed below, to be opened again
		if _, err := db.db.ExecContext(ctx, `INSERT INTO schema_version (version) VALUES (?)`, SchemaVersion()+1); err != nil {
			t.Fatalf("insert schema version: %v", err)
		}
		if err := db.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}

		db, err := Open(ctx, path)
		if err == nil {
			db.Close()
			t.Fatal("Open succeeded on a database from a newer pyqbot")
		}
		for _, want := range []string{path, "newer pyqbot"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("Open error %q does not contain %q", err, want)
			}
		}
	})
}

func TestOpenBadPath(t *testing.T) {
	dir := t.TempDir()
	textFile := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(textFile, []byte("these are my notes, not a database\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	random := make([]byte, 16384)
	rnd := rand.New(rand.NewPCG(1, 2))
	for i := range random {
		random[i] = byte(rnd.UintN(256))
	}
	corrupt := filepath.Join(dir, "corrupt.db")
	if err := os.WriteFile(corrupt, random, 0o644); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		path string
		want []string // besides the path
	}{
		{"directory missing", filepath.Join(dir, "missing", "pyqbot.db"), []string{"does not exist"}},
		{"path is a directory", dir, nil},
		{"path is a text file", textFile, []string{"not a pyqbot database"}},
		{"path is random bytes", corrupt, []string{"not a pyqbot database"}},
		{"path is empty", "", []string{"path is empty"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := os.ReadFile(tt.path)
			db, err := Open(context.Background(), tt.path)
			if err == nil {
				db.Close()
				t.Fatalf("Open(%q) succeeded, want an error", tt.path)
			}
			for _, want := range append([]string{tt.path}, tt.want...) {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("Open error %q does not contain %q", err, want)
				}
			}
			if after, _ := os.ReadFile(tt.path); string(after) != string(before) {
				t.Errorf("Open changed the file %s it refused", tt.path)
			}
		})
	}
}

func TestOpenRefusesAnotherProgramsDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "invoices.db")
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE invoices (id INTEGER PRIMARY KEY, total INTEGER)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = Open(context.Background(), path)
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "another program") {
		t.Fatalf("Open(%s) = %v, want an error naming the path and saying it belongs to another program", path, err)
	}
	db, _ = sql.Open("sqlite", "file:"+path)
	defer db.Close()
	var n int
	db.QueryRow(`SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'`).Scan(&n)
	if n != 1 {
		t.Errorf("the foreign database now has %d tables, want it untouched with 1", n)
	}
}

// A migration that reaches main after a higher-numbered one (0008 after 0010: helpers number them
// on their own branches) still runs on a database already past it.
func TestOpenAppliesAMigrationBelowTheNewest(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "pyqbot.db")
	db := mustOpenPath(t, path)
	// Roll the database back to "never had 0008": its tables, its column and its row.
	for _, q := range []string{`DROP TABLE bonuses`, `DROP TABLE votes`, `DROP TABLE vote_candidates`, `DROP TABLE vote_rounds`,
		`ALTER TABLE answers DROP COLUMN reason`, `DELETE FROM schema_version WHERE version = 8`} {
		if _, err := db.SQL().ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if SchemaVersion() <= 8 {
		t.Skip("no migration above 0008 yet")
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = mustOpenPath(t, path)
	var n int
	if err := db.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE name = 'vote_rounds'`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("after reopening, vote_rounds exists %d times (%v): migration 0008 was skipped", n, err)
	}
	if err := db.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_version WHERE version = 8`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("schema_version holds 8 %d times (%v), want once", n, err)
	}
}
