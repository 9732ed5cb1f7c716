package content

import (
	"context"
	"strings"
	"testing"
)

// versionQuestion is an output question printing whether it runs on 3.12 or newer; extra goes after
// the top-level keys (min_python, an [answer_by_version] table).
func versionQuestion(kind, prompt, answer, extra string) string {
	return `id = "q-version"
kind = "` + kind + `"
topic = "stdlib"
difficulty = "warmup"
title = "Which Python is this"
prompt = "` + prompt + `"
code = '''
import sys
print(sys.version_info >= (3, 12))
'''
explanation = "It compares the running version."
docs = "https://docs.python.org/3/library/sys.html#sys.version_info"
answer = ["` + answer + `"]
` + extra + `
[[choices]]
key = "A"
text = '''True'''
why = '''Thinks so.'''

[[choices]]
key = "B"
text = '''False'''
why = '''Thinks not.'''
`
}

func TestVersionRules(t *testing.T) {
	const on312 = "On Python 3.12, what does this print?"
	byVersion := "[answer_by_version]\n\"3.10\" = [\"B\"]\n\"3.11\" = [\"B\"]\n"
	tests := []struct {
		name, kind, prompt, extra string
		want                      string // a problem expected, "" for none
		line                      int
	}{
		{name: "answer_by_version with the prompt naming the version", kind: "output", prompt: on312, extra: byVersion},
		{name: "min_python", kind: "output", prompt: on312, extra: "min_python = \"3.12\"\n"},
		{name: "the prompt names no version", kind: "output", prompt: "What does this print?", extra: byVersion,
			want: "the prompt names no Python version", line: 6},
		{name: "the prompt names a version whose entry differs from answer", kind: "output",
			prompt: "On Python 3.11, what does this print?", extra: byVersion,
			want: `the prompt asks about Python 3.11, but answer_by_version["3.11"] = ["B"] differs from answer ["A"]`, line: 6},
		{name: "min_python with a patch", kind: "output", prompt: on312, extra: "min_python = \"3.12.1\"\n",
			want: `min_python "3.12.1" is not a feature version`, line: 14},
		{name: "min_python too old", kind: "output", prompt: on312, extra: "min_python = \"3.8\"\n",
			want: `min_python "3.8" is older than 3.10`, line: 14},
		{name: "an entry below min_python", kind: "output", prompt: on312, extra: "min_python = \"3.11\"\n" + byVersion,
			want: `answer_by_version["3.10"] is older than min_python "3.11", so it is never checked`, line: 16},
		{name: "an entry that is not a choice", kind: "output", prompt: on312, extra: "[answer_by_version]\n\"3.10\" = [\"E\"]\n",
			want: `answer_by_version["3.10"] = "E" is not among the choices`, line: 15},
		{name: "an entry with two keys", kind: "output", prompt: on312, extra: "[answer_by_version]\n\"3.10\" = [\"A\", \"B\"]\n",
			want: `answer_by_version["3.10"] lists 2 keys`, line: 15},
		{name: "a bad version key", kind: "output", prompt: on312, extra: "[answer_by_version]\n\"3.x\" = [\"B\"]\n",
			want: `answer_by_version key "3.x" is not a feature version`, line: 15},
		{name: "answer_by_version on a concept question", kind: "concept", prompt: on312, extra: byVersion,
			want: "only output questions have answer_by_version", line: 14},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := versionQuestion(tt.kind, tt.prompt, "A", tt.extra)
			if tt.kind == "concept" {
				src = strings.Replace(src, "answer = ", "proof = '''print(1)'''\nproof_output = '''1'''\nanswer = ", 1)
				tt.line += 2
			}
			f, ps := Parse("ours/stdlib/q-version.toml", []byte(src))
			if len(ps) > 0 {
				t.Fatalf("does not parse: %v\n%s", Problems(ps), src)
			}
			ps = lintVersions(f)
			if tt.want == "" {
				if len(ps) > 0 {
					t.Errorf("want no problems, got %v", Problems(ps))
				}
				return
			}
			if len(ps) != 1 || !strings.Contains(ps[0].Msg, tt.want) || ps[0].Line != tt.line {
				t.Errorf("want one problem at line %d containing %q, got %v\n%s", tt.line, tt.want, Problems(ps), src)
			}
		})
	}
}

// TestVerifyPerVersion runs one version-dependent question on every interpreter found: each is held
// to its answer_by_version entry, else to answer; min_python skips the older ones.
func TestVerifyPerVersion(t *testing.T) {
	pys := pythons(t)
	load := func(extra string) File {
		f, ps := Parse("ours/stdlib/q-version.toml", []byte(versionQuestion("output", "On Python 3.12, what does this print?", "A", extra)))
		if len(ps) > 0 {
			t.Fatal(Problems(ps))
		}
		return f
	}
	right := load("[answer_by_version]\n\"3.10\" = [\"B\"]\n\"3.11\" = [\"B\"]\n")
	wrong := load("[answer_by_version]\n\"3.10\" = [\"A\"]\n")
	unkeyed := load("")
	newOnly := load("min_python = \"3.12\"\n")
	for _, py := range pys {
		old := !py.Version.AtLeastFeature(Version{3, 12, 0})
		if rep := Verify(context.Background(), py, []File{right}); len(rep.Problems) > 0 || rep.Verified != 1 {
			t.Errorf("%s: keyed per version: %v", rep, rep.Problems)
		}
		rep := Verify(context.Background(), py, []File{wrong})
		switch {
		case py.Version.Feature() == "3.10":
			if len(rep.Problems) != 1 || !strings.Contains(rep.Problems[0].String(),
				`on Python `+py.Version.String()+`: CPython prints choice B, but answer_by_version["3.10"] says A`) {
				t.Errorf("%s: a wrong answer_by_version entry: %v", py.Version, rep.Problems)
			}
		case old:
			if len(rep.Problems) != 1 || !strings.Contains(rep.Problems[0].Msg, "CPython prints choice B, but the answer key says A") {
				t.Errorf("%s: no entry, held to answer: %v", py.Version, rep.Problems)
			}
		default:
			if len(rep.Problems) > 0 {
				t.Errorf("%s: %v", py.Version, rep.Problems)
			}
		}
		if rep := Verify(context.Background(), py, []File{unkeyed}); (len(rep.Problems) > 0) != old {
			t.Errorf("%s: without answer_by_version: %v", py.Version, rep.Problems)
		}
		rep = Verify(context.Background(), py, []File{newOnly})
		if len(rep.Problems) > 0 || rep.Skipped != btoi(old) || rep.Verified != btoi(!old) {
			t.Errorf("%s: min_python 3.12: %s %v", py.Version, rep, rep.Problems)
		}
		if old && !strings.Contains(rep.String(), "(1 question skipped: they need a newer Python)") {
			t.Errorf("the report does not say what it skipped: %s", rep)
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
