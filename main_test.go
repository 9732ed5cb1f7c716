package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pyqbot/pyqbot/content"
	"github.com/pyqbot/pyqbot/internal/testkit"
	"github.com/pyqbot/pyqbot/storage"
)

// binary is the pyqbot executable built once for the end-to-end tests.
var binary string

func TestMain(m *testing.M) {
	flag.Parse()
	if fz := flag.Lookup("test.fuzz"); fz != nil && fz.Value.String() != "" {
		os.Exit(m.Run()) // fuzzing (the coordinator and each worker) runs only a fuzz target: no binary to build
	}
	dir, err := os.MkdirTemp("", "pyqbot-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "pyqbot")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building pyqbot: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// session is a running `pyqbot console` whose output is read line by line, so the test can react to
// what it printed without sleeping.
type session struct {
	t      *testing.T
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	out    *bufio.Reader
	seen   strings.Builder
	stderr testkit.SyncBuffer // read by a failing test while exec's goroutine writes
}

func startConsole(t *testing.T, args ...string) *session {
	t.Helper()
	return startConsoleEnv(t, nil, args...)
}

// startConsoleEnv is startConsole with env added to the environment.
func startConsoleEnv(t *testing.T, env []string, args ...string) *session {
	t.Helper()
	s := &session{t: t, cmd: exec.Command(binary, append([]string{"console"}, args...)...)}
	if env != nil {
		s.cmd.Env = append(os.Environ(), env...)
	}
	s.cmd.Stderr = &s.stderr
	var err error
	if s.stdin, err = s.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	s.out = bufio.NewReader(stdout)
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.cmd.Process.Kill() })
	return s
}

func (s *session) send(lines ...string) {
	s.t.Helper()
	if _, err := io.WriteString(s.stdin, strings.Join(lines, "\n")+"\n"); err != nil {
		s.t.Fatal(err)
	}
}

// until reads output up to and including the first line matching re, and returns that line.
func (s *session) until(re *regexp.Regexp) string {
	s.t.Helper()
	for {
		line, err := s.out.ReadString('\n')
		s.seen.WriteString(line)
		if re.MatchString(line) {
			return line
		}
		if err != nil {
			s.t.Fatalf("output ended before %s: %v\nstdout:\n%s\nstderr:\n%s", re, err, s.seen.String(), s.stderr.String())
		}
	}
}

// finish closes standard input, reads the rest and checks the exit status is 0.
func (s *session) finish() string {
	s.t.Helper()
	s.stdin.Close()
	rest, _ := io.ReadAll(s.out)
	s.seen.Write(rest)
	if err := s.cmd.Wait(); err != nil {
		s.t.Fatalf("pyqbot console: %v\nstderr:\n%s", err, s.stderr.String())
	}
	return s.seen.String()
}

func exportedBank(t *testing.T) map[string]content.Exported {
	t.Helper()
	out, err := exec.Command(binary, "content", "export").Output()
	if err != nil {
		t.Fatal(err)
	}
	var qs []content.Exported
	if err := json.Unmarshal(out, &qs); err != nil {
		t.Fatal(err)
	}
	byID := map[string]content.Exported{}
	for _, q := range qs {
		byID[q.ID] = q
	}
	return byID
}

// rightAndWrong returns an answer that scores full points and one that scores nothing.
func rightAndWrong(q content.Exported) (right, wrong string) {
	if q.Kind == "design" {
		return "asyncio for the I/O, a process pool for the CPU part", ""
	}
	for _, c := range q.Choices {
		if !strings.Contains(","+strings.Join(q.Answer, ",")+",", ","+c.Key+",") {
			wrong = c.Key
			break
		}
	}
	return strings.Join(q.Answer, ","), wrong
}

var leaderboardRows = regexp.MustCompile(`(?m)^(\d+)\s+(\S+)\s+(\d+)\s+(\d+/\d+)\s+(\d+)$`)

func TestConsolePlaysADayAndKeepsItAcrossRestarts(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "team.db")
	bank := exportedBank(t)

	s := startConsole(t, "--db", db, "--user", "lead")
	s.send("/pyq today")
	footer := s.until(regexp.MustCompile(`^-- #1 · `))
	id := strings.TrimSpace(footer[strings.LastIndex(footer, "id ")+3:])
	q, ok := bank[id]
	if !ok {
		t.Fatalf("posted question %q is not in the exported bank", id)
	}
	right, wrong := rightAndWrong(q)
	if wrong == "" {
		wrong = "threads everywhere, always"
	}
	s.send("/as Alice", "/pyq answer "+right, "/as Bob", "/pyq answer "+wrong, "/as Carol", "/pyq answer #1 "+right,
		"/pyq answer "+right, "/as lead", "/pyq reveal", "/pyq leaderboard")
	out := s.finish()

	if n := strings.Count(out, "Recorded your answer"); n != 3 {
		t.Errorf("%d answers confirmed, want 3:\n%s", n, out)
	}
	posted := regexp.MustCompile(`\[#general\] message (\S+)\n`).FindStringSubmatch(out)
	if posted == nil {
		t.Fatalf("no question posted:\n%s", out)
	}
	for _, want := range []string{"(only Alice can see this)", "You already answered #1",
		"[#general › thread of " + posted[1] + "] message ", "Answer to #1: " + q.Title, "message " + posted[1] + " closed"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	rows := leaderboardRows.FindAllStringSubmatch(out, -1)
	points := map[string]string{}
	for _, r := range rows {
		points[r[2]] = r[3]
	}
	wantPoints := map[string]string{"Alice": "10", "Carol": "10", "Bob": "0"}
	if q.Kind == "design" {
		wantPoints = map[string]string{"Alice": "5", "Carol": "5", "Bob": "5"}
	} else if !strings.Contains(out, "Got it: Alice +10, Carol +10") {
		t.Errorf("reveal does not credit Alice and Carol:\n%s", out)
	}
	if fmt.Sprint(points) != fmt.Sprint(wantPoints) {
		t.Errorf("leaderboard points = %v, want %v\n%s", points, wantPoints, out)
	}

	// What the database holds afterwards.
	store, err := storage.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	answers, err := store.Answers(context.Background(), 1)
	store.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(answers) != 3 {
		t.Fatalf("database holds %d answers, want 3", len(answers))
	}
	for _, a := range answers {
		if !a.Graded || fmt.Sprint(a.Points) != wantPoints[a.User.Name] {
			t.Errorf("stored answer %+v, want graded with %s points", a, wantPoints[a.User.Name])
		}
	}

	// A second run on the same database shows the same leaderboard: nothing lost across restarts.
	again := startConsole(t, "--db", db, "--user", "Bob")
	again.send("/pyq leaderboard")
	out2 := again.finish()
	if got, want := leaderboardRows.FindAllString(out2, -1), leaderboardRows.FindAllString(out, -1); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("leaderboard after restart = %q, want %q", got, want)
	}
}

// run runs the CLI in-process and returns its exit code, stdout and stderr.
func run(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	m := &Main{Stdin: strings.NewReader(stdin), Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" }}
	code := m.Run(context.Background(), args)
	return code, stdout.String(), stderr.String()
}

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// commandCase is one run of pyqbot's command line in process and what it must print.
type commandCase struct {
	name     string
	args     []string
	stdin    string
	code     int    // the exit code
	stdout   string // a part of stdout
	stderr   string // a part of stderr
	noStderr bool   // stderr must be empty
	check    func(t *testing.T)
}

// run runs the case and checks its exit code, then what it printed, then check. A wrong exit code
// stops the case: what it printed is in the message.
func (tt commandCase) run(t *testing.T) {
	code, stdout, stderr := run(t, tt.stdin, tt.args...)
	if code != tt.code {
		t.Fatalf("exit code %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, stdout, stderr)
	}
	if !strings.Contains(stdout, tt.stdout) {
		t.Errorf("stdout lacks %q:\n%s\nstderr: %s", tt.stdout, stdout, stderr)
	}
	if !strings.Contains(stderr, tt.stderr) {
		t.Errorf("stderr lacks %q:\n%s", tt.stderr, stderr)
	}
	if tt.noStderr && stderr != "" {
		t.Errorf("unexpected stderr: %s", stderr)
	}
	if tt.check != nil {
		tt.check(t)
	}
}

func TestCommandLine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "ok.db")
	notDB := writeFile(t, "garbage.db", strings.Repeat("this is not sqlite ", 300))
	badKey := writeFile(t, "bad.toml", "[storage]\npath = \"x.db\"\n\n[bot]\ntimezon = \"UTC\"\n")
	badZone := writeFile(t, "zone.toml", "[bot]\ntimezone = \"Mars/Olympus\"\n")
	badSyntax := writeFile(t, "syntax.toml", "[bot\n")
	slackOn := writeFile(t, "slack.toml", "[slack]\nenabled = true\n")
	tests := []commandCase{
		{name: "version", args: []string{"version"}, stdout: "pyqbot dev"},
		{name: "help", args: []string{"help"}, stdout: "pyqbot content lint"},
		{name: "unknown command", args: []string{"serve"}, code: 2, stderr: `unknown command "serve"`},
		{name: "unknown flag", args: []string{"run", "--databse", "x"}, code: 2, stderr: "flag provided but not defined: -databse"},
		{name: "a flag given twice", args: []string{"export", "--db", db, "--db", notDB}, code: 2, stderr: `invalid value "` + notDB + `" for flag -db: it is given twice (first "` + db + `"): give it once`},
		{name: "a flag given before and after the command", args: []string{"--config", badKey, "run", "--config", badZone}, code: 2,
			stderr: `for flag -config: it is given twice (first "` + badKey + `")`},
		{name: "a switch given twice", args: []string{"content", "lint", "--no-run", "--no-run", "content/testdata/broken"}, code: 1,
			stdout: `answer-not-a-choice.toml:12: answer "E" is not among the choices`},
		{name: "the same value twice", args: []string{"export", "--db", notDB, "--db=" + notDB}, code: 1, stderr: "not a pyqbot database or is corrupt"},
		{name: "run help", args: []string{"run", "--help"}, stdout: "Usage: pyqbot run", noStderr: true},
		{name: "console help", args: []string{"console", "-h"}, stdout: "-user string"},
		{name: "lint help", args: []string{"content", "lint", "--help"}, stdout: "--python"},
		{name: "help for a command", args: []string{"help", "version"}, stdout: "Prints the version."},
		{name: "content without subcommand", args: []string{"content"}, code: 2, stderr: "say lint, export, stats or report"},
		{name: "version takes no args", args: []string{"version", "now"}, code: 2, stderr: "takes no arguments"},
		{name: "unknown config key", args: []string{"run", "--config", badKey, "--db", db}, code: 1, stderr: badKey + `:5: unknown key "bot.timezon"`},
		{name: "bad zone", args: []string{"run", "--config", badZone}, code: 1, stderr: badZone + `:2: [bot] timezone: "Mars/Olympus" is not a time zone`},
		{name: "bad syntax", args: []string{"run", "--config", badSyntax}, code: 1, stderr: badSyntax + ":1:"},
		{name: "missing config", args: []string{"run", "--config", filepath.Join(dir, "nope.toml")}, code: 1, stderr: "check the --config path"},
		{name: "slack without a token", args: []string{"run", "--config", slackOn}, code: 1, stderr: slackOn + ": [slack] bot_token or the environment variable SLACK_BOT_TOKEN"},
		{name: "db directory missing", args: []string{"console", "--db", filepath.Join(dir, "no", "such", "x.db")}, code: 1,
			stderr: "directory " + filepath.Join(dir, "no", "such") + " does not exist"},
		{name: "db is a directory", args: []string{"console", "--db", dir}, code: 1, stderr: "open database " + dir},
		{name: "db not sqlite", args: []string{"console", "--db", notDB}, code: 1, stderr: "not a pyqbot database or is corrupt"},
		{name: "plays and exits at end of input", args: []string{"console", "--db", db, "--user", "Ann"},
			stdin: "/pyq topics\n/as\nhello\n/pyq\n", stdout: "closures"},
		{name: "lint finds broken questions", args: []string{"content", "lint", "--no-run", "content/testdata/broken"}, code: 1,
			stdout: `content/testdata/broken/closures/answer-not-a-choice.toml:12: answer "E" is not among the choices`},
	}
	for _, tt := range tests {
		t.Run(tt.name, tt.run)
	}
}

func TestConsoleInputMistakes(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "x.db")
	_, out, _ := run(t, "/as\nhello there\n/pyq frobnicate\n/as Zoe\n/pyq me\n", "console", "--db", db)
	for _, want := range []string{"usage: /as NAME", "Commands start with /pyq", "I don't know `/pyq frobnicate`", "(you are now Zoe)", "Your record, Zoe"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestContentExportSchema(t *testing.T) {
	t.Parallel()
	code, out, stderr := run(t, "", "content", "export")
	if code != 0 {
		t.Fatalf("export failed: %s", stderr)
	}
	var qs []map[string]any
	if err := json.Unmarshal([]byte(out), &qs); err != nil {
		t.Fatal(err)
	}
	if len(qs) < 130 {
		t.Fatalf("exported %d questions, want at least 130", len(qs))
	}
	for _, q := range qs {
		for _, key := range []string{"id", "kind", "topic", "difficulty", "title", "prompt", "code", "choices", "answer", "explanation"} {
			if _, ok := q[key]; !ok {
				t.Fatalf("question %v lacks %q", q["id"], key)
			}
		}
		if q["kind"] == "debug" && (q["fixed_code"] == nil || q["check"] == nil) {
			t.Errorf("debug question %v lacks fixed_code or check", q["id"])
		}
	}
}
