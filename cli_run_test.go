package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// runBinary runs the built pyqbot with stdin (nil: /dev/null, as `docker run` without -i gives)
// and only the environment given, and returns its exit code and combined output.
func runBinary(t *testing.T, stdin *bytes.Reader, env []string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = t.TempDir()
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + cmd.Dir}, env...)
	if stdin != nil {
		cmd.Stdin = stdin // a pipe, closed after its bytes
	}
	out, err := cmd.CombinedOutput()
	if _, exited := err.(*exec.ExitError); err != nil && !exited {
		t.Fatalf("pyqbot %s: %v", strings.Join(args, " "), err)
	}
	return cmd.ProcessState.ExitCode(), string(out)
}

// `pyqbot run` with no platform and no input at all exits 1 saying what to enable (item 7): it
// printed two INFO lines and exited 0, so a container whose Slack setting was missing restarted
// silently for ever. Piped input still plays, and `console` is asked for explicitly.
func TestRunWithNothingToDoFails(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "x.db")
	// The Docker image's environment: HTTP on (here on a free port), no platform.
	image := []string{"PYQBOT_HTTP_ENABLED=true", "PYQBOT_HTTP_LISTEN=127.0.0.1:0"}
	tests := []struct {
		name  string
		stdin *bytes.Reader
		env   []string
		args  []string
		code  int
		want  []string
	}{
		{name: "stdin is /dev/null", args: []string{"run", "--db", db}, code: 1,
			want: []string{"no platform is enabled", "[slack] enabled = true", "PYQBOT_SLACK_ENABLED=true", "PYQBOT_DISCORD_ENABLED=true", "pyqbot console"}},
		{name: "stdin is an empty pipe", stdin: bytes.NewReader(nil), args: []string{"--db", db}, code: 1, want: []string{"no platform is enabled"}},
		{name: "the image's defaults", env: image, args: []string{"run", "--db", db}, code: 1, want: []string{"no platform is enabled"}},
		{name: "piped input plays", stdin: bytes.NewReader([]byte("/pyq today\n")), args: []string{"run", "--db", db}, want: []string{"-- #1 · "}},
		{name: "one empty line is input", stdin: bytes.NewReader([]byte("\n")), args: []string{"run", "--db", db}},
		{name: "console asked for", args: []string{"console", "--db", db}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out := runBinary(t, tt.stdin, tt.env, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\n%s", code, tt.code, out)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

// An unknown PYQBOT_<SECTION>_<KEY> is an error with the nearest real name (item 7):
// PYQBOT_SLAK_ENABLED=true was ignored and the bot played in the terminal. Values are never shown.
func TestUnknownEnvironmentVariables(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "x.db")
	const secret = "xoxb-do-not-print-me"
	tests := []struct {
		name string
		env  []string
		code int
		want []string
	}{
		{name: "misspelt section", env: []string{"PYQBOT_SLAK_ENABLED=true"}, code: 1,
			want: []string{"PYQBOT_SLAK_ENABLED is not a pyqbot setting: did you mean PYQBOT_SLACK_ENABLED?"}},
		{name: "misspelt key, secret value", env: []string{"PYQBOT_SLACK_BOTTOKEN=" + secret}, code: 1,
			want: []string{"did you mean PYQBOT_SLACK_BOT_TOKEN?"}},
		{name: "two unknown", env: []string{"PYQBOT_STORAGE_PATHH=x", "PYQBOT_WHATEVER_THING=1"}, code: 1,
			want: []string{"PYQBOT_STORAGE_PATHH is not a pyqbot setting: did you mean PYQBOT_STORAGE_PATH?",
				"PYQBOT_WHATEVER_THING is not a pyqbot setting: the variables are PYQBOT_<SECTION>_<KEY>"}},
		{name: "schedule", env: []string{"PYQBOT_SCHEDULE_SPEC=0 9 * * *"}, code: 1, want: []string{"[[schedule]] entries can only be set in a config file"}},
		{name: "allowed ones", env: []string{"PYQBOT_PYTHON=/nonexistent", "PYQBOT_REQUIRE_PYTHON=1", "PYQBOT_TEST_ANYTHING=1", "PYQBOT_CONFIG=", "PYQBOT_LOG_LEVEL=warn"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out := runBinary(t, bytes.NewReader([]byte("/pyq topics\n")), tt.env, "run", "--db", db)
			if code != tt.code {
				t.Errorf("exit %d, want %d\n%s", code, tt.code, out)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if strings.Contains(out, secret) {
				t.Errorf("output shows a variable's value:\n%s", out)
			}
		})
	}
}

// In the terminal INFO lines stay out of the game (item 11): with the console as the only
// platform the default level is warn, and an explicit [log] level still wins.
func TestTerminalLogsQuietly(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "x.db")
	in := func() *bytes.Reader { return bytes.NewReader([]byte("/pyq topics\n")) }
	if _, out := runBinary(t, in(), nil, "console", "--db", db); strings.Contains(out, "level=INFO") || !strings.Contains(out, "pyqbot dev in the terminal") {
		t.Errorf("console output has INFO lines or lacks the banner:\n%s", out)
	}
	if _, out := runBinary(t, in(), []string{"PYQBOT_LOG_LEVEL=info"}, "console", "--db", db); !strings.Contains(out, "level=INFO") {
		t.Errorf("[log] level = info shows no INFO lines:\n%s", out)
	}
	warn := writeFile(t, "warn.toml", "[bot]\nreveal_time = \"18:00\"\n") // a deprecation warning
	if _, out := runBinary(t, in(), nil, "console", "--db", db, "--config", warn); !strings.Contains(out, "level=WARN") {
		t.Errorf("a warning is hidden in the terminal:\n%s", out)
	}
}
