package bot_test

import (
	"context"
	"testing"

	"github.com/pyqbot/pyqbot/bot"
)

// Invisible characters that hide or reorder text never reach a public reveal, and nothing is stored
// for a refused message.
func TestUserTextIsCheckedWhereItEnters(t *testing.T) {
	t.Parallel()
	d := newHarness(t, []bot.Question{testQuestions()[2]})
	d.postOnly()
	for _, tt := range []struct{ text, want string }{
		{"answer use asyncio \u202egnp.exe for the workers", "text-direction control (U+202E)"},
		{"answer use asyncio \u2066isolated\u2069 for the workers", "text-direction control (U+2066)"},
		{"answer use asyncio\x00 for the workers", "NUL (U+0000)"},
		{"answer use asyncio \x1b[31m for the workers", "control character (U+001B)"},
		{"answer use asyncio \xff\xfe for the workers", "not valid text (UTF-8)"},
	} {
		got := d.as("Mallory", false, tt.text).Post.Text
		mustContain(t, got, tt.want, "nothing was recorded")
		mustNotContain(t, got, "Recorded your answer")
	}
	if answers, _ := d.store.Answers(context.Background(), 1); len(answers) != 0 {
		t.Fatalf("refused messages stored %d answers: %+v", len(answers), answers)
	}
	// Zero-width spaces are dropped, emoji joiners kept; a name's direction controls are removed.
	ev := bot.Event{Conv: d.conv, User: bot.User{ID: "u-eve", Name: "Eve\u202e\u200b"},
		Text: "answer asyncio\u200b for the 👩\u200d💻 workers, since it is I/O bound"}
	mustContain(t, d.engine.Handle(context.Background(), ev).Post.Text, "Recorded your answer")
	d.as("lead", true, "reveal")
	reveal := bot.PlainText(d.last().Post)
	mustContain(t, reveal, "Eve: asyncio for the 👩\u200d💻 workers, since it is I/O bound")
	mustNotContain(t, reveal, "\u202e", "\u200b")
}

func TestIdentifiersMustBeText(t *testing.T) {
	t.Parallel()
	h := newHarness(t, testQuestions()[:1])
	for _, conv := range []bot.Conversation{
		{Platform: "test", Workspace: "T\xff", Channel: "C1"},
		{Platform: "test", Workspace: "T1", Channel: "C\x00"},
	} {
		got := h.engine.Handle(context.Background(), bot.Event{Conv: conv, User: bot.User{ID: "ann", Name: "Ann"}, Text: "today"})
		mustContain(t, got.Post.Text, "identifier pyqbot cannot use")
	}
	if h.count() != 0 {
		t.Errorf("a refused event posted %d messages", h.count())
	}
}
