package bot_test

import (
	"testing"

	"github.com/pyqbot/pyqbot/bot"
)

// A question open as a team post anywhere in the workspace is not served as practice or as a
// review until its reveal: the practice feedback ("Right! The answer was C") would give the team's
// answer away. Another workspace's open post does not hide it.
func TestOpenTeamQuestionIsNotPractised(t *testing.T) {
	t.Parallel()
	const (
		served = "Practice: Output one"
		left   = "The only questions that match are open as team questions right now: answer them there."
	)
	tests := []struct {
		name  string
		setup func(h *harness)
		words string
		want  string
	}{
		{"open in this channel", func(h *harness) { h.postOnly() }, "closures", left},
		{"open in another channel of the workspace", func(h *harness) {
			h.in(bot.Conversation{Platform: h.conv.Platform, Workspace: h.conv.Workspace, Channel: "C2"}, h.postOnly)
		}, "closures", left},
		{"open in another workspace", func(h *harness) {
			h.in(bot.Conversation{Platform: h.conv.Platform, Workspace: "T2", Channel: "C9"}, h.postOnly)
		}, "closures", served},
		{"revealed", func(h *harness) { h.postOnly(); h.as("lead", true, "reveal") }, "closures", served},
		// Ann missed #1 a day ago, so it is her due review; #2 is the same question, open.
		{"a due review open again", func(h *harness) {
			h.dayOfAnswers(map[string]string{"ann": "answer A"})
			h.postOnly()
		}, "", left},
		{"a due review", func(h *harness) { h.dayOfAnswers(map[string]string{"ann": "answer A"}) }, "", "Review: you missed this"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, testQuestions()[:1]) // Output one, closures: the answer is C
			tc.setup(h)
			p := h.as("ann", false, "practice "+tc.words).Post
			mustContain(t, p.Title+"\n"+bot.PlainText(p), tc.want)
		})
	}
}

// in runs f with the harness playing in conv, then back in its own conversation.
func (h *harness) in(conv bot.Conversation, f func() sent) {
	h.t.Helper()
	own := h.conv
	h.conv = conv
	defer func() { h.conv = own }()
	f()
}

// A practice question served before the team got the same question waits for the reveal: its
// feedback would give the team's answer away. After the reveal it is answered as before.
func TestPracticeServedBeforeTheTeamPostWaitsForTheReveal(t *testing.T) {
	t.Parallel()
	h := newHarness(t, testQuestions()[:1]) // Output one, closures: the answer is C
	mustContain(t, h.as("ann", false, "practice closures").Post.Title, "Practice: Output one")
	h.postOnly()
	mustContain(t, h.as("ann", false, "answer p1 C").Post.Text,
		"Output one is open as a team question right now: answer it there. Your practice answer to p1 is taken after the reveal.")
	h.as("lead", true, "reveal")
	mustContain(t, bot.PlainText(h.as("ann", false, "answer p1 C").Post), "Right!")
}

// A practice question is answered in its own workspace only: a Discord user id is the same in every
// guild, and answering T1's practice from T2 dodged T1's open-question check (a review).
func TestPracticeIsAnsweredInItsOwnWorkspace(t *testing.T) {
	t.Parallel()
	h := newHarness(t, testQuestions()[:1])
	mustContain(t, h.as("ann", false, "practice closures").Post.Title, "Practice: Output one")
	h.postOnly() // #1 open in T1
	var got string
	h.in(bot.Conversation{Platform: h.conv.Platform, Workspace: "T2", Channel: "C9"}, func() sent {
		got = bot.PlainText(h.as("ann", false, "answer p1 C").Post)
		return sent{}
	})
	mustContain(t, got, "You have no practice question p1.")
}
