package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/storage"
)

// fileState is what a command that only reads must leave as it was: the database file's bytes
// and modification time.
type fileState struct {
	sum   [32]byte
	size  int64
	mtime time.Time
}

func stateOf(t *testing.T, path string) fileState {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fileState{sum: sha256.Sum256(b), size: st.Size(), mtime: st.ModTime()}
}

func (s fileState) String() string {
	return fmt.Sprintf("%d bytes, sha256 %x…, mtime %s", s.size, s.sum[:6], s.mtime.Format(time.RFC3339Nano))
}

func assertUnchanged(t *testing.T, path string, before fileState, after string) {
	t.Helper()
	if now := stateOf(t, path); now.sum != before.sum || now.size != before.size || !now.mtime.Equal(before.mtime) {
		t.Errorf("%s changed the database: was %s, now %s", after, before, now)
	}
}

// copyFile copies src to dst (a seeded database into each case's directory).
func copyFile(t *testing.T, src, dst string, mode fs.FileMode) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, mode); err != nil {
		t.Fatal(err)
	}
}

// seededDB is a closed database with team answers (seedReportDB), copied into a directory of its own.
func seededDB(t *testing.T) string {
	t.Helper()
	src, _, _, _, _ := seedReportDB(t)
	path := filepath.Join(t.TempDir(), "pyqbot.db")
	copyFile(t, src, path, 0o644)
	return path
}

func execSQL(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// undoNewestMigration leaves the database at path as the pyqbot before the newest migration left
// it: without that migration's tables, or with the one it dropped (when listed here; the
// schema_version row alone is what the commands look at).
func undoNewestMigration(t *testing.T, path string) {
	t.Helper()
	undo := map[int][]string{13: {`DROP TABLE rubric_checks`}, 14: {`DROP TABLE period_totals`}, 15: {`CREATE TABLE channel_locks (channel_id BIGINT PRIMARY KEY, owner TEXT NOT NULL, expires_at BIGINT NOT NULL)`},
		16: {`DROP INDEX answers_by_user`, `CREATE INDEX answers_by_user ON answers (user_id)`},
		17: {`DROP INDEX posts_open`},
		18: {`CREATE TABLE posts_0017 (id INTEGER PRIMARY KEY, channel_id INTEGER NOT NULL REFERENCES channels (id),
			workspace_id INTEGER NOT NULL REFERENCES workspaces (id), question_id TEXT NOT NULL, kind TEXT NOT NULL, topic TEXT NOT NULL,
			posted_at INTEGER NOT NULL, day TEXT NOT NULL, reveal_at INTEGER NOT NULL, ref_channel TEXT NOT NULL DEFAULT '',
			ref_id TEXT NOT NULL DEFAULT '', ref_thread TEXT NOT NULL DEFAULT '', closed_at INTEGER)`,
			`INSERT INTO posts_0017 SELECT * FROM posts`, `DROP TABLE posts`, `ALTER TABLE posts_0017 RENAME TO posts`,
			`CREATE INDEX posts_by_channel ON posts (channel_id, posted_at)`,
			`CREATE INDEX posts_closed_days ON posts (workspace_id, day) WHERE closed_at IS NOT NULL`,
			`CREATE INDEX posts_open ON posts (workspace_id, question_id) WHERE closed_at IS NULL`,
			`DELETE FROM sqlite_sequence WHERE name = 'posts'`}}[storage.SchemaVersion()]
	execSQL(t, path, append(undo, fmt.Sprintf(`DELETE FROM schema_version WHERE version = %d`, storage.SchemaVersion()))...)
}

// readCommands are the commands that only read the database, each given --db path.
func readCommands(path, backupTo string) [][]string {
	return [][]string{
		{"export", "--db", path},
		{"content", "report", "--db", path},
		{"backup", "--db", path, backupTo},
	}
}

// TestReadCommandsRefuseWithoutWriting: export, content report and backup open the database
// read-only. A file that is empty, not a pyqbot database or from a newer pyqbot is refused with an
// error naming it; an older schema is refused by the queries and copied by backup; and the file's
// bytes and mtime never change (Open used to write a new schema into an empty file, and migrate
// an older one under the pyqbot running on it).
func TestReadCommandsRefuseWithoutWriting(t *testing.T) {
	t.Parallel()
	seeded := seededDB(t)
	cases := []struct {
		name    string
		prepare func(t *testing.T, path string)
		refused []string // per command, a part of stderr; "" means it succeeds
		check   func(t *testing.T, path, backup string)
	}{
		{
			name:    "empty file",
			prepare: func(t *testing.T, path string) { copyFile(t, os.DevNull, path, 0o644) },
			refused: []string{"is an empty (0-byte) file", "is an empty (0-byte) file", "is an empty (0-byte) file"},
		},
		{
			name: "not a database",
			prepare: func(t *testing.T, path string) {
				mkfile(t, path, strings.Repeat("invoice 42, paid\n", 300))
			},
			refused: []string{"not a pyqbot database", "not a pyqbot database", "not a pyqbot database"},
		},
		{
			name: "SQLite file without tables",
			prepare: func(t *testing.T, path string) {
				execSQL(t, path, `CREATE TABLE x (a)`, `DROP TABLE x`)
			},
			refused: []string{"holds no tables", "holds no tables", "holds no tables"},
		},
		{
			name: "newer schema",
			prepare: func(t *testing.T, path string) {
				copyFile(t, seeded, path, 0o644)
				execSQL(t, path, fmt.Sprintf(`INSERT INTO schema_version (version) VALUES (%d)`, storage.SchemaVersion()+1))
			},
			refused: []string{"written by a newer pyqbot", "written by a newer pyqbot", "written by a newer pyqbot"},
		},
		{
			name: "older schema",
			prepare: func(t *testing.T, path string) {
				copyFile(t, seeded, path, 0o644)
				undoNewestMigration(t, path)
			},
			refused: []string{
				fmt.Sprintf("has an older schema (version %d, without migration %d) than this pyqbot's (version %d)", storage.SchemaVersion()-1, storage.SchemaVersion(), storage.SchemaVersion()),
				"start this pyqbot's `pyqbot run` on it once to migrate it",
				"",
			},
			check: func(t *testing.T, path, backup string) {
				var newest, answers int
				db, err := sql.Open("sqlite", "file:"+backup+"?mode=ro")
				if err != nil {
					t.Fatal(err)
				}
				defer db.Close()
				if err := db.QueryRow(`SELECT (SELECT MAX(version) FROM schema_version), (SELECT COUNT(*) FROM answers)`).Scan(&newest, &answers); err != nil {
					t.Fatal(err)
				}
				if newest != storage.SchemaVersion()-1 || answers == 0 {
					t.Errorf("the backup of the older database has schema version %d and %d answers; want it as it was (%d) with its answers",
						newest, answers, storage.SchemaVersion()-1)
				}
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path, backup := filepath.Join(dir, "pyqbot.db"), filepath.Join(dir, "copy.db")
			c.prepare(t, path)
			before := stateOf(t, path)
			for i, args := range readCommands(path, backup) {
				code, out, errOut := runEnv(t, nil, args...)
				what := "pyqbot " + strings.Join(args, " ")
				if want := c.refused[i]; want == "" {
					if code != 0 {
						t.Errorf("%s: exit %d, stderr %q; want it to succeed", what, code, errOut)
					}
				} else {
					if code != 1 || !strings.Contains(errOut, path) || !strings.Contains(errOut, want) {
						t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit 1 and an error naming %s and saying %q", what, code, out, errOut, path, want)
					}
					if out != "" {
						t.Errorf("%s printed %q on a refused database", what, out)
					}
					if args[0] == "backup" {
						if _, err := os.Stat(backup); !errors.Is(err, fs.ErrNotExist) {
							t.Errorf("%s wrote %s (stat: %v)", what, backup, err)
						}
					}
				}
				assertUnchanged(t, path, before, what)
			}
			if c.check != nil {
				c.check(t, path, backup)
			}
		})
	}
}

// TestReadCommandsGoodPathWriteNothing: on a current database the commands work as before and
// leave the file's bytes and mtime as they were.
func TestReadCommandsGoodPathWriteNothing(t *testing.T) {
	t.Parallel()
	path := seededDB(t)
	before := stateOf(t, path)
	for _, args := range readCommands(path, filepath.Join(t.TempDir(), "copy.db")) {
		code, out, errOut := runEnv(t, nil, args...)
		if code != 0 || out == "" {
			t.Errorf("pyqbot %s: exit %d, stdout %q, stderr %q", strings.Join(args, " "), code, out, errOut)
		}
		assertUnchanged(t, path, before, "pyqbot "+strings.Join(args, " "))
	}
}

// runBinaryAs runs the built pyqbot; as root, as the user nobody (root's writes ignore file
// modes, so a read-only file is only read-only for another user).
func runBinaryAs(t *testing.T, bin string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=/nonexistent"}
	if os.Geteuid() == 0 {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("run %s: %v", bin, err)
	}
	return cmd.ProcessState.ExitCode(), stdout.String(), stderr.String()
}

// TestReadCommandsOnAReadOnlyDatabase: a database file and directory this user may not write (an
// analyst's account, a read-only mount) can be exported, reported on and backed up: with no -wal
// beside it (pyqbot stopped) and with a running pyqbot's -wal and -shm (not writable either),
// whose answers not yet checkpointed into the file are in the export and the backup.
func TestReadCommandsOnAReadOnlyDatabase(t *testing.T) {
	t.Parallel()
	// Every directory on the way must be searchable by nobody: t.TempDir's parent is 0700.
	top := t.TempDir()
	if err := os.Chmod(filepath.Dir(top), 0o755); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(top, "pyqbot")
	copyFile(t, binary, bin, 0o755)
	out := filepath.Join(top, "out")
	if err := os.Mkdir(out, 0o777); err != nil {
		t.Fatal(err)
	}
	os.Chmod(out, 0o777) // past the umask: nobody writes the backups here
	seeded := seededDB(t)

	for _, running := range []bool{false, true} {
		name := map[bool]string{false: "stopped", true: "running"}[running]
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(top, name)
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "pyqbot.db")
			copyFile(t, seeded, path, 0o644)
			wantAnswers := 31 // seedReportDB's team answers
			if running {
				// The bot keeps the store open (as root, who may write): one more answer sits in the
				// -wal, not yet checkpointed into the file.
				store, err := storage.Open(context.Background(), path)
				if err != nil {
					t.Fatal(err)
				}
				defer store.Close()
				if _, err := store.SQL().Exec(`PRAGMA wal_autocheckpoint = 0`); err != nil {
					t.Fatal(err)
				}
				execSQLOn(t, store.SQL(), `INSERT INTO answers (post_id, workspace_id, user_id, keys, text, answered_at)
					SELECT p.id, p.workspace_id, u.id, 'A', '', p.posted_at + 1 FROM posts p JOIN users u ON u.workspace_id = p.workspace_id
					WHERE NOT EXISTS (SELECT 1 FROM answers a WHERE a.post_id = p.id AND a.user_id = u.id) LIMIT 1`)
				wantAnswers++
			}
			// Read-only for everyone but root: the file, the directory, and the -wal and -shm.
			for _, f := range []string{path, path + "-wal", path + "-shm"} {
				if err := os.Chmod(f, 0o444); err != nil && !errors.Is(err, fs.ErrNotExist) {
					t.Fatal(err)
				}
			}
			if err := os.Chmod(dir, 0o555); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.Chmod(dir, 0o755) })
			if os.Geteuid() == 0 {
				// Prove the setup: as nobody, the file does not open for writing.
				code, _, errOut := runBinaryAs(t, "/bin/sh", "-c", ": >> "+path)
				if code == 0 {
					t.Fatalf("nobody could open %s for writing: the test proves nothing (%s)", path, errOut)
				}
			}
			before := stateOf(t, path)

			code, csvOut, errOut := runBinaryAs(t, bin, "export", "--db", path)
			if code != 0 || strings.Count(csvOut, "\n") != wantAnswers+1 {
				t.Errorf("export of a read-only database: exit %d, %d lines, stderr %q; want %d answers and a header",
					code, strings.Count(csvOut, "\n"), errOut, wantAnswers)
			}
			code, report, errOut := runBinaryAs(t, bin, "content", "report", "--db", path)
			if code != 0 || !strings.Contains(report, "Team questions in this database: 6") {
				t.Errorf("content report of a read-only database: exit %d, stdout %q, stderr %q", code, report, errOut)
			}
			backup := filepath.Join(out, name+".db")
			code, said, errOut := runBinaryAs(t, bin, "backup", "--db", path, backup)
			if code != 0 || !strings.Contains(said, "backed up "+path+" to "+backup) {
				t.Fatalf("backup of a read-only database: exit %d, stdout %q, stderr %q", code, said, errOut)
			}
			assertUnchanged(t, path, before, "export, content report and backup")

			copyDB, err := sql.Open("sqlite", "file:"+backup+"?mode=ro")
			if err != nil {
				t.Fatal(err)
			}
			defer copyDB.Close()
			var verdict string
			var n int
			err = copyDB.QueryRow(`PRAGMA integrity_check`).Scan(&verdict)
			if err == nil {
				err = copyDB.QueryRow(`SELECT COUNT(*) FROM answers`).Scan(&n)
			}
			if err != nil || verdict != "ok" || n != wantAnswers {
				t.Errorf("the backup: integrity_check %q, %d answers (%v); want ok and %d", verdict, n, err, wantAnswers)
			}
		})
	}
}

func execSQLOn(t *testing.T, db *sql.DB, stmt string) {
	t.Helper()
	if _, err := db.Exec(stmt); err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
}
