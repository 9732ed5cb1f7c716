package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/pyqbot/pyqbot/bot"
)

// FuzzCommandText drives the engine's whole command parsing with arbitrary /pyq text, as an admin and
// as a player, on a real SQLite file. Whatever is typed, the reply is a message that says something,
// and never the internal-error text (which is what a recovered panic or a parse that reached the
// store with garbage would produce).
func FuzzCommandText(f *testing.F) {
	seeds := []string{"", "today", "answer B", "answer #1 A,C", "answer #999 B", "answer #-1", "answer #1 a, c ,",
		"reveal", "reveal #1", "reveal #abc", "leaderboard month", "leaderboard yesteryear", "me", "practice closures senior",
		"practice nope", "topics", "help", "help answer", "help scoring", "help debug", "filter topics closures",
		"filter kinds all", "filter difficulty senior warmup", "filter clear", "filter topics", "schedule set question \"0 9 * * 1-5\"",
		"answer Use a bounded queue so producers slow down", "ANSWER   b", "answer \u202e", "answer \x00", "\xff",
		"rubric", "rubric #1", "rubric #1 1 3", "rubric #1 none", "rubric 1,,3", "rubric #1 -1", "rubric 99999999999999999999", "rubric #0 1"}
	for _, s := range seeds {
		f.Add(s, false)
		f.Add(s, true)
	}
	h := newHarness(f, testQuestions())
	internal := h.engine.Handle(context.Background(), bot.Event{Conv: h.conv, User: bot.User{ID: "probe"}, Text: "help"})
	if internal.Empty() {
		f.Fatal("help replied nothing")
	}
	f.Fuzz(func(t *testing.T, text string, admin bool) {
		r := h.engine.Handle(context.Background(), bot.Event{Conv: h.conv, User: bot.User{ID: "fuzz", Name: "Fuzz"}, Admin: admin, Text: text})
		got := bot.PlainText(r.Post)
		if strings.Contains(got, "Something went wrong on our side") {
			t.Fatalf("/pyq %q (admin %v) hit an internal error", text, admin)
		}
		word := strings.ToLower(strings.Fields(text + " x")[0])
		if r.Empty() && word != "today" && word != "reveal" {
			t.Fatalf("/pyq %q (admin %v) replied nothing", text, admin)
		}
	})
}
