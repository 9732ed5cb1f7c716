package bot

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// The argument parsers, one table each. The commands' replies to what they return are tested
// through the engine (engine_test.go, schedule_test.go, …); these pin what each parser accepts.

func TestCommandLine(t *testing.T) {
	for _, tc := range []struct {
		text, word, rest string
		args             []string
	}{
		{"", "help", "", nil},
		{"  ANSWER  #12 B ", "answer", "#12 B", []string{"#12", "B"}},
		{"answer I would use\n  a queue", "answer", "I would use\n  a queue", []string{"I", "would", "use", "a", "queue"}},
		{"today", "today", "", nil},
	} {
		word, args, rest := commandLine(tc.text)
		if word != tc.word || rest != tc.rest || !slices.Equal(args, tc.args) {
			t.Errorf("commandLine(%q) = %q, %q, %q; want %q, %q, %q", tc.text, word, args, rest, tc.word, tc.args, tc.rest)
		}
	}
}

func TestNumberRefAndPracticeID(t *testing.T) {
	for _, tc := range []struct {
		in       string
		number   int64 // 0: not a number reference
		practice int64 // 0: not a practice reference
	}{
		{"#12", 12, 0},
		{"12", 12, 0},
		{"#0", 0, 0},
		{"#-3", 0, 0},
		{"#x", 0, 0},
		{"", 0, 0},
		{"p7", 0, 7},
		{"P7", 0, 7},
		{"p0", 0, 0},
		{"p", 0, 0},
		{"px", 0, 0},
	} {
		if id, ok := numberRef(tc.in); ok != (tc.number > 0) || ok && id != tc.number {
			t.Errorf("numberRef(%q) = %d, %v; want %d", tc.in, id, ok, tc.number)
		}
		if got := practiceID(tc.in); got != tc.practice {
			t.Errorf("practiceID(%q) = %d, want %d", tc.in, got, tc.practice)
		}
	}
}

func TestLeadingRefAndTarget(t *testing.T) {
	for _, tc := range []struct {
		text          string
		ref, rest     string // leadingRef: "#N" only
		target, after string // leadingTarget: "#N" or "pN"
	}{
		{"#12 1 3", "#12", "1 3", "#12", "1 3"},
		{"p7 B because  x", "", "p7 B because x", "p7", "B because  x"},
		{"B", "", "B", "", "B"},
		{"", "", "", "", ""},
	} {
		args := strings.Fields(tc.text)
		ref, rest := leadingRef(args)
		if ref != tc.ref || strings.Join(rest, " ") != tc.rest {
			t.Errorf("leadingRef(%q) = %q, %q; want %q, %q", tc.text, ref, rest, tc.ref, tc.rest)
		}
		target, after := leadingTarget(args, tc.text)
		if target != tc.target || after != tc.after {
			t.Errorf("leadingTarget(%q) = %q, %q; want %q, %q", tc.text, target, after, tc.target, tc.after)
		}
	}
}

func TestVocabularyValues(t *testing.T) {
	for _, tc := range []struct {
		parse func(string) bool
		in    string
		want  bool
	}{
		{func(s string) bool { _, ok := parsePeriod(s); return ok }, "Month", true},
		{func(s string) bool { _, ok := parsePeriod(s); return ok }, "year", false},
		{isDifficulty, "senior", true},
		{isDifficulty, "hard", false},
		{isKind, "debug", true},
		{isKind, "quiz", false},
		{func(s string) bool { d, ok := filterDimension(s); return ok && d == "topics" }, "Topic", true},
		{func(s string) bool { d, ok := filterDimension(s); return ok && d == "difficulty" }, "difficulties", true},
		{func(s string) bool { _, ok := filterDimension(s); return ok }, "clear", true},
		{func(s string) bool { _, ok := filterDimension(s); return ok }, "zones", false},
	} {
		if got := tc.parse(tc.in); got != tc.want {
			t.Errorf("%q: got %v, want %v", tc.in, got, tc.want)
		}
	}
	// Every value the vocabulary lists is accepted by its parser.
	for _, p := range periodNames() {
		if _, ok := parsePeriod(p); !ok {
			t.Errorf("period %q from the vocabulary is refused", p)
		}
	}
	for _, d := range argValues("filter", "what") {
		if got, ok := filterDimension(d); !ok || got != d {
			t.Errorf("filterDimension(%q) = %q, %v", d, got, ok)
		}
	}
	for _, a := range argValues("schedule", "action") {
		if got, _, ok := scheduleAction(a); !ok || got != a {
			t.Errorf("scheduleAction(%q) = %q, %v", a, got, ok)
		}
	}
}

func TestPracticeFilter(t *testing.T) {
	bank, err := NewBank([]Question{{ID: "q1", Topic: "closures", Kind: KindOutput, Difficulty: Warmup}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args               string
		want               Filter
		bad, repeat, extra string
	}{
		{"new", Filter{}, "", "", ""},
		{"Closures SENIOR debug", Filter{Topics: []string{"closures"}, Difficulties: []Difficulty{Senior}, Kinds: []Kind{KindDebug}}, "", "", ""},
		{"closures Hard", Filter{}, "Hard", "", ""},
		{"new new", Filter{}, "", `"new" repeats new`, ""},
		{"closures senior Closures NEW new", Filter{Topics: []string{"closures"}, Difficulties: []Difficulty{Senior}}, "", `"Closures" repeats closures and "new" repeats NEW`, ""},
		{"new new new new new", Filter{}, "", `"new" repeats new`, ""}, // named once
		{"new new senior senior output output warmup warmup intermediate intermediate", Filter{Kinds: []Kind{KindOutput}, Difficulties: []Difficulty{Senior, Warmup, Intermediate}}, "",
			`"new" repeats new, "senior" repeats senior, "output" repeats output and 2 more`, ""},
		{"new new senior senior output output warmup warmup", Filter{Kinds: []Kind{KindOutput}, Difficulties: []Difficulty{Senior, Warmup}}, "",
			`"new" repeats new, "senior" repeats senior, "output" repeats output and "warmup" repeats warmup`, ""}, // not "and 1 more"
		// An unknown word is said first, whatever else is wrong: it has to change anyway.
		{"closures Hard senior output new", Filter{}, "Hard", "", ""},
		{"xyz xyz", Filter{}, "xyz", "", ""},
		{"closures senior output closures", Filter{Topics: []string{"closures"}, Difficulties: []Difficulty{Senior}, Kinds: []Kind{KindOutput}}, "", `"closures" repeats closures`, ""},
	} {
		f, bad, repeat, extra := practiceFilter(bank, strings.Fields(tc.args))
		if bad != tc.bad || repeat != tc.repeat || extra != tc.extra || bad == "" && (!slices.Equal(f.Topics, tc.want.Topics) || !slices.Equal(f.Difficulties, tc.want.Difficulties) || !slices.Equal(f.Kinds, tc.want.Kinds)) {
			t.Errorf("practiceFilter(%q) = %+v, %q, %q, %q; want %+v, %q, %q, %q", tc.args, f, bad, repeat, extra, tc.want, tc.bad, tc.repeat, tc.extra)
		}
	}
}

func TestSplitWords(t *testing.T) {
	for in, want := range map[string]string{"a,b c": "a b c", "A, b": "a b", ", ,": "", "all": "all"} {
		if got := strings.Join(splitWords(strings.Fields(in)), " "); got != want {
			t.Errorf("splitWords(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestVoteNumber(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		okay bool
	}{{"2", 2, true}, {"2.", 2, true}, {"no.3", 3, true}, {"two", 0, false}, {"#2", 0, false}} {
		if n, ok := voteNumber(tc.in); n != tc.n || ok != tc.okay {
			t.Errorf("voteNumber(%q) = %d, %v; want %d, %v", tc.in, n, ok, tc.n, tc.okay)
		}
	}
}

func TestParseRubricTicks(t *testing.T) {
	for _, tc := range []struct {
		in      string
		ticks   []int
		record  bool
		problem string
	}{
		{"", nil, false, ""},
		{"none", []int{}, true, ""},
		{"NONE", []int{}, true, ""},
		{"3 1,3 2.", []int{1, 2, 3}, true, ""},
		{"1 x", nil, false, `"x" is not an item number.`},
		{"none 1", nil, false, "`none` stands alone (nothing covered); to record items give only their numbers."},
	} {
		ticks, record, problem := parseRubricTicks(strings.Fields(tc.in))
		if !slices.Equal(ticks, tc.ticks) || (ticks == nil) != (tc.ticks == nil) || record != tc.record || problem != tc.problem {
			t.Errorf("parseRubricTicks(%q) = %v, %v, %q; want %v, %v, %q", tc.in, ticks, record, problem, tc.ticks, tc.record, tc.problem)
		}
	}
}

func TestReportsAction(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{{"", "list", true}, {"LIST", "list", true}, {"clear 3", "clear", true}, {"delete 3", "", false}} {
		if got, ok := reportsAction(strings.Fields(tc.in)); got != tc.want || ok != tc.ok {
			t.Errorf("reportsAction(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestParseReminderLead(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    time.Duration
		problem string // in the reply; "" when accepted
	}{
		{"30m", 30 * time.Minute, ""},
		{"1H30M", 90 * time.Minute, ""},
		{"2h", 2 * time.Hour, ""},
		{"5m", 0, "too short"},
		{"13h", 0, "too long"},
		{"90s", 0, "not a duration"},
		{"1.5m", 0, "not a whole number of minutes"},
		{"-1h", 0, "not a time before the reveal"},
		{"soon", 0, "not a duration"},
	} {
		d, err := ParseReminderLead(tc.in)
		switch {
		case tc.problem == "" && (err != nil || d != tc.want):
			t.Errorf("ParseReminderLead(%q) = %v, %v; want %v", tc.in, d, err, tc.want)
		case tc.problem != "" && (err == nil || !strings.Contains(userMessage(err), tc.problem)):
			t.Errorf("ParseReminderLead(%q) = %v, %v; want an error saying %q", tc.in, d, err, tc.problem)
		}
	}
}

func TestScheduleArgs(t *testing.T) {
	for _, tc := range []struct {
		text, action, rest string
		ok                 bool
	}{
		{"", "list", "", true},
		{"SET question \"0 9 * * *\"", "set", "question \"0 9 * * *\"", true},
		{"help", "help", "", true},
		{"stes", "stes", "", false},
	} {
		action, rest, ok := scheduleAction(tc.text)
		if action != tc.action || rest != tc.rest || ok != tc.ok {
			t.Errorf("scheduleAction(%q) = %q, %q, %v; want %q, %q, %v", tc.text, action, rest, ok, tc.action, tc.rest, tc.ok)
		}
	}
	if got := scheduleSuggestions(); slices.Contains(got, "help") || !slices.Contains(got, "unskip") {
		t.Errorf("scheduleSuggestions() = %v: want every action but help", got)
	}
	for _, tc := range []struct{ in, spec, zone, problem string }{
		{`"0 9 * * 1-5" Europe/Berlin`, "0 9 * * 1-5", "Europe/Berlin", ""},
		{`“0 9 * * *”`, "0 9 * * *", "", ""},
		{`0 9 * * 1-5 UTC`, "0 9 * * 1-5", "UTC", ""},
		{`@every 1h UTC`, "@every 1h", "UTC", ""},
		{`CRON_TZ=UTC @daily`, "CRON_TZ=UTC @daily", "", ""},
		{`"0 9 * * *`, "", "", "closing quote is missing"},
		{``, "", "", "Give the schedule in quotes"},
	} {
		spec, zone, problem := splitSpec(tc.in)
		if spec != tc.spec || zone != tc.zone || (tc.problem == "") != (problem == "") || !strings.Contains(problem, tc.problem) {
			t.Errorf("splitSpec(%q) = %q, %q, %q; want %q, %q, %q", tc.in, spec, zone, problem, tc.spec, tc.zone, tc.problem)
		}
	}
	for in, want := range map[string]string{"2026-12-24": "2026-12-24", "2026-2-3": "", "tomorrow": ""} {
		if got, ok := skipDay(in); got != want || ok != (want != "") {
			t.Errorf("skipDay(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestParseAnswerLetters(t *testing.T) {
	one := &Question{Kind: KindOutput, Choices: []Choice{{Key: "A"}, {Key: "B"}, {Key: "C"}}, Answer: []string{"B"}}
	review := &Question{Kind: KindReview, Choices: one.Choices, Answer: []string{"A", "C"}}
	design := &Question{Kind: KindDesign}
	for _, tc := range []struct {
		q                      *Question
		in                     string
		keys                   []string
		text, reason           string
		problem, reasonProblem string // parts of the replies; "" when accepted
	}{
		{q: one, in: "b", keys: []string{"B"}},
		{q: one, in: "B because the default is shared", keys: []string{"B"}, reason: "the default is shared"},
		{q: one, in: "B because", keys: []string{"B"}, reasonProblem: "Say why after `because`"},
		{q: one, in: "A,B", problem: "takes one choice"},
		{q: one, in: "D", problem: `There is no choice "D"`},
		{q: one, in: "", problem: "Say which choice"},
		{q: review, in: "ca", keys: []string{"A", "C"}},
		{q: review, in: "C, A;A", keys: []string{"A", "C"}},
		{q: design, in: "Use a bounded queue", text: "Use a bounded queue"},
		{q: design, in: "queue", problem: "at least"},
	} {
		keys, text, problem := parseAnswer(tc.q, "#1", tc.in)
		if !slices.Equal(keys, tc.keys) || text != tc.text || (tc.problem == "") != (problem == "") || !strings.Contains(problem, tc.problem) {
			t.Errorf("parseAnswer(%s, %q) = %v, %q, %q; want %v, %q, %q", tc.q.Kind, tc.in, keys, text, problem, tc.keys, tc.text, tc.problem)
		}
		reason, problem := answerReason(tc.q, "#1", tc.in)
		if reason != tc.reason || (tc.reasonProblem == "") != (problem == "") || !strings.Contains(problem, tc.reasonProblem) {
			t.Errorf("answerReason(%s, %q) = %q, %q; want %q, %q", tc.q.Kind, tc.in, reason, problem, tc.reason, tc.reasonProblem)
		}
	}
	for in, want := range map[string][2]string{
		"B because x":     {"B", "x"},
		"B\tBECAUSE x  y": {"B", "x  y"},
		"B becauses x":    {"B becauses x", ""},
		"because x":       {"", "x"},
	} {
		answer, reason, _ := splitReason(in)
		if answer != want[0] || reason != want[1] {
			t.Errorf("splitReason(%q) = %q, %q; want %q, %q", in, answer, reason, want[0], want[1])
		}
	}
}

func TestRefWord(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ in, want string }{
		{"12", "#12"}, {"#12", "#12"}, {" 7 ", "#7"}, {"p3", "p3"}, {"P3", "p3"},
		{"abc", ""}, {"0", ""}, {"#0", ""}, {"-1", ""}, {"p0", ""}, {"12 B", ""}, {"", ""},
	} {
		got, err := RefWord(tt.in)
		if got != tt.want || (err == nil) != (tt.want != "") {
			t.Errorf("RefWord(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestWordingOfSmallCounts(t *testing.T) {
	t.Parallel()
	q := &Question{Choices: []Choice{{Key: "A"}, {Key: "B"}}}
	if got := spreadLine(q, []Answer{{Keys: []string{"B"}}}); got != "How the 1 answer fell: A 0 · B 1" {
		t.Errorf("spreadLine of one answer = %q", got)
	}
	if _, err := ParseJob(" "); err == nil || !strings.HasPrefix(err.Error(), "say which job: question, ") {
		t.Errorf("ParseJob of nothing: %v, want it to ask which job", err)
	}
	text := rubricRecordedText(&Question{Rubric: []string{"Names the GIL.", "Bounds the queue"}}, "#1", []int{1})
	if !strings.Contains(text, ": Names the GIL.\n") || strings.Contains(text, "..") {
		t.Errorf("rubricRecordedText doubles the item's full stop: %q", text)
	}
}
