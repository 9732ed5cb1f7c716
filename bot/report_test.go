package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

func (h *harness) openReports() []bot.Report {
	h.t.Helper()
	ch, err := h.engine.EnsureChannel(context.Background(), h.conv)
	if err != nil {
		h.t.Fatal(err)
	}
	reports, err := h.store.OpenReports(context.Background(), ch.WorkspaceID)
	if err != nil {
		h.t.Fatal(err)
	}
	return reports
}

// Two people reporting a question keep it from being picked in the workspace (team questions and
// practice) until an admin clears a report; one person reporting twice is one report.
func TestReportHidesAQuestionUntilCleared(t *testing.T) {
	t.Parallel()
	qs := testQuestions()[:2] // out-one and review-one
	h := newHarness(t, qs)
	first := h.postOnly()
	id := first.Post.Footer[strings.LastIndex(first.Post.Footer, "id ")+3:]
	other := map[string]string{"out-one": "review-one", "review-one": "out-one"}[id]

	mustContain(t, h.as("Ann", false, "report #1 choice C is also right").Post.Text, "your report 1 on #1 ("+id+") is recorded")
	mustContain(t, h.as("Ann", false, "report #1 and the code does not run").Post.Text, "You already reported #1", "nothing new was recorded")
	if n := len(h.openReports()); n != 1 {
		t.Fatalf("%d open reports after one user reported twice, want 1", n)
	}
	// Still shown one open report: the question is picked as usual.
	h.as("lead", true, "reveal")
	// Bob reports without #N: the channel's latest question.
	mustContain(t, h.as("Bob", false, "report the explanation contradicts the answer").Post.Text, "your report 2 on #1 ("+id+")")

	mustContain(t, h.as("Bob", false, "reports").Post.Text, "Only workspace admins can run `/pyq reports`")
	list := bot.PlainText(h.as("lead", true, "reports").Post)
	mustContain(t, list, "#1 "+id+" (hidden)", "Ann", "choice C is also right", "Bob", "the explanation contradicts the answer")

	// Hidden: the next team questions are all the other one, and practice in its topic has none.
	for day := 0; day < 3; day++ {
		h.clock.Advance(24 * time.Hour)
		p := h.postOnly()
		if got := p.Post.Footer[strings.LastIndex(p.Post.Footer, "id ")+3:]; got != other {
			t.Fatalf("day %d picked %s, want %s: %s is hidden by two reports", day+2, got, other, id)
		}
		h.as("lead", true, "reveal")
	}
	hiddenTopic := map[string]string{"out-one": "closures", "review-one": "security"}[id]
	mustContain(t, h.as("Cat", false, "practice "+hiddenTopic).Post.Text, "No question matches that")
	for i := 0; i < 5; i++ {
		title := map[string]string{"out-one": "Output one", "review-one": "Review one"}[other]
		if r := h.as("Cat", false, "practice new"); r.Post.Answer == nil || !strings.Contains(r.Post.Title, title) {
			t.Fatalf("practice served %q, want %s only", r.Post.Title, title)
		}
	}

	// Clearing one report brings it back: it is the one seen longest ago.
	mustContain(t, h.as("lead", true, "reports clear 1").Post.Text, "Cleared report 1 on "+id)
	mustContain(t, h.as("lead", true, "reports clear 1").Post.Text, "There is no open report 1")
	h.clock.Advance(24 * time.Hour)
	p := h.postOnly()
	if got := p.Post.Footer[strings.LastIndex(p.Post.Footer, "id ")+3:]; got != id {
		t.Errorf("after a report was cleared the next question is %s, want %s back", got, id)
	}
	if list := bot.PlainText(h.as("lead", true, "reports").Post); strings.Contains(list, "(hidden)") || !strings.Contains(list, "Bob") {
		t.Errorf("after clearing report 1 the list is:\n%s\nwant Bob's report, not hidden", list)
	}
}

// Bad reports get a clear private reply and record nothing.
func TestReportBadInput(t *testing.T) {
	t.Parallel()
	h := newHarness(t, testQuestions()[:1])
	mustContain(t, h.as("Ann", false, "report the answer is wrong").Post.Text, "No question was posted here yet", "nothing was recorded")
	h.postOnly()
	other := h.engine.Handle(context.Background(), bot.Event{
		Conv: bot.Conversation{Platform: h.conv.Platform, Workspace: "T2", Channel: "C9"},
		User: bot.User{ID: "zed", Name: "Zed"}, Text: "report #1 wrong"})
	tests := []struct {
		name, text string
		want       []string
		reply      bot.Reply
	}{
		{"a question that does not exist", "report #99 the answer is wrong", []string{"There is no question #99 in this workspace", "nothing was recorded"}, bot.Reply{}},
		{"not a number", "report #abc wrong", []string{`"#abc" is not a question number`, "Nothing was recorded"}, bot.Reply{}},
		{"empty text with #N", "report #1", []string{"Your report is empty", "nothing was recorded"}, bot.Reply{}},
		{"empty text", "report", []string{"Your report is empty"}, bot.Reply{}},
		{"blank text", "report #1    ", []string{"Your report is empty"}, bot.Reply{}},
		{"too long", "report #1 " + strings.Repeat("é", bot.MaxReportLen+1), []string{"501 characters; the limit is 500", "nothing was recorded"}, bot.Reply{}},
		{"someone else's practice question", "report p1 wrong", []string{"You have no practice question p1", "nothing was recorded"}, bot.Reply{}},
		{"another workspace's question", "", []string{"There is no question #1 in this workspace"}, other},
	}
	h.as("lead", true, "reveal")   // practice leaves out a question open as a team question
	h.as("Bob", false, "practice") // p1 is Bob's
	for _, tt := range tests {
		r := tt.reply
		if tt.text != "" {
			r = h.as("Ann", false, tt.text)
		}
		if !r.Private {
			t.Errorf("%s: reply is public, want private", tt.name)
		}
		for _, w := range tt.want {
			if !strings.Contains(r.Post.Text, w) {
				t.Errorf("%s: reply %q misses %q", tt.name, r.Post.Text, w)
			}
		}
	}
	if n := len(h.openReports()); n != 0 {
		t.Errorf("%d reports recorded from bad input, want none", n)
	}
	// At the limit it is fine, and a practice question can be reported by its owner.
	mustContain(t, h.as("Ann", false, "report #1 "+strings.Repeat("é", bot.MaxReportLen)).Post.Text, "is recorded")
	mustContain(t, h.as("Bob", false, "report p1 the code block is cut off").Post.Text, "your report 2 on practice question p1 (out-one)")
	for _, bad := range []string{"reports clear", "reports clear x", "reports clear 99", "reports purge"} {
		if r := h.as("lead", true, bad); !r.Private || !strings.Contains(r.Post.Text, "report") {
			t.Errorf("%q replied %q", bad, r.Post.Text)
		}
	}
	if n := len(h.openReports()); n != 2 {
		t.Errorf("%d open reports after bad clears, want 2", n)
	}
}
