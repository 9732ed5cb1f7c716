package content

import (
	"fmt"
	"strings"
	"testing"
)

// question builds a small valid output question file; choices are (key, text, why) triples.
func question(id, topic string, answer string, choices ...[3]string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `id = %q
kind = "output"
topic = %q
difficulty = "warmup"
title = "A small question"
prompt = "What does this print?"
code = '''
print(1)
'''
explanation = "It prints one."
docs = "https://docs.python.org/3/library/functions.html#print"
answer = [%q]
`, id, topic, answer)
	for _, c := range choices {
		fmt.Fprintf(&b, "\n[[choices]]\nkey = %q\ntext = '''%s'''\n", c[0], c[1])
		if c[2] != "" {
			fmt.Fprintf(&b, "why = '''%s'''\n", c[2])
		}
	}
	return b.String()
}

func lintOne(t *testing.T, name, src string) []Problem {
	t.Helper()
	f, ps := Parse(name, []byte(src))
	if len(ps) > 0 {
		t.Fatalf("%s does not parse: %v", name, Problems(ps))
	}
	return Lint([]File{f})
}

func TestWhyRules(t *testing.T) {
	const builtinPath = "content/questions/closures/q-one.toml"
	const teamPath = "ours/closures/q-one.toml"
	long := strings.Repeat("x", MaxWhy+1)
	tests := []struct {
		name       string
		path       string
		require    bool
		choices    [][3]string
		want       string // the one problem expected, "" for none
		wantWarn   bool
		wantAtLine int
	}{
		{name: "every wrong choice explained", path: builtinPath,
			choices: [][3]string{{"A", "1", ""}, {"B", "2", "Counts from one."}}},
		{name: "missing why on the built-in bank is a warning while the switch is off", path: builtinPath,
			choices: [][3]string{{"A", "1", ""}, {"B", "2", ""}},
			want:    `warning: choice B has no "why"`, wantWarn: true, wantAtLine: 19},
		{name: "missing why on the built-in bank is an error once required", path: builtinPath, require: true,
			choices: [][3]string{{"A", "1", ""}, {"B", "2", ""}},
			want:    `choice B has no "why"`, wantAtLine: 19},
		{name: "missing why in a team pack is a warning even when the bank requires it", path: teamPath, require: true,
			choices: [][3]string{{"A", "1", ""}, {"B", "2", ""}},
			want:    `warning: choice B has no "why"`, wantWarn: true},
		{name: "a keyed choice has no why", path: builtinPath,
			choices: [][3]string{{"A", "1", "Because it prints one."}, {"B", "2", "Counts from one."}},
			want:    `choice A is keyed, so it has no "why"`, wantAtLine: 17},
		{name: "a why over 300 characters", path: teamPath,
			choices: [][3]string{{"A", "1", ""}, {"B", "2", long}},
			want:    "the why of choice B is 301 characters: keep it to 300", wantAtLine: 21},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			saved := RequireWhy
			t.Cleanup(func() { RequireWhy = saved })
			RequireWhy.Builtin = tt.require
			src := question("q-one", "closures", "A", tt.choices...)
			ps := lintOne(t, tt.path, src)
			if tt.want == "" {
				if len(ps) > 0 {
					t.Fatalf("want no problems, got %v", Problems(ps))
				}
				return
			}
			if len(ps) != 1 {
				t.Fatalf("want one problem containing %q, got %v", tt.want, Problems(ps))
			}
			if got := ps[0].String(); !strings.Contains(got, tt.want) {
				t.Errorf("got %q, want it to contain %q", got, tt.want)
			}
			if ps[0].Warning != tt.wantWarn {
				t.Errorf("warning = %v, want %v", ps[0].Warning, tt.wantWarn)
			}
			if tt.wantAtLine != 0 && ps[0].Line != tt.wantAtLine {
				t.Errorf("line %d, want %d in:\n%s", ps[0].Line, tt.wantAtLine, src)
			}
			if len(Errors(ps)) == 0 != tt.wantWarn {
				t.Errorf("Errors(%v) disagrees with warning=%v", ps, tt.wantWarn)
			}
		})
	}
}

func TestWhyIsLoadedAndExported(t *testing.T) {
	src := question("q-one", "closures", "A", [3]string{"A", "1", ""}, [3]string{"B", "2", "  Counts from one.\n"})
	f, ps := Parse("ours/closures/q-one.toml", []byte(src))
	if len(ps) > 0 {
		t.Fatal(Problems(ps))
	}
	if got := f.Question.Choices[1].Why; got != "Counts from one." {
		t.Errorf("choice B why = %q", got)
	}
	var out strings.Builder
	if err := Export(&out, []File{f}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"why": ""`, `"why": "Counts from one."`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("export lacks %s:\n%s", want, out.String())
		}
	}
}

func TestBuiltinTopics(t *testing.T) {
	for _, topic := range []string{"imports", "http", "databases", "observability", "numbers-and-time", "closures"} {
		path := "content/questions/" + topic + "/q-one.toml"
		src := question("q-one", topic, "A", [3]string{"A", "1", ""}, [3]string{"B", "2", "Counts from one."})
		if ps := lintOne(t, path, src); len(ps) > 0 {
			t.Errorf("topic %s: %v", topic, Problems(ps))
		}
	}
	src := question("q-one", "networking", "A", [3]string{"A", "1", ""}, [3]string{"B", "2", "Counts from one."})
	ps := lintOne(t, "content/questions/networking/q-one.toml", src)
	if len(ps) != 1 || !strings.Contains(ps[0].Msg, `topic "networking" is not a topic of the built-in bank`) {
		t.Errorf("an unknown built-in topic: got %v", Problems(ps))
	}
	if ps := lintOne(t, "ours/networking/q-one.toml", src); len(ps) > 0 {
		t.Errorf("a team pack may add topics, got %v", Problems(ps))
	}
}
