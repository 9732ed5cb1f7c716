package content

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// TracebackHeader starts a debug question's symptom that is a real traceback (FORMAT.md).
const TracebackHeader = "Traceback (most recent call last):"

// frame is one `File "…", line N, in NAME` line of a traceback; at is its line within the text (from 1).
type frame struct {
	file string
	line int
	name string
	at   int
}

// traceback is what FORMAT.md compares: the frames in order and the final exception line.
type traceback struct {
	frames    []frame
	exception string
	excAt     int
}

// Frame lines may sit inside an exception group's box (`  |   File …`), so the box characters are skipped.
var frameLine = regexp.MustCompile(`^[ |+]*File "([^"]*)", line (\d+), in (.+?)\s*$`)

// isTraceback reports whether a symptom is a traceback question's (leading blank lines aside).
func isTraceback(symptom string) bool {
	return strings.HasPrefix(strings.TrimLeft(symptom, "\n"), TracebackHeader)
}

// parseTraceback reads frames and the exception line (the last line that is not part of an exception
// group's box drawing) from a traceback as CPython prints it or as a question shows it. A frame
// repeating the one before it (recursion) is kept once: CPython prints a few and then "[Previous line
// repeated 996 more times]", and a question may show any number of them.
func parseTraceback(text string) traceback {
	var tb traceback
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	for i, l := range lines {
		if m := frameLine.FindStringSubmatch(l); m != nil {
			n, _ := strconv.Atoi(m[2])
			f := frame{file: m[1], line: n, name: m[3], at: i + 1}
			if k := len(tb.frames); k > 0 && tb.frames[k-1].file == f.file && tb.frames[k-1].line == f.line && tb.frames[k-1].name == f.name {
				continue
			}
			tb.frames = append(tb.frames, f)
		}
	}
	for i := len(lines) - 1; i >= 0; i-- {
		l := strings.TrimRight(strings.TrimLeft(lines[i], " |"), " \t")
		if l == "" || strings.Trim(l, "+-") == "" {
			continue
		}
		tb.exception, tb.excAt = l, i+1
		break
	}
	return tb
}

// tracebackMismatch is one way a symptom differs from the real traceback; at is the symptom line (from 1).
type tracebackMismatch struct {
	at  int
	msg string
}

// compareTraceback holds a question's symptom to the traceback the code really printed. snippet is
// the path the code ran from: its frames must all be shown, with the line numbers of the code (a
// line of the same statement is accepted when sameStatement says so: CPython 3.10 reports a decorated
// definition or a multi-line expression at another of its lines than 3.11+ does). Frames in other
// files of the run's directory must be shown too (lines not compared); frames anywhere else (the
// standard library, <frozen …>) may be left out, and so may comprehension frames, which 3.12 inlined.
func compareTraceback(symptom, real traceback, snippet string, sameStatement func(a, b int) bool) []tracebackMismatch {
	var out []tracebackMismatch
	dir := filepath.Dir(snippet)
	own := func(f frame) bool { return f.file == snippet }
	required := func(f frame) bool {
		return own(f) && !inlinedComprehension[f.name] || filepath.Dir(f.file) == dir && !own(f)
	}
	describe := func(f frame) string {
		if own(f) {
			return fmt.Sprintf("`%s` (line %d of the code)", f.name, f.line)
		}
		return fmt.Sprintf("`%s` (%s)", f.name, filepath.Base(f.file))
	}
	j := 0
	for _, s := range symptom.frames {
		for j < len(real.frames) && real.frames[j].name != s.name && !required(real.frames[j]) {
			j++
		}
		switch {
		case j == len(real.frames):
			out = append(out, tracebackMismatch{s.at, fmt.Sprintf("the symptom shows frame `%s`, but the real traceback has no such frame at that point (its frames: %s)", s.name, frameNames(real.frames))})
			return out
		case real.frames[j].name != s.name:
			out = append(out, tracebackMismatch{s.at, fmt.Sprintf("the symptom shows frame `%s` where the real traceback has %s (its frames: %s)", s.name, describe(real.frames[j]), frameNames(real.frames))})
			return out
		case own(real.frames[j]) && real.frames[j].line != s.line && !sameStatement(s.line, real.frames[j].line):
			out = append(out, tracebackMismatch{s.at, fmt.Sprintf("frame `%s` shows line %d, but the code raises there from line %d (line 1 is the first line of `code`)", s.name, s.line, real.frames[j].line)})
		}
		j++
	}
	for ; j < len(real.frames); j++ {
		if required(real.frames[j]) {
			at := real.excAt
			if n := len(symptom.frames); n > 0 {
				at = symptom.frames[n-1].at
			}
			out = append(out, tracebackMismatch{at, fmt.Sprintf("the symptom leaves out frame %s of the real traceback (its frames: %s)", describe(real.frames[j]), frameNames(real.frames))})
			break
		}
	}
	if !strings.HasPrefix(real.exception, symptom.exception) || symptom.exception == "" {
		out = append(out, tracebackMismatch{symptom.excAt, fmt.Sprintf("the symptom ends %q, but the code ends %q: show the exception line as CPython prints it (the part every version shares)", symptom.exception, real.exception)})
	}
	return out
}

// inlinedComprehension names the frames PEP 709 removed in 3.12: list, dict and set comprehensions
// run in their function's frame there, so a symptom valid on every version leaves them out.
var inlinedComprehension = map[string]bool{"<listcomp>": true, "<dictcomp>": true, "<setcomp>": true}

func frameNames(fs []frame) string {
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = f.name
	}
	return strings.Join(names, " → ")
}

// lintTraceback checks what needs no interpreter: a traceback symptom has frames and an exception line.
func lintTraceback(f File) []Problem {
	q := f.Question
	if !isTraceback(q.Symptom) {
		return nil
	}
	tb := parseTraceback(q.Symptom)
	var out []Problem
	if len(tb.frames) == 0 {
		out = append(out, Problem{File: f.Path, Line: symptomLine(f, 1), Msg: "the symptom starts like a traceback but shows no `File \"…\", line N, in NAME` frame: show the frames CPython prints"})
	}
	if tb.exception == "" || tb.exception == TracebackHeader || frameLine.MatchString(tb.exception) {
		out = append(out, Problem{File: f.Path, Line: symptomLine(f, 1), Msg: "the traceback in the symptom does not end with the exception line (e.g. `KeyError: 'region'`): add it"})
	}
	return out
}

var openingOnly = regexp.MustCompile(`^\s*symptom\s*=\s*('''|""")\s*$`)

// symptomLine is the file line of line n (from 1) of the symptom's text.
func symptomLine(f File, n int) int {
	key := lineOf(f.Src, "symptom", 0)
	if key == 0 {
		return 1
	}
	lines := strings.Split(string(f.Src), "\n")
	first := key // the text starts on the key's line, unless a newline follows the opening quotes
	if openingOnly.MatchString(lines[key-1]) {
		first = key + 1
	}
	return first + n - 1
}
