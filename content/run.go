package content

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// A snippet is held to the CPU time it uses, not the wall-clock time it takes: on a loaded machine
// (CI, several jobs on two cores) a snippet using half a second of CPU can take fifteen seconds to
// finish. FORMAT.md promises under 2 seconds; SnippetCPULimit leaves slack for slow machines, and
// SnippetTimeout only stops a snippet that hangs or waits.
const (
	SnippetCPULimit = 5 * time.Second
	SnippetTimeout  = 60 * time.Second
)

// The limits run uses; tests lower them.
var snippetCPULimit, snippetTimeout = SnippetCPULimit, SnippetTimeout

// errHung is a snippet stopped at snippetTimeout. VerifyAll does not run its file again on the
// other interpreters: each would wait out the timeout too.
var errHung = hungError{}

type hungError struct{}

func (hungError) Error() string {
	return fmt.Sprintf("still running after %s: snippets must finish in under 2 seconds (does it wait, sleep or loop forever?)", snippetTimeout)
}

type result struct {
	stdout, stderr string
	exit           int
	file           string // the path the snippet ran from, as its traceback names it
}

// observed is what FORMAT.md compares: stdout normalised, plus the exception line on failure.
func (r result) observed() string {
	out := Normalize(r.stdout)
	if r.exit != 0 {
		if out != "" {
			out += "\n"
		}
		out += r.lastErrLine()
	}
	return out
}

func (r result) lastErrLine() string {
	lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if l := strings.TrimRight(lines[i], " "); l != "" {
			return l
		}
	}
	return fmt.Sprintf("exit status %d", r.exit)
}

// run executes src with python -I in a fresh temporary directory, so snippets see no user site or
// environment and write nowhere else.
func run(ctx context.Context, python, src string) (result, error) {
	dir, err := os.MkdirTemp("", "pyqbot-snippet-")
	if err != nil {
		return result{}, err
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "snippet.py")
	if err := os.WriteFile(file, []byte(src), 0o600); err != nil {
		return result{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, snippetTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, "-I", "-S", file)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "LC_ALL=C.UTF-8", "PYTHONIOENCODING=utf-8"}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	if ctx.Err() != nil {
		return result{}, errHung
	}
	if st := cmd.ProcessState; st != nil {
		if cpu := st.UserTime() + st.SystemTime(); cpu > snippetCPULimit {
			return result{}, fmt.Errorf("used %.1fs of CPU: snippets must finish in under 2 seconds", cpu.Seconds())
		}
	}
	res := result{stdout: stdout.String(), stderr: stderr.String(), file: file}
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		res.exit = exitErr.ExitCode()
	case err != nil:
		return result{}, err
	}
	return res, nil
}
