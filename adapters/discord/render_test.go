package discord

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pyqbot/pyqbot/bot"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// goldenQuestions are one question of each kind, with Markdown-looking text (dunder names, a
// mention) where a real bank has it.
func goldenQuestions() []bot.Question {
	out := testQuestion()
	debug := bot.Question{ID: "stale-cache", Kind: bot.KindDebug, Topic: "stdlib", Difficulty: bot.Intermediate,
		Title: "The cache that never expires", Prompt: "A user reports stale prices. What is the root cause?",
		Symptom: "price: 10 (expected 12)", Code: "@lru_cache\ndef price(item):\n    return fetch(item)",
		Choices: []bot.Choice{{Key: "A", Text: "lru_cache keeps results forever"}, {Key: "B", Text: "fetch is async"},
			{Key: "C", Text: "item is unhashable"}, {Key: "D", Text: "The decorator needs ()"},
			{Key: "E", Text: "Nothing is wrong"}, {Key: "F", Text: "The cache is per thread"}},
		Answer: []string{"A"}, Explanation: "Nothing ever evicts an entry.", FixedCode: "@lru_cache(maxsize=128)\ndef price(item):\n    return fetch(item)",
		Hints: []string{"How long does an entry live?"}, Source: "test"}
	review := bot.Question{ID: "review-load", Kind: bot.KindReview, Topic: "stdlib", Difficulty: bot.Intermediate,
		Title: "Review this pull request", Prompt: "Pick every real problem.",
		Code: "def load(path):\n    f = open(path)\n    return json.load(f)",
		Choices: []bot.Choice{{Key: "A", Text: "The file is never closed"}, {Key: "B", Text: "json.load needs a string"},
			{Key: "C", Text: "No encoding is given,\nso it depends on the locale"}},
		Answer: []string{"A", "C"}, Explanation: "Use `with open(path, encoding=\"utf-8\")`.", Source: "test"}
	concept := bot.Question{ID: "default-args", Kind: bot.KindConcept, Topic: "functions", Difficulty: bot.Intermediate,
		Title: "Default arguments and __defaults__", Prompt: "Which statement does the code prove?",
		Code: "def f(x=[]):\n    x.append(1)\n    return x\nf(); print(f())",
		Choices: []bot.Choice{{Key: "A", Text: "Defaults are evaluated once, at def time, and kept in __defaults__"},
			{Key: "B", Text: "Defaults are copied per call (*args too)"}},
		Answer: []string{"A"}, Explanation: "The list is created once.", Proof: "def f(x=[]): pass\nprint(f.__defaults__)", ProofOutput: "([],)", Source: "test"}
	design := bot.Question{ID: "rate-limit", Kind: bot.KindDesign, Topic: "concurrency", Difficulty: bot.Senior,
		Title: "Rate-limit an API client", Prompt: "How would you keep a batch job under 50 requests/s? <@&123> @everyone",
		Rubric: []string{"a token bucket", "backoff on 429"}, Explanation: "Share one limiter.", Source: "test"}
	return []bot.Question{out, debug, review, concept, design}
}

// TestGoldenMessages plays each kind through the real engine and the real discordgo session and
// compares the JSON Discord receives with testdata/NAME.golden.json: the question, its reveal,
// the closing edit and (once) the leaderboard. Run with -update to rewrite them.
func TestGoldenMessages(t *testing.T) {
	t.Parallel()
	for _, q := range goldenQuestions() {
		t.Run(string(q.Kind), func(t *testing.T) {
			f, srv := playHTTP(t, q)

			do(t, srv, signed(slash("g1", lead, "today"), testNow))
			post := f.waitFor("POST", "/api/v9/channels/c1/messages")
			checkNoMentions(t, "question", post.Body)
			golden(t, "question-"+string(q.Kind), post.Body)
			th := f.waitFor("POST", "/api/v9/channels/c1/messages/")
			thread := strings.Split(th.Path, "/")[6]

			var right, wrong []byte
			switch q.Kind {
			case bot.KindOutput, bot.KindDebug, bot.KindConcept:
				right, wrong = press("g2", alice, "pyq:answer #1 "+q.Answer[0]), press("g3", bob, "pyq:answer #1 B")
			case bot.KindReview:
				right, wrong = press("g2", alice, "pyq-multi:#1", q.Answer...), press("g3", bob, "pyq-multi:#1", "B")
			case bot.KindDesign:
				right, wrong = submitModal("g2", alice, "pyq-text:#1", "A token bucket per host, and __backoff__ on 429"), submitModal("g3", bob, "pyq-text:#1", "*sleep* 20 ms")
			}
			for _, p := range [][]byte{right, wrong} {
				if _, body := do(t, srv, signed(p, testNow)); !strings.Contains(body, "Recorded your answer") {
					t.Fatalf("answer: %s", body)
				}
			}
			do(t, srv, signed(slash("g4", lead, "reveal"), testNow))
			rv := f.waitFor("POST", "/api/v9/channels/"+thread+"/messages")
			checkNoMentions(t, "reveal", rv.Body)
			golden(t, "reveal-"+string(q.Kind), rv.Body)
			for n := 1; ; n++ {
				ed := f.waitForNth("PATCH", "/api/v9/channels/c1/messages/"+thread, n)
				if strings.Contains(string(ed.Body), "[closed]") {
					golden(t, "question-"+string(q.Kind)+"-closed", ed.Body)
					break
				}
			}
			if q.Kind == bot.KindOutput {
				_, body := do(t, srv, signed(slash("g5", alice, "leaderboard"), testNow))
				golden(t, "leaderboard", []byte(body))
			}
		})
	}
}

func golden(t *testing.T, name string, body []byte) {
	t.Helper()
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, body, "", "  "); err != nil {
		t.Fatalf("%s: not JSON: %v", name, err)
	}
	pretty.WriteString("\n")
	path := filepath.Join("testdata", name+".golden.json")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, pretty.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(pretty.Bytes(), want) {
		t.Errorf("%s differs from %s (run go test -update if the change is intended):\n%s", name, path, pretty.String())
	}
}

// What people wrote shows as written: a reason with a masked link or ** in a reveal is escaped,
// and the core's marks never reach Discord.
func TestUserTextInAPostIsLiteral(t *testing.T) {
	t.Parallel()
	p := bot.Post{Title: "Answer to #1", Text: "The answer was B.\n\n**Why they chose it:**\n1. " +
		bot.UserText("Eve**") + " (B): " + bot.UserText("[see the fix](https://evil.example) __now__"),
		Footer: "Top: " + bot.UserText("Eve**")}
	for _, m := range append(renderAll(p), render(p)) {
		raw, _ := json.Marshal(m)
		s := string(raw)
		if strings.ContainsAny(s, "\uE000\uE001") {
			t.Fatalf("the core's marks reached Discord: %s", s)
		}
		for _, e := range m.Embeds {
			for _, want := range []string{`**Why they chose it:**`, `Eve\*\*`, `\[see the fix\](https://evil.example) \_\_now\_\_`} {
				if !strings.Contains(e.Description, want) {
					t.Errorf("description lacks %q:\n%s", want, e.Description)
				}
			}
			if e.Footer != nil && e.Footer.Text != "Top: Eve**" {
				t.Errorf("footer = %q, want the name as written (a footer is plain text)", e.Footer.Text)
			}
		}
	}
}
