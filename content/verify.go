package content

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

// Report is what one interpreter made of the files it was given.
type Report struct {
	Python   Python
	Verified int // questions whose snippets ran (design questions have none, but count as checked)
	Skipped  int // questions whose min_python is newer than this interpreter
	NotRun   int // questions not run because a snippet of theirs hung on an earlier interpreter
	Problems []Problem
	Elapsed  time.Duration
}

func (r Report) String() string {
	skipped := ""
	if r.Skipped > 0 {
		skipped = fmt.Sprintf(" (%s skipped: they need a newer Python)", Plural(r.Skipped, "question"))
	}
	if r.NotRun > 0 {
		skipped += fmt.Sprintf(" (%s not run: a snippet hung on an earlier interpreter)", Plural(r.NotRun, "question"))
	}
	return fmt.Sprintf("%s: %s verified in %.1fs%s, %s", r.Python.Version, Plural(r.Verified, "question"),
		r.Elapsed.Seconds(), skipped, Plural(len(r.Problems), "problem"))
}

// anyHung says whether one of a problem's arguments is errHung.
func anyHung(args []any) bool {
	for _, a := range args {
		if err, ok := a.(error); ok && errors.Is(err, errHung) {
			return true
		}
	}
	return false
}

// VerifyAll runs Verify on each interpreter in turn. A file whose snippet hung on one is not run on
// the ones after it, and its problem says so: a hang is the snippet's own, and every interpreter
// would wait out the timeout (a minute) again.
func VerifyAll(ctx context.Context, pythons []Python, files []File) []Report {
	hung := map[string]bool{}
	var reports []Report
	for i, py := range pythons {
		todo := files
		if len(hung) > 0 {
			todo = nil
			for _, f := range files {
				if !hung[f.Path] {
					todo = append(todo, f)
				}
			}
		}
		r := Verify(ctx, py, todo)
		r.NotRun = len(files) - len(todo)
		for j, p := range r.Problems {
			if p.hung && !hung[p.File] {
				hung[p.File] = true
				if i < len(pythons)-1 {
					r.Problems[j].Msg += " (not run on the other interpreters)"
				}
			}
		}
		reports = append(reports, r)
	}
	return reports
}

// Verify runs every question's snippets under py and reports each answer key the interpreter does
// not bear out, each problem naming the interpreter. It runs several snippets at once.
func Verify(ctx context.Context, py Python, files []File) Report {
	start := time.Now()
	rep := Report{Python: py}
	var (
		mu sync.Mutex
		wg sync.WaitGroup
	)
	work := make(chan File)
	for range runtime.NumCPU() + 1 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range work {
				ps := verifyFile(ctx, py, f)
				for i := range ps {
					ps[i].Pythons = []Version{py.Version}
				}
				mu.Lock()
				rep.Problems = append(rep.Problems, ps...)
				mu.Unlock()
			}
		}()
	}
	for _, f := range files {
		if !appliesTo(f, py.Version) {
			rep.Skipped++
			continue
		}
		rep.Verified++
		work <- f
	}
	close(work)
	wg.Wait()
	sortProblems(rep.Problems)
	rep.Elapsed = time.Since(start)
	return rep
}

// appliesTo reports whether f's snippets are meant to run on v (its min_python, when valid, is v or older).
func appliesTo(f File, v Version) bool {
	if f.MinPython == "" {
		return true
	}
	min, err := ParseVersion(f.MinPython)
	return err != nil || v.AtLeastFeature(min) // a bad min_python is Lint's to report
}

// expectedAnswer is the keyed choice on version v: its answer_by_version entry, else answer.
func expectedAnswer(f File, v Version) []string {
	if keys, ok := f.AnswerByVersion[v.Feature()]; ok {
		return keys
	}
	return f.Question.Answer
}

func verifyFile(ctx context.Context, py Python, f File) []Problem {
	q := f.Question
	problem := func(key, format string, args ...any) []Problem {
		line := lineOf(f.Src, key, 0)
		if line == 0 {
			line = 1
		}
		return []Problem{{File: f.Path, Line: line, Msg: fmt.Sprintf(format, args...), hung: anyHung(args)}}
	}
	switch q.Kind {
	case bot.KindOutput:
		res, err := run(ctx, py.Path, q.Code)
		if err != nil {
			return problem("code", "cannot run the code: %v", err)
		}
		got := res.observed()
		answer, where := expectedAnswer(f, py.Version), "the answer key"
		if _, ok := f.AnswerByVersion[py.Version.Feature()]; ok {
			where = fmt.Sprintf("answer_by_version[%q]", py.Version.Feature())
		}
		if len(answer) != 1 {
			return nil // Lint reports it
		}
		keyed, ok := q.Choice(answer[0])
		if !ok {
			return nil
		}
		if Normalize(keyed.Text) != got {
			for _, c := range q.Choices {
				if Normalize(c.Text) == got {
					return problem("answer", "CPython prints choice %s, but %s says %s: fix the key (or add an answer_by_version entry if this version differs)", c.Key, where, keyed.Key)
				}
			}
			return problem("answer", "CPython prints %q, which matches no choice (%s says %s: %q)", got, where, keyed.Key, Normalize(keyed.Text))
		}
	case bot.KindConcept:
		res, err := run(ctx, py.Path, q.Proof)
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
		broken, err := run(ctx, py.Path, q.Code+"\n"+q.Check)
		if err != nil {
			return problem("code", "cannot run the code: %v", err)
		}
		if broken.exit == 0 {
			return problem("check", "the check passes on the broken code: it must fail there, or the bug is not shown")
		}
		fixed, err := run(ctx, py.Path, q.FixedCode+"\n"+q.Check)
		if err != nil {
			return problem("fixed_code", "cannot run the fixed code: %v", err)
		}
		if fixed.exit != 0 {
			return problem("fixed_code", "the check fails on the fixed code: %s", fixed.lastErrLine())
		}
		if isTraceback(q.Symptom) {
			return verifyTraceback(ctx, py, f)
		}
	}
	return nil
}

// verifyTraceback runs the code alone, as the user ran it, and holds the symptom to its traceback.
func verifyTraceback(ctx context.Context, py Python, f File) []Problem {
	res, err := run(ctx, py.Path, f.Question.Code)
	if err != nil {
		return []Problem{{File: f.Path, Line: lineOf(f.Src, "code", 0), Msg: fmt.Sprintf("cannot run the code: %v", err), hung: errors.Is(err, errHung)}}
	}
	if res.exit == 0 {
		return []Problem{{File: f.Path, Line: symptomLine(f, 1), Msg: "the symptom is a traceback, but the code alone exits 0: it must crash by itself, as the user ran it"}}
	}
	same := func(a, b int) bool { return sameStatement(ctx, py, f.Question.Code, a, b) }
	var out []Problem
	for _, m := range compareTraceback(parseTraceback(f.Question.Symptom), parseTraceback(res.stderr), res.file, same) {
		out = append(out, Problem{File: f.Path, Line: symptomLine(f, m.at), Msg: m.msg})
	}
	return out
}

// statementScript prints whether two lines of a program belong to the same innermost statement, a
// decorated definition counting from its first decorator.
const statementScript = `import ast, base64
src = base64.b64decode(%q).decode()
def span(n):
    return min([n.lineno] + [d.lineno for d in getattr(n, "decorator_list", [])]), n.end_lineno
def innermost(line):
    best = None
    for n in ast.walk(ast.parse(src)):
        if isinstance(n, ast.stmt):
            s, e = span(n)
            if s <= line <= e and (best is None or e - s < best[1] - best[0]):
                best = (s, e)
    return best
a, b = innermost(%d), innermost(%d)
print(a is not None and a == b)
`

// sameStatement asks py whether lines a and b of code are lines of one statement. It runs only
// when a traceback's line differs from the symptom's, which is rare.
func sameStatement(ctx context.Context, py Python, code string, a, b int) bool {
	res, err := run(ctx, py.Path, fmt.Sprintf(statementScript, base64.StdEncoding.EncodeToString([]byte(code)), a, b))
	return err == nil && res.exit == 0 && strings.TrimSpace(res.stdout) == "True"
}

// Plural says "1 question", "2 questions".
func Plural(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
