package discord

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pyqbot/pyqbot/bot"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// goldenPosts are one post of each kind the engine sends, shaped like its output.
func goldenPosts() map[string]bot.Post {
	footer := func(ref, topic, kind string) string {
		return ref + " · " + topic + " · " + kind + " · intermediate · revealed today at 17:00 · id q-" + kind
	}
	return map[string]bot.Post{
		"question-output": {Title: "Lambdas in a loop", Text: "What does this print?",
			Code: "fs = [lambda: i for i in range(3)]\nprint([f() for f in fs])",
			Answer: &bot.AnswerForm{Ref: "#12", Mode: bot.SingleChoice, Choices: []bot.Choice{
				{Key: "A", Text: "[0, 1, 2]"}, {Key: "B", Text: "[2, 2, 2]"}, {Key: "C", Text: "[0, 0, 0]"}, {Key: "D", Text: "An error"}}},
			Footer: footer("#12", "closures", "output")},
		"question-debug": {Title: "The cache that never expires",
			Text: "A user reports stale prices.\n\nWhat the user sees:\n```\nprice: 10 (expected 12)\n```",
			Code: "@lru_cache\ndef price(item):\n    return fetch(item)",
			Answer: &bot.AnswerForm{Ref: "#13", Mode: bot.SingleChoice, Choices: []bot.Choice{
				{Key: "A", Text: "lru_cache keeps results forever"}, {Key: "B", Text: "fetch is async"},
				{Key: "C", Text: "item is unhashable"}, {Key: "D", Text: "The decorator needs ()"},
				{Key: "E", Text: "Nothing is wrong"}, {Key: "F", Text: "The cache is per thread"}}},
			Footer: footer("#13", "caching", "debug") + " · debugging challenge: a right answer is worth 10 points now, 2 less with each hint in the thread"},
		"question-review": {Title: "Review this pull request", Text: "Pick every real problem.",
			Code: "def load(path):\n    f = open(path)\n    return json.load(f)",
			Answer: &bot.AnswerForm{Ref: "#14", Mode: bot.MultiChoice, Choices: []bot.Choice{
				{Key: "A", Text: "The file is never closed"}, {Key: "B", Text: "json.load needs a string"},
				{Key: "C", Text: "No encoding is given,\nso it depends on the locale"}}},
			Footer: footer("#14", "files", "review")},
		"question-concept": {Title: "Default arguments", Text: "Which statement does the code prove?",
			Code: "def f(x=[]):\n    x.append(1)\n    return x\nf(); print(f())",
			Answer: &bot.AnswerForm{Ref: "#15", Mode: bot.SingleChoice, Choices: []bot.Choice{
				{Key: "A", Text: "Defaults are evaluated once, at def time"}, {Key: "B", Text: "Defaults are copied per call"}}},
			Footer: footer("#15", "functions", "concept")},
		"question-design": {Title: "Rate-limit an API client", Text: "How would you keep a batch job under 50 requests/s? <@&123> @everyone",
			Answer: &bot.AnswerForm{Ref: "#16", Mode: bot.FreeText},
			Footer: footer("#16", "concurrency", "design")},
		"reveal": {Title: "Answer to #12: Lambdas in a loop",
			Text: "The answer was B: [2, 2, 2]\n\nThe lambdas close over the variable i, not its value.\n\nHow the 3 answers spread: A 1 · B 2 · C 0 · D 0\nGot it: Alice +10, <@42> +11",
			Code: "fs = [lambda i=i: i for i in range(3)]", Footer: "Docs: https://docs.python.org/3/faq/programming.html",
			Thread: &bot.MessageRef{Channel: "c1", ID: "900", Thread: "900"}},
		"leaderboard": {Title: "Leaderboard — this week (since Mon 2 Mar)",
			Table: &bot.Table{Columns: []string{"Rank", "Name", "Points", "Correct", "Streak"}, Rows: [][]string{
				{"1", "Alice", "31", "3/3", "3"}, {"2", "Bob `@everyone`", "10", "1/2", "1"}}},
			Footer: "Points land at each reveal. `/pyq help scoring` explains them."},
	}
}

// TestGoldenMessages sends each post through the real session and compares the JSON Discord
// receives with testdata/NAME.golden.json. Run with -update to rewrite them.
func TestGoldenMessages(t *testing.T) {
	for name, p := range goldenPosts() {
		t.Run(name, func(t *testing.T) {
			f := newFakeDiscord(t)
			a := newTestAdapter(t, f, ModeGateway, Options{})
			ref, err := a.Send(context.Background(), bot.Conversation{Platform: "discord", Workspace: "g1", Channel: "c1"}, p)
			if err != nil {
				t.Fatal(err)
			}
			path := "/api/v9/channels/c1/messages"
			if p.Thread != nil {
				path = "/api/v9/channels/900/messages"
			}
			c := f.waitFor("POST", path)
			if c.Path != path {
				t.Fatalf("posted to %s, want %s", c.Path, path)
			}
			checkNoMentions(t, name, c.Body)
			golden(t, name, c.Body)
			if p.Answer == nil {
				return
			}
			// Closing it keeps the components, disabled.
			if ref.Thread != ref.ID {
				t.Errorf("question ref %+v: want a thread with the message's id", ref)
			}
			closed := p
			closed.Answer, closed.Closed = nil, true
			closed.Footer = strings.Split(p.Footer, " · ")[0] + " · closed: the answer is in the thread"
			if err := a.Edit(context.Background(), bot.Conversation{Platform: "discord", Workspace: "g1", Channel: "c1"}, ref, closed); err != nil {
				t.Fatal(err)
			}
			golden(t, name+"-closed", f.waitFor("PATCH", "/api/v9/channels/c1/messages/"+ref.ID).Body)
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
