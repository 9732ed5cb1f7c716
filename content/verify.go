package content

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

// SnippetTimeout bounds one snippet run; FORMAT.md promises under 2 seconds, the slack is for slow CI.
const SnippetTimeout = 10 * time.Second

// FindPython returns the interpreter to verify with: PYQBOT_PYTHON, else python3 on PATH.
func FindPython() (string, error) {
	if p := os.Getenv("PYQBOT_PYTHON"); p != "" {
		return p, nil
	}
	p, err := exec.LookPath("python3")
	if err != nil {
		return "", err
	}
	return realExecutable(p), nil
}

// realExecutable resolves a launcher (a pyenv or asdf shim is a shell script that runs for every
// snippet, tripling the lint's time) to the interpreter it starts, by asking that interpreter once.
func realExecutable(python string) string {
	ctx, cancel := context.WithTimeout(context.Background(), SnippetTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, python, "-I", "-c", "import sys; print(sys.executable)").Output()
	if err != nil {
		return python
	}
	if real := strings.TrimSpace(string(out)); real != "" {
		if st, err := os.Stat(real); err == nil && !st.IsDir() {
			return real
		}
	}
	return python
}

// Verify runs every question's snippets under python and reports each answer key the interpreter
// does not bear out. It runs several snippets at once.
func Verify(ctx context.Context, python string, files []File) []Problem {
	var (
		mu  sync.Mutex
		out []Problem
		wg  sync.WaitGroup
	)
	work := make(chan File)
	for range runtime.NumCPU() + 1 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range work {
				ps := verifyFile(ctx, python, f)
				mu.Lock()
				out = append(out, ps...)
				mu.Unlock()
			}
		}()
	}
	for _, f := range files {
		work <- f
	}
	close(work)
	wg.Wait()
	sortProblems(out)
	return out
}

func verifyFile(ctx context.Context, python string, f File) []Problem {
	q := f.Question
	problem := func(key, format string, args ...any) []Problem {
		line := lineOf(f.Src, key, 0)
		if line == 0 {
			line = 1
		}
		return []Problem{{File: f.Path, Line: line, Msg: fmt.Sprintf(format, args...)}}
	}
	switch q.Kind {
	case bot.KindOutput:
		res, err := run(ctx, python, q.Code)
		if err != nil {
			return problem("code", "cannot run the code: %v", err)
		}
		got := res.observed()
		if len(q.Answer) != 1 {
			return nil // Lint reports it
		}
		keyed, ok := q.Choice(q.Answer[0])
		if !ok {
			return nil
		}
		if Normalize(keyed.Text) != got {
			for _, c := range q.Choices {
				if Normalize(c.Text) == got {
					return problem("answer", "CPython prints choice %s, but the answer key says %s: fix the key", c.Key, keyed.Key)
				}
			}
			return problem("answer", "CPython prints %q, which matches no choice (the key says %s: %q)", got, keyed.Key, Normalize(keyed.Text))
		}
	case bot.KindConcept:
		res, err := run(ctx, python, q.Proof)
		if err != nil {
			return problem("proof", "cannot run the proof: %v", err)
		}
		if res.exit != 0 {
			return problem("proof", "the proof exits with status %d: %s", res.exit, res.lastErrLine())
		}
		if got, want := res.observed(), Normalize(q.ProofOutput); got != want {
			return problem("proof_output", "the proof prints %q, but proof_output says %q", got, want)
		}
	case bot.KindDebug:
		broken, err := run(ctx, python, q.Code+"\n"+q.Check)
		if err != nil {
			return problem("code", "cannot run the code: %v", err)
		}
		if broken.exit == 0 {
			return problem("check", "the check passes on the broken code: it must fail there, or the bug is not shown")
		}
		fixed, err := run(ctx, python, q.FixedCode+"\n"+q.Check)
		if err != nil {
			return problem("fixed_code", "cannot run the fixed code: %v", err)
		}
		if fixed.exit != 0 {
			return problem("fixed_code", "the check fails on the fixed code: %s", fixed.lastErrLine())
		}
	}
	return nil
}

type result struct {
	stdout, stderr string
	exit           int
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
	ctx, cancel := context.WithTimeout(ctx, SnippetTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, "-I", file)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "LC_ALL=C.UTF-8", "PYTHONIOENCODING=utf-8"}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	if ctx.Err() != nil {
		return result{}, fmt.Errorf("timed out after %s: snippets must finish in under 2 seconds", SnippetTimeout)
	}
	res := result{stdout: stdout.String(), stderr: stderr.String()}
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		res.exit = exitErr.ExitCode()
	case err != nil:
		return result{}, err
	}
	return res, nil
}
