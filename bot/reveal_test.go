package bot_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/pyqbot/pyqbot/bot"
)

// longAnswer is a distinct free-text answer of exactly n characters.
func longAnswer(i, n int) string {
	s := fmt.Sprintf("answer %02d: ", i) + strings.Repeat("backpressure & a bounded queue < unbounded ", n/40+1)
	return strings.TrimSpace(s[:n-1]) + "."
}

func TestDesignRevealShowsEveryAnswerInFull(t *testing.T) {
	h := newHarness(t, testQuestions()[2:]) // the design question
	h.postOnly()
	answers := map[string]string{}
	for i := range 40 {
		user := fmt.Sprintf("Player%02d", i)
		answers[user] = longAnswer(i, 3000) // the longest answer the core takes
		if r := h.as(user, false, "answer #1 "+answers[user]); !strings.HasPrefix(r.Post.Text, "Recorded") {
			t.Fatalf("answer of %d characters refused: %s", len(answers[user]), r.Post.Text)
		}
	}
	h.as("lead", true, "reveal")
	reveal := h.titled("Answer to #1").Post.Text // the vote message follows it
	for user, a := range answers {
		// Marked as the user's own text, which each adapter shows as written.
		if !strings.Contains(reveal, ". "+bot.UserText(user)+": "+bot.UserText(a)) {
			t.Fatalf("the reveal does not show %s's answer in full", user)
		}
	}
}

func TestRevealThatFailsToPostStillClosesTheQuestion(t *testing.T) {
	h := newHarness(t, testQuestions()[2:])
	question := h.postOnly()
	h.as("Alice", false, "answer #1 threads, with a bounded pool")
	h.out.Fail(errors.New("msg_blocks_too_long"))
	r := h.as("lead", true, "reveal")
	mustContain(t, r.Post.Text, "#1 is closed and its answers are graded", "refused the reveal post")
	mustNotContain(t, r.Post.Text, "nothing was changed")
	if open, _ := h.store.OpenPosts(context.Background(), 1); len(open) != 0 {
		t.Fatalf("the question is still open: %+v", open)
	}
	edits := h.out.Edits()
	if len(edits) == 0 {
		t.Fatal("the question was never marked closed on the platform")
	}
	last := edits[len(edits)-1]
	if last.Ref != question.Ref || !last.Post.Closed || last.Post.Answer != nil {
		t.Errorf("last edit = %+v, want the question shown closed without buttons", last)
	}
}

// The limit counts characters, as Slack's and Discord's text boxes do: an answer the box lets
// through in accented letters is not refused for its bytes.
func TestAnswerLimitCountsCharacters(t *testing.T) {
	h := newHarness(t, testQuestions()[2:])
	h.postOnly()
	if r := h.as("Zoë", false, "answer #1 "+strings.Repeat("é", 2990)+" a b c d"); !strings.HasPrefix(r.Post.Text, "Recorded") {
		t.Errorf("3,000 accented characters refused: %s", r.Post.Text)
	}
	r := h.as("Bob", false, "answer #1 "+strings.Repeat("é", 2993)+" a b c d")
	mustContain(t, r.Post.Text, "Your answer is 3001 characters")
}
