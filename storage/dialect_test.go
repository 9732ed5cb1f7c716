package storage

import (
	"context"
	"database/sql"
	"strings"
	"testing"
)

func TestRebind(t *testing.T) {
	tests := []struct{ in, want string }{
		{`SELECT 1`, `SELECT 1`},
		{`WHERE a = ? AND b = ?`, `WHERE a = $1 AND b = $2`},
		{`VALUES (?, '?', ?)`, `VALUES ($1, '?', $2)`},
		{`SELECT 'it''s ?' , ?`, `SELECT 'it''s ?' , $1`},
		{`SELECT "odd?name" FROM t WHERE x = ?`, `SELECT "odd?name" FROM t WHERE x = $1`},
		{strings.Repeat("?,", 11) + "?", "$1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12"},
	}
	for _, tt := range tests {
		if got := rebind(tt.in); got != tt.want {
			t.Errorf("rebind(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	b := &binder{dialect: sqliteDialect}
	if got := b.bind(`a = ?`); got != `a = ?` {
		t.Errorf("SQLite bind(%q) = %q, want it unchanged", `a = ?`, got)
	}
}

// Every migration must have a form each dialect can run: its own file, or a shared one marked
// portable. A new migration written for SQLite alone fails here (and Open on PostgreSQL refuses
// it with a message naming the file to add).
func TestEveryMigrationHasAFormForEveryDialect(t *testing.T) {
	sqlite, err := migrationsFor(sqliteDialect)
	if err != nil {
		t.Fatalf("SQLite migrations: %v", err)
	}
	pg, err := migrationsFor(postgresDialect)
	if err != nil {
		t.Fatalf("PostgreSQL migrations: %v", err)
	}
	if len(sqlite) != len(pg) {
		t.Fatalf("SQLite has %d migrations, PostgreSQL %d: every version needs a form on both", len(sqlite), len(pg))
	}
	for i := range sqlite {
		if sqlite[i].version != pg[i].version {
			t.Errorf("migration %d: SQLite has version %d (%s), PostgreSQL %d (%s)", i, sqlite[i].version, sqlite[i].name, pg[i].version, pg[i].name)
		}
	}
}

// A shared migration marked portable must not use DDL only SQLite accepts.
func TestPortableMigrationsAvoidSQLiteOnlyDDL(t *testing.T) {
	shared, err := readMigrations("migrations")
	if err != nil {
		t.Fatal(err)
	}
	own, err := readMigrations("migrations/postgres")
	if err != nil {
		t.Fatal(err)
	}
	for v, m := range shared {
		if _, ok := own[v]; ok || !strings.Contains(m.sql, portableMarker) {
			continue
		}
		for _, only := range []string{"INTEGER PRIMARY KEY", "WITHOUT ROWID", "AUTOINCREMENT", "STRFTIME(", "PRAGMA "} {
			if strings.Contains(strings.ToUpper(m.sql), only) {
				t.Errorf("migration %s is marked portable but uses SQLite's %s: add migrations/postgres/%s", m.name, only, m.name)
			}
		}
	}
}

func TestOpenRefusesAnotherProgramsPostgresSchema(t *testing.T) {
	for _, be := range backends(t) {
		if be.name != "postgres" {
			continue
		}
		target := be.Target(t)
		raw, err := sql.Open("pgx", target)
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		if _, err := raw.Exec(`CREATE TABLE invoices (id BIGINT PRIMARY KEY, total BIGINT)`); err != nil {
			t.Fatal(err)
		}
		db, err := Open(context.Background(), target)
		if err == nil {
			db.Close()
			t.Fatal("Open succeeded on a schema holding another program's tables")
		}
		if !strings.Contains(err.Error(), "another program") || !strings.Contains(err.Error(), "[storage] url") {
			t.Errorf("Open error %q: want it to say the database belongs to another program and to name [storage] url", err)
		}
		var n int
		if err := raw.QueryRow(`SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()`).Scan(&n); err != nil || n != 1 {
			t.Errorf("the foreign schema now has %d tables (%v), want it untouched with 1", n, err)
		}
	}
}

// A password in the URL never shows in an error: a wrong one, an unreachable server, a bad URL.
func TestPostgresErrorsNeverShowThePassword(t *testing.T) {
	const secret = "s3cr3t-Pa55"
	tests := []struct {
		name, url string
		want      string
	}{
		{"nothing listens there", "postgres://pyqbot:" + secret + "@127.0.0.1:1/pyqbot?connect_timeout=2", "127.0.0.1:1"},
		{"no host", "postgres://pyqbot:" + secret + "@/pyqbot", "no host"},
		{"does not parse", "postgres://pyqbot:" + secret + "@127.0.0.1:port/pyqbot", "does not parse"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, err := Open(context.Background(), tt.url)
			if err == nil {
				db.Close()
				t.Fatalf("Open(%s) succeeded", tt.name)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("Open error shows the password: %v", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Open error %q does not contain %q", err, tt.want)
			}
		})
	}
}
