package content

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

const tracebackCode = `def load_config(raw):
    return parse(raw)

def parse(raw):
    return raw["region"]

load_config({})
`

// tracebackQuestion is a debug question whose symptom is the given traceback text.
func tracebackQuestion(symptom string) string {
	return `id = "q-traceback"
kind = "debug"
topic = "exceptions"
difficulty = "warmup"
title = "Config loader crashes"
prompt = "What is the root cause?"
code = '''
` + tracebackCode + `'''
symptom = '''
` + symptom + `'''
fixed_code = '''
def load_config(raw):
    return parse(raw)

def parse(raw):
    return raw.get("region", "eu")
'''
check = '''
assert load_config({}) == "eu"
'''
explanation = "The key is missing."
docs = "https://docs.python.org/3/library/exceptions.html#KeyError"
answer = ["A"]

[[choices]]
key = "A"
text = '''parse, line 5'''

[[choices]]
key = "B"
text = '''load_config, line 2'''
why = '''It only passes the dict on.'''
`
}

// The symptom starts at line 17 of the file tracebackQuestion builds.
const symptomStart = 17

// symptomFrame is one frame of a symptom's traceback with its source line.
func symptomFrame(file string, line int, fn, src string) string {
	return fmt.Sprintf("  File %q, line %d, in %s\n    %s\n", file, line, fn, src)
}

// symptomOf is a symptom for tracebackCode: the frames, outermost first, then the exception line.
func symptomOf(exception string, frames ...string) string {
	return "Traceback (most recent call last):\n" + strings.Join(frames, "") + exception + "\n"
}

func TestTracebackProof(t *testing.T) {
	pys := pythons(t)
	// The frames of the real traceback, with realistic paths and source lines.
	module := symptomFrame("app/main.py", 7, "<module>", "load_config({})")
	load := symptomFrame("app/config.py", 2, "load_config", "return parse(raw)")
	parseAt := func(line int) string { return symptomFrame("app/config.py", line, "parse", `return raw["region"]`) }
	tests := []struct {
		name    string
		symptom string
		line    int    // file line of the problem, 0 for none
		want    string // what the message says differs
	}{
		{name: "the real traceback, with realistic paths and source lines",
			symptom: symptomOf("KeyError: 'region'", module, load, parseAt(5))},
		{name: "frames in the wrong order", line: symptomStart + 3, want: "the symptom shows frame `parse` where the real traceback has `load_config` (line 2 of the code)",
			symptom: symptomOf("KeyError: 'region'", module, parseAt(5), load)},
		{name: "a wrong line number", line: symptomStart + 5, want: "frame `parse` shows line 4, but the code raises there from line 5",
			symptom: symptomOf("KeyError: 'region'", module, load, parseAt(4))},
		{name: "a wrong exception line", line: symptomStart + 7, want: `the symptom ends "KeyError: 'regions'", but the code ends "KeyError: 'region'"`,
			symptom: symptomOf("KeyError: 'regions'", module, load, parseAt(5))},
		{name: "a frame of the code left out", line: symptomStart + 3, want: "the symptom leaves out frame `parse` (line 5 of the code)",
			symptom: symptomOf("KeyError: 'region'", module, load)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := tracebackQuestion(tt.symptom)
			f, ps := Parse("ours/exceptions/q-traceback.toml", []byte(src))
			if len(ps) > 0 {
				t.Fatal(Problems(ps))
			}
			if ps := Lint([]File{f}); len(ps) > 0 {
				t.Fatalf("lint: %v", Problems(ps))
			}
			for _, py := range pys {
				rep := Verify(context.Background(), py, []File{f})
				if tt.line == 0 {
					if len(rep.Problems) > 0 {
						t.Errorf("%s: %v", py.Version, Problems(rep.Problems))
					}
					continue
				}
				prefix := fmt.Sprintf("ours/exceptions/q-traceback.toml:%d: on Python %s: ", tt.line, py.Version)
				if len(rep.Problems) != 1 || !strings.HasPrefix(rep.Problems[0].String(), prefix) || !strings.Contains(rep.Problems[0].Msg, tt.want) {
					t.Errorf("%s: want one problem starting %q saying %q, got:\n%v", py.Version, prefix, tt.want, Problems(rep.Problems))
				}
			}
		})
	}
}

func TestCompareTracebackAcrossVersions(t *testing.T) {
	const snippet = "/tmp/run/snippet.py"
	same := func(a, b int) bool { return a == 7 && b == 8 || a == 8 && b == 7 } // one statement over lines 7-8
	tests := []struct {
		name, symptom, real string
		want                string // "" when it matches
	}{
		{name: "standard-library frames may be left out",
			symptom: "Traceback (most recent call last):\n  File \"a.py\", line 3, in <module>\n  File \"a.py\", line 1, in f\nValueError: bad",
			real:    "Traceback (most recent call last):\n  File \"/tmp/run/snippet.py\", line 3, in <module>\n  File \"/usr/lib/python3.12/json/__init__.py\", line 346, in loads\n  File \"/tmp/run/snippet.py\", line 1, in f\nValueError: bad"},
		{name: "a comprehension frame (3.10 and 3.11) may be left out",
			symptom: "Traceback (most recent call last):\n  File \"a.py\", line 8, in expired\nTypeError: can't compare",
			real:    "Traceback (most recent call last):\n  File \"/tmp/run/snippet.py\", line 7, in expired\n  File \"/tmp/run/snippet.py\", line 8, in <listcomp>\nTypeError: can't compare offset-naive"},
		{name: "a line of another statement", want: "frame `f` shows line 6, but the code raises there from line 7",
			symptom: "Traceback (most recent call last):\n  File \"a.py\", line 6, in f\nValueError: bad",
			real:    "Traceback (most recent call last):\n  File \"/tmp/run/snippet.py\", line 7, in f\nValueError: bad"},
		{name: "recursion shown with any number of repeats",
			symptom: "Traceback (most recent call last):\n  File \"a.py\", line 5, in <module>\n  File \"a.py\", line 2, in f\n  File \"a.py\", line 2, in f\n  [Previous line repeated 996 more times]\nRecursionError: maximum recursion depth exceeded",
			real:    "Traceback (most recent call last):\n  File \"/tmp/run/snippet.py\", line 5, in <module>\n  File \"/tmp/run/snippet.py\", line 2, in f\n  File \"/tmp/run/snippet.py\", line 2, in f\n  File \"/tmp/run/snippet.py\", line 2, in f\n  [Previous line repeated 996 more times]\nRecursionError: maximum recursion depth exceeded while calling a Python object"},
		{name: "a frame in a module the code wrote must be shown", want: "leaves out frame `load` (settings.py)",
			symptom: "Traceback (most recent call last):\n  File \"a.py\", line 3, in <module>\nKeyError: 'x'",
			real:    "Traceback (most recent call last):\n  File \"/tmp/run/snippet.py\", line 3, in <module>\n  File \"/tmp/run/settings.py\", line 4, in load\nKeyError: 'x'"},
		{name: "an exception group's box", symptom: "Traceback (most recent call last):\n  File \"a.py\", line 3, in <module>\nExceptionGroup: two failures (2 sub-exceptions)",
			real: "  + Exception Group Traceback (most recent call last):\n  |   File \"/tmp/run/snippet.py\", line 3, in <module>\n  | ExceptionGroup: two failures (2 sub-exceptions)\n  +-+---------------- 1 ----------------\n    | ValueError: a\n    +------------------------------------",
			want: `the symptom ends "ExceptionGroup: two failures (2 sub-exceptions)", but the code ends "ValueError: a"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := compareTraceback(parseTraceback(tt.symptom), parseTraceback(tt.real), snippet, same)
			var got []string
			for _, m := range ms {
				got = append(got, m.msg)
			}
			switch {
			case tt.want == "" && len(ms) > 0:
				t.Errorf("want a match, got %q", got)
			case tt.want != "" && (len(ms) != 1 || !strings.Contains(ms[0].msg, tt.want)):
				t.Errorf("want one mismatch saying %q, got %q", tt.want, got)
			}
		})
	}
}

func TestLintTracebackShape(t *testing.T) {
	for _, tt := range []struct{ symptom, want string }{
		{"Traceback (most recent call last):\nKeyError: 'region'\n", "shows no `File"},
		{"Traceback (most recent call last):\n  File \"a.py\", line 7, in <module>\n", "does not end with the exception line"},
	} {
		f, ps := Parse("ours/exceptions/q-traceback.toml", []byte(tracebackQuestion(tt.symptom)))
		if len(ps) > 0 {
			t.Fatal(Problems(ps))
		}
		ps = Lint([]File{f})
		if len(ps) != 1 || !strings.Contains(ps[0].Msg, tt.want) || ps[0].Line != symptomStart {
			t.Errorf("symptom %q: want one problem at line %d saying %q, got %v", tt.symptom, symptomStart, tt.want, Problems(ps))
		}
	}
}
