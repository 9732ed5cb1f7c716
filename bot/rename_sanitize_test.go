package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/pyqbot/pyqbot/bot"
)

// A display name learnt after the event (Slack's users.info, through RenameUser) is cleaned as
// one that came with the event is: a text-direction override in it would reorder the leaderboard
// around it, and the user marks would open or close a literal span in a post.
func TestRenamedUserNameIsCleanedLikeAnEventsName(t *testing.T) {
	t.Parallel()
	h := newHarness(t, testQuestions()[:1])
	ctx := context.Background()
	h.as("lead", true, "today")
	if r := h.as("Alice", false, "answer C"); !strings.Contains(r.Post.Text, "Recorded") {
		t.Fatalf("answer: %s", r.Post.Text)
	}
	h.as("lead", true, "reveal")
	const raw = "ali\u202Ece\uE001\u200B!"
	if _, err := h.engine.RenameUser(ctx, h.conv, bot.User{ID: "alice", Name: raw}); err != nil {
		t.Fatal(err)
	}
	r := h.as("lead", false, "leaderboard")
	text := bot.PlainText(r.Post)
	if sent := h.out.Sent(); r.Empty() && len(sent) > 0 {
		text = bot.PlainText(sent[len(sent)-1].Post)
	}
	if !strings.Contains(text, "alice!") {
		t.Errorf("leaderboard = %q, want Alice shown as \"alice!\" (the override, mark and zero-width space removed)", text)
	}
	if strings.ContainsAny(text, "\u202E\u200B") {
		t.Errorf("leaderboard carries the name's invisible characters: %q", text)
	}
}
