package content

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/pyqbot/pyqbot/bot"
)

// pythons returns the interpreters for verification tests: every CPython 3.10-3.13 FindPythons finds.
// Without one the test skips, except under PYQBOT_REQUIRE_PYTHON=1 (CI), where fewer than two is a
// failure: one interpreter cannot show that the bank behaves the same on every version it claims.
func pythons(t *testing.T) []Python {
	t.Helper()
	ps, err := FindPythons(context.Background())
	if os.Getenv("PYQBOT_REQUIRE_PYTHON") == "1" {
		if err != nil || len(ps) < 2 {
			t.Fatalf("PYQBOT_REQUIRE_PYTHON=1 needs at least two CPython 3.10-3.13 interpreters, found %v (%v)", ps, err)
		}
	}
	if err != nil {
		t.Skipf("no python3 found, so answer keys are not verified (set PYQBOT_REQUIRE_PYTHON=1 to make this a failure): %v", err)
	}
	return ps
}

func TestBuiltinBankLintsClean(t *testing.T) {
	files, problems := LoadAll(Options{})
	// Warnings count too: the built-in bank is held to the standard a team pack is only warned about.
	for _, p := range problems {
		t.Error(p)
	}
	if len(files) < 320 {
		t.Errorf("the bank has %d questions, want at least 320 (a year of weekdays and Wednesdays)", len(files))
	}
}

// TestBuiltinBankMeetsSpread keeps the bank's promised size and spread from eroding.
func TestBuiltinBankMeetsSpread(t *testing.T) {
	files, _ := LoadBuiltin()
	for _, f := range files {
		if q := f.Question; q.Kind == bot.KindDebug && len(q.Hints) < 2 {
			t.Errorf("%s: debug question has %d hints, want 2 or 3 for challenges", f.Path, len(q.Hints))
		}
	}
	// Issue 15's year: the daily question skips debug questions while the weekly debug job is on, so
	// 260 non-debug questions cover a year of weekdays and 52 debug ones a year of Wednesdays.
	s := spreadOf(files)
	byKind := s.byKind
	minimum := map[bot.Kind]int{bot.KindOutput: 95, bot.KindDebug: 60, bot.KindReview: 60, bot.KindConcept: 60, bot.KindDesign: 45}
	for kind, n := range minimum {
		if byKind[kind] < n {
			t.Errorf("%d %s questions, want at least %d", byKind[kind], kind, n)
		}
	}
	if nonDebug := len(files) - byKind[bot.KindDebug]; nonDebug < 260 {
		t.Errorf("%d non-debug questions, want at least 260 for a year of weekdays", nonDebug)
	}
	for _, topic := range Topics {
		n := 0
		for _, k := range s.byTopic[topic] {
			n += k
		}
		if n < 15 {
			t.Errorf("topic %s has %d questions, want at least 15", topic, n)
		}
		for _, d := range bot.Difficulties {
			if s.byTopicLevel[topic][d] == 0 {
				t.Errorf("topic %s has no %s question", topic, d)
			}
		}
	}
}

func TestBuiltinBankVerifiesWithCPython(t *testing.T) {
	pys := pythons(t)
	files, problems := LoadBuiltin()
	if len(Errors(problems)) > 0 {
		t.Fatalf("bank does not load: %v", Problems(problems))
	}
	for _, py := range pys {
		rep := Verify(context.Background(), py, files)
		for _, p := range rep.Problems {
			t.Error(p)
		}
		t.Logf("%s (%s)", rep, py.Path)
	}
}

// TestVerifierCatchesBrokenQuestions runs lint and verification over a fixture bank where every file
// is wrong in one way, and expects each mistake reported at its file and line.
func TestVerifierCatchesBrokenQuestions(t *testing.T) {
	py := pythons(t)[0]
	files, problems := LoadDir("testdata/broken")
	problems = append(problems, Lint(files)...)
	problems = append(problems, Verify(context.Background(), py, files).Problems...)
	var got []string
	for _, p := range problems {
		p.Pythons = nil // named in the message; compared here without them
		got = append(got, p.String())
	}
	all := strings.Join(got, "\n")
	want := []string{
		"testdata/broken/closures/wrong-output-key.toml:12: CPython prints choice B, but the answer key says A: fix the key",
		"testdata/broken/closures/debug-check-passes-on-broken.toml:16: the check passes on the broken code",
		`testdata/broken/closures/duplicate-id.toml:1: id "wrong-output-key" does not match the file name duplicate-id.toml`,
		`id "wrong-output-key" is already used by testdata/broken/closures/`,
		`testdata/broken/closures/unknown-key.toml:10: unknown key "explanaton"`,
		`testdata/broken/closures/answer-not-a-choice.toml:12: answer "E" is not among the choices`,
		`testdata/broken/closures/answer-not-a-choice.toml:4: difficulty "expert" is not one of warmup, intermediate, senior`,
	}
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("missing problem %q in:\n%s", w, all)
		}
	}
}

func TestCombineDoesNotClashWithItself(t *testing.T) {
	builtin, _ := LoadBuiltin()
	same, _ := LoadDir("questions/closures")
	if ps := Errors(Lint(Combine(builtin, same))); len(ps) > 0 {
		t.Errorf("linting the built-in closures folder against the bank: %v", Problems(ps))
	}
	team := []File{{Question: builtin[0].Question, Path: "ours/x.toml", Src: []byte("different")}}
	ps := Lint(Combine(builtin, team))
	if !slices.ContainsFunc(ps, func(p Problem) bool { return strings.Contains(p.Msg, "is already used by "+builtin[0].Path) }) {
		t.Errorf("a team question reusing a built-in id was not reported against %s: %v", builtin[0].Path, ps)
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a  \nb\t\n\n", "a\nb"},
		{"\nx", "\nx"},
		{"a\r\nb", "a\nb"},
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
