package storage

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pyqbot/pyqbot/bot"
)

// OpenReadOnly reads a database without writing it, on both backends: the queries work, a write
// is refused by the database itself, an older schema is not migrated (RequireCurrentSchema says
// so) and a newer one is refused.
func TestOpenReadOnly(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be backend) {
		ctx := context.Background()
		target := be.Target(t)
		db, err := Open(ctx, target)
		if err != nil {
			t.Fatal(err)
		}
		conv := bot.Conversation{Platform: "slack", Workspace: "T1", Channel: "C1"}
		if _, err := db.EnsureChannel(ctx, conv, "UTC"); err != nil {
			t.Fatal(err)
		}

		ro, err := OpenReadOnly(ctx, target)
		if err != nil {
			t.Fatal(err)
		}
		if err := ro.RequireCurrentSchema(); err != nil {
			t.Errorf("a current database: %v", err)
		}
		if err := ro.ExportAnswers(ctx, func(ExportedAnswer) error { return nil }); err != nil {
			t.Errorf("export on a read-only store: %v", err)
		}
		if _, err := ro.EnsureChannel(ctx, bot.Conversation{Platform: "slack", Workspace: "T1", Channel: "C2"}, "UTC"); err == nil ||
			!strings.Contains(err.Error(), "read") {
			t.Errorf("a write on a read-only store: %v, want it refused", err)
		}
		err = ro.Backup(ctx, filepath.Join(t.TempDir(), "copy.db"))
		if be.name == "postgres" && !errors.Is(err, ErrBackupPostgres) || be.name == "sqlite" && err != nil {
			t.Errorf("backup: %v", err)
		}
		ro.Close()

		newest := SchemaVersion()
		if _, err := db.SQL().ExecContext(ctx, db.db.b.bind(`DELETE FROM schema_version WHERE version = ?`), newest); err != nil {
			t.Fatal(err)
		}
		ro, err = OpenReadOnly(ctx, target)
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("older schema (version %d, without migration %d) than this pyqbot's (version %d)", newest-1, newest, newest)
		if err := ro.RequireCurrentSchema(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("a database one migration behind: %v, want %q", err, want)
		}
		ro.Close()
		var n int
		if err := db.SQL().QueryRowContext(ctx, db.db.b.bind(`SELECT COUNT(*) FROM schema_version WHERE version = ?`), newest).Scan(&n); err != nil || n != 0 {
			t.Errorf("after OpenReadOnly, schema_version holds %d %d times (%v): it was migrated", newest, n, err)
		}

		if _, err := db.SQL().ExecContext(ctx, db.db.b.bind(`INSERT INTO schema_version (version) VALUES (?)`), newest+1); err != nil {
			t.Fatal(err)
		}
		if _, err := OpenReadOnly(ctx, target); err == nil || !strings.Contains(err.Error(), "written by a newer pyqbot") {
			t.Errorf("a newer database: %v, want it refused", err)
		}
		db.Close()
	})
}

// A file read with immutable=1 (a read-only directory without a -wal) takes no locks: a backup
// taken while a pyqbot wrote it is removed and refused rather than kept torn.
func TestReadOnlyImmutableBackupRefusesAChangedFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "pyqbot.db")
	db := mustOpenPath(t, path)
	db.Close()
	ro, err := openSQLiteRO(ctx, path, true)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	copy1 := filepath.Join(t.TempDir(), "copy1.db")
	if err := ro.Backup(ctx, copy1); err != nil {
		t.Fatalf("backup of an unchanged file: %v", err)
	}
	db = mustOpenPath(t, path) // a pyqbot starts on it: its -wal appears
	defer db.Close()
	if _, err := db.EnsureChannel(ctx, bot.Conversation{Platform: "slack", Workspace: "T1", Channel: "C1"}, "UTC"); err != nil {
		t.Fatal(err)
	}
	copy2 := filepath.Join(t.TempDir(), "copy2.db")
	if err := ro.Backup(ctx, copy2); err == nil || !strings.Contains(err.Error(), "changed while it was read") {
		t.Errorf("backup while a pyqbot writes the file: %v, want it refused", err)
	}
	if _, err := os.Stat(copy2); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the refused backup was kept (stat: %v)", err)
	}
	// export and content report ask the same at their end.
	if err := ro.CheckUnchanged(); err == nil || !strings.Contains(err.Error(), "changed while it was read") {
		t.Errorf("CheckUnchanged after a pyqbot wrote the file: %v, want the same refusal", err)
	}
}
