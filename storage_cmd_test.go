package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pyqbot/pyqbot/storage"
	"github.com/pyqbot/pyqbot/storage/pgtest"
)

// [storage] url selects PostgreSQL, path SQLite; both at once, or url with --db, is an error
// naming both, and a URL's password never shows in an error.
func TestStorageURLOrPath(t *testing.T) {
	t.Parallel()
	const secret = "hunter2-pw"
	pgURL := "postgres://pyqbot:" + secret + "@127.0.0.1:1/pyqbot"
	both := writeFile(t, "both.toml", "[storage]\npath = \"x.db\"\nurl = \""+pgURL+"\"\n")
	onlyURL := writeFile(t, "url.toml", "[storage]\nurl = \""+pgURL+"?connect_timeout=2\"\n")
	badScheme := writeFile(t, "scheme.toml", "[storage]\nurl = \"mysql://pyqbot:"+secret+"@db/pyqbot\"\n")
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want []string // in stderr
	}{
		{"url and path in the file", nil, []string{"run", "--config", both}, []string{"both.toml:3: [storage] url and [storage] path are both set"}},
		{"url and path in the environment", map[string]string{"PYQBOT_STORAGE_URL": pgURL, "PYQBOT_STORAGE_PATH": "/data/x.db"},
			[]string{"run"}, []string{"[storage] url and [storage] path are both set", "PYQBOT_STORAGE_URL and PYQBOT_STORAGE_PATH"}},
		{"url with --db", nil, []string{"console", "--config", onlyURL, "--db", "x.db"}, []string{"--db x.db names an SQLite file", "[storage] url is set too"}},
		{"url with --db on export", nil, []string{"export", "--config", onlyURL, "--db", "x.db"}, []string{"--db x.db", "[storage] url"}},
		{"not a postgres URL", nil, []string{"run", "--config", badScheme}, []string{"must start with postgres://"}},
		{"server not there", nil, []string{"console", "--config", onlyURL}, []string{"open database postgres://pyqbot:xxxxx@127.0.0.1:1/pyqbot", "check that PostgreSQL runs there"}},
		// pgx takes the password as a query parameter too; it is as secret there.
		{"password parameter", map[string]string{"PYQBOT_STORAGE_URL": "postgres://127.0.0.1:1/db?password=" + secret + "&user=u&connect_timeout=2"},
			[]string{"export"}, []string{"open database postgres://127.0.0.1:1/db?connect_timeout=2&password=xxxxx&user=u"}},
		{"sslpassword parameter, percent-encoded", map[string]string{"PYQBOT_STORAGE_URL": "postgres://u@127.0.0.1:1/db?connect_timeout=2&sslpassword=" + strings.ReplaceAll(secret, "-", "%2D")},
			[]string{"export"}, []string{"sslpassword=xxxxx"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runEnv(t, tt.env, tt.args...)
			if code == 0 {
				t.Fatalf("exit 0, want an error\nstdout: %s", stdout)
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			if strings.Contains(stderr+stdout, secret) || strings.Contains(stderr+stdout, "hunter2%2D") {
				t.Errorf("the password shows in the output:\n%s%s", stdout, stderr)
			}
		})
	}
}

var exportedAnswer = regexp.MustCompile(`(?m)^console,.*$`)

// A team plays on SQLite; migrate-store copies it into PostgreSQL, printing each table's counts
// and the leaderboard comparison; export prints the same answers from both; the bot then plays on
// PostgreSQL (PYQBOT_STORAGE_URL) with the history intact; backup refuses naming pg_dump; a second
// migrate-store into the filled database is refused.
func TestMigrateStoreThenRunOnPostgres(t *testing.T) {
	t.Parallel()
	pgtest.Require(t)
	url := pgtest.URL(t)
	db := filepath.Join(t.TempDir(), "team.db")
	for _, who := range []string{"Ann", "Bob", "Cy"} {
		run(t, "/pyq filter kinds output\n/pyq today\n/as "+who+"\n/pyq answer A\n", "console", "--db", db)
	}
	run(t, "/pyq reveal\n", "console", "--db", db)
	_, before, _ := run(t, "/pyq leaderboard all\n", "console", "--db", db, "--user", "Ann")

	source := stateOf(t, db)
	code, out, stderr := run(t, "", "migrate-store", "--from", "sqlite:"+db, "--to", url)
	if code != 0 {
		t.Fatalf("migrate-store: exit %d\nstdout: %s\nstderr: %s", code, out, stderr)
	}
	assertUnchanged(t, db, source, "migrate-store") // it only reads its source
	for _, want := range []string{"answers       3         3", "users", "leaderboards: 3 compared", "all identical"} {
		if !strings.Contains(regexp.MustCompile(` +`).ReplaceAllString(out, " "), regexp.MustCompile(` +`).ReplaceAllString(want, " ")) {
			t.Errorf("migrate-store output lacks %q:\n%s", want, out)
		}
	}

	env := map[string]string{"PYQBOT_STORAGE_URL": url}
	_, fromSQLite, _ := run(t, "", "export", "--db", db)
	code, fromPG, stderr := runEnv(t, env, "export")
	if code != 0 || len(exportedAnswer.FindAllString(fromPG, -1)) != 3 || fromPG != fromSQLite {
		t.Errorf("export on PostgreSQL (exit %d, %s):\n%s\nwant what SQLite exports:\n%s", code, stderr, fromPG, fromSQLite)
	}

	code, after, stderr := runEnvIn(t, env, "/pyq leaderboard all\n", "console", "--user", "Ann")
	if code != 0 || board(after) == "" || board(after) != board(before) {
		t.Errorf("leaderboard on PostgreSQL (exit %d, %s):\n%s\nwant the one on SQLite:\n%s", code, stderr, board(after), board(before))
	}

	code, _, stderr = runEnv(t, env, "backup", filepath.Join(t.TempDir(), "copy.db"))
	if code == 0 || !strings.Contains(stderr, "pg_dump") || !strings.Contains(stderr, "pg_restore") {
		t.Errorf("backup on PostgreSQL: exit %d, stderr %q; want a refusal naming pg_dump and pg_restore", code, stderr)
	}

	code, _, stderr = run(t, "", "migrate-store", "--from", "sqlite:"+db, "--to", url)
	if code == 0 || !strings.Contains(stderr, "not empty") {
		t.Errorf("second migrate-store: exit %d, stderr %q; want it refused (target not empty)", code, stderr)
	}
	if _, err := os.Stat(db); err != nil {
		t.Fatal(err)
	}
}

// A source with an older schema than this pyqbot's is copied from an up-to-date temporary copy:
// the target gets every answer, and the source is left as it was, older schema and all.
func TestMigrateStoreFromAnOlderSchemaLeavesTheSourceAlone(t *testing.T) {
	t.Parallel()
	pgtest.Require(t)
	url := pgtest.URL(t)
	db := seededDB(t)
	undoNewestMigration(t, db)
	var answers int
	readSQLite(t, db, `SELECT COUNT(*) FROM answers`, &answers)
	before := stateOf(t, db)

	code, out, stderr := run(t, "", "migrate-store", "--from", "sqlite:"+db, "--to", url)
	if code != 0 {
		t.Fatalf("migrate-store: exit %d\nstdout: %s\nstderr: %s", code, out, stderr)
	}
	if !strings.Contains(stderr, "older schema") || !strings.Contains(stderr, "itself is not changed") {
		t.Errorf("stderr %q; want it to say the copy comes from an up-to-date temporary copy", stderr)
	}
	if want := fmt.Sprintf("answers %d %d", answers, answers); !strings.Contains(regexp.MustCompile(` +`).ReplaceAllString(out, " "), want) || answers == 0 {
		t.Errorf("migrate-store output lacks %q:\n%s", want, out)
	}
	if !strings.Contains(out, "copied "+db+" to ") {
		t.Errorf("output does not name the source %s:\n%s", db, out)
	}
	assertUnchanged(t, db, before, "migrate-store from an older schema")
	var newest int
	readSQLite(t, db, `SELECT MAX(version) FROM schema_version`, &newest)
	if newest != storage.SchemaVersion()-1 {
		t.Errorf("the source's schema is at version %d after migrate-store; want it left at %d", newest, storage.SchemaVersion()-1)
	}
}

// readSQLite reads one row of query from the SQLite file at path, opened read-only.
func readSQLite(t *testing.T, path, query string, dest ...any) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.QueryRow(query).Scan(dest...); err != nil {
		t.Fatalf("%s on %s: %v", query, path, err)
	}
}

// runEnvIn runs the CLI in-process with env as its environment and stdin as its input.
func runEnvIn(t *testing.T, env map[string]string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	m := &Main{Stdin: strings.NewReader(stdin), Stdout: &stdout, Stderr: &stderr, Getenv: func(k string) string { return env[k] }}
	code := m.Run(context.Background(), args)
	return code, stdout.String(), stderr.String()
}

// board is the leaderboard's rows in a console transcript.
func board(out string) string {
	return strings.Join(leaderboardRows.FindAllString(out, -1), "\n")
}
