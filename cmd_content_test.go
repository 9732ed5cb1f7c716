package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// brokenQuestion is a team question with one mistake: its answer is not among the choices.
const brokenQuestion = `id = "team-broken"
kind = "output"
topic = "closures"
difficulty = "warmup"
title = "A team question"
prompt = "What does this print?"
code = '''
print(1)
'''
explanation = "It prints one."
docs = "https://docs.python.org/3/library/functions.html#print"
answer = ["E"]

[[choices]]
key = "A"
text = '''1'''

[[choices]]
key = "B"
text = '''2'''
why = '''Counts from one.'''
`

func runEnv(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	m := &Main{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Getenv: func(k string) string { return env[k] }}
	code := m.Run(context.Background(), args)
	return code, stdout.String(), stderr.String()
}

func mkfile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestContentLintReadsTheBotsConfig: lint checks the directories the bot would load, with relative
// [content] dirs resolved against the config file's directory (not the working directory).
func TestContentLintReadsTheBotsConfig(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	conf := filepath.Join(root, "etc", "pyqbot.toml")
	mkfile(t, conf, "[content]\ndirs = [\"ours\"]\n")
	mkfile(t, filepath.Join(root, "etc", "ours", "closures", "team-broken.toml"), brokenQuestion)
	wantProblem := filepath.ToSlash(filepath.Join(root, "etc", "ours")) + `/closures/team-broken.toml:12: answer "E" is not among the choices`

	for name, tt := range map[string]struct {
		env  map[string]string
		args []string
	}{
		"--config":      {args: []string{"content", "lint", "--no-run", "--config", conf}},
		"PYQBOT_CONFIG": {env: map[string]string{"PYQBOT_CONFIG": conf}, args: []string{"content", "lint", "--no-run"}},
	} {
		t.Run(name, func(t *testing.T) {
			code, stdout, stderr := runEnv(t, tt.env, tt.args...)
			if code != 1 || !strings.Contains(stdout, wantProblem) || !strings.Contains(stdout, ": 1 problem, ") {
				t.Errorf("exit %d, want 1 and %q and \"1 problem\" in\nstdout: %s\nstderr: %s", code, wantProblem, stdout, stderr)
			}
		})
	}

	// The same value from the environment is relative to the working directory, where there is no
	// such directory.
	code, stdout, _ := runEnv(t, map[string]string{"PYQBOT_CONFIG": conf, "PYQBOT_CONTENT_DIRS": "ours"}, "content", "lint", "--no-run")
	if code != 1 || !strings.Contains(stdout, "ours: question directory does not exist") {
		t.Errorf("PYQBOT_CONTENT_DIRS=ours: exit %d\n%s", code, stdout)
	}
}

func TestContentLintExcludeTypo(t *testing.T) {
	t.Parallel()
	conf := filepath.Join(t.TempDir(), "pyqbot.toml")
	mkfile(t, conf, "[content]\nexclude = [\"clousres\", \"security\"]\n")
	code, stdout, _ := runEnv(t, nil, "content", "lint", "--no-run", "--config", conf)
	want := conf + `: [content] exclude: "clousres" is neither a question id nor a topic: did you mean "closures"?`
	if code != 1 || !strings.Contains(stdout, want) || strings.Contains(stdout, `"security" is neither`) {
		t.Errorf("exit %d, want 1 and only the typo reported (%q):\n%s", code, want, stdout)
	}
	// The bot refuses to start on it too, with the same words.
	code, _, stderr := runEnv(t, nil, "console", "--config", conf, "--db", filepath.Join(t.TempDir(), "x.db"))
	if code != 1 || !strings.Contains(stderr, `did you mean "closures"?`) {
		t.Errorf("the bot with an exclude typo: exit %d\n%s", code, stderr)
	}
}

func TestContentLintEmptyDirectory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	code, stdout, _ := runEnv(t, nil, "content", "lint", "--no-run", dir)
	if code != 1 || !strings.Contains(stdout, dir+": no question files (*.toml) in this directory") {
		t.Errorf("an empty directory: exit %d\n%s", code, stdout)
	}
}
