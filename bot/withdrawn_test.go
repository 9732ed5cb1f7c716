package bot_test

import (
	"context"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
)

// withdrawnFiller is the question that stays in the bank while the one under test leaves it.
func withdrawnFiller() bot.Question {
	q := testQuestions()[0]
	q.ID, q.Title, q.Topic = "filler", "Filler", "basics"
	return q
}

func withdrawnDebug() bot.Question {
	return bot.Question{ID: "dbg-one", Kind: bot.KindDebug, Topic: "functions", Difficulty: bot.Intermediate,
		Title: "Invoices share lines", Prompt: "Each invoice should start empty.", Code: "def invoice(lines=[]):\n    return lines",
		Symptom: "the second invoice has two lines",
		Choices: []bot.Choice{{Key: "A", Text: "The default is created once"}, {Key: "B", Text: "append copies"}},
		Answer:  []string{"A"}, Explanation: "Defaults are evaluated once.", FixedCode: "def invoice(lines=None): ...",
		Hints: []string{"When is `lines=[]` evaluated?"}}
}

// TestWithdrawnQuestionIsNotJudged plays an admin excluding a question while it is open and
// restarting before the reveal: the answers, right ones included, are neither right nor wrong, worth
// nothing, out of accuracy, and still keep the streak; the reveal and the closed question say why
// without an empty spread, "Nobody got it" or an empty topic slot; no vote opens on its reasons; and
// `/pyq me`'s progress grid marks the day partial, neither right nor wrong.
func TestWithdrawnQuestionIsNotJudged(t *testing.T) {
	qs := testQuestions()
	for _, tt := range []struct {
		name         string
		q            bot.Question
		right, wrong string // alice's and bob's answers, each with a reason
	}{
		{"single choice", qs[0], "answer C because it prints 3", "answer A because it prints 1"},
		{"review", qs[1], "answer A,C because both leak", "answer B because it is slow"},
		{"design", qs[2], "answer asyncio, because it is I/O bound", "answer threads, because of the GIL"},
		{"debug", withdrawnDebug(), "answer A because defaults are shared", "answer B because append copies"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			filler := withdrawnFiller()
			// Day 1: the filler, answered by both, so day 2 is the second day of their streaks.
			h := newHarness(t, []bot.Question{filler})
			h.postOnly()
			h.as("alice", false, "answer C")
			h.as("bob", false, "answer A")
			h.as("lead", true, "reveal")
			h.clock.Advance(24 * time.Hour)
			// Day 2: the question under test (the filler was seen, so it is picked), answered by both.
			h = newKitHarness(t, testkit.Options{Questions: []bot.Question{filler, tt.q}, Path: h.path, Clock: h.clock})
			if got := h.postOnly(); got.Post.Title != tt.q.Title {
				t.Fatalf("day 2 posted %q, want %q", got.Post.Title, tt.q.Title)
			}
			for user, text := range map[string]string{"alice": tt.right, "bob": tt.wrong} {
				if r := h.as(user, false, text); !r.Private {
					t.Fatalf("%s %q: %q", user, text, r.Post.Text)
				}
			}
			h.engine.WaitIdle()
			// The admin excludes it and restarts; the reveal comes after.
			h = newKitHarness(t, testkit.Options{Questions: []bot.Question{filler}, Path: h.path, Clock: h.clock})
			if r := h.as("lead", true, "reveal"); !r.Empty() {
				t.Fatalf("reveal replied %q", bot.PlainText(r.Post))
			}

			reveal := h.titled("Answer to #2")
			if want := "Answer to #2: withdrawn from the bank"; reveal.Post.Title != want {
				t.Errorf("reveal title %q, want %q", reveal.Post.Title, want)
			}
			mustContain(t, reveal.Post.Text, "withdrawn from the question bank after it was posted, so its answers are not scored",
				"2 answers recorded")
			mustNotContain(t, reveal.Post.Text, "How the", "Nobody got it", "Got it", "Partly right", "right answer is", "Why they chose it")
			if reveal.Post.Vote != nil || reveal.Post.Rubric != nil || reveal.Post.Answer != nil {
				t.Errorf("reveal offers a control: %+v", reveal.Post)
			}
			closed := h.lastEdit().Post
			if want := "#2 · " + tt.q.Topic + " · closed: see the thread · id " + tt.q.ID; !closed.Closed || closed.Footer != want {
				t.Errorf("closed question: closed=%v footer %q, want %q", closed.Closed, closed.Footer, want)
			}
			mustContain(t, closed.Text, "withdrawn from the question bank")
			for _, p := range []bot.Post{reveal.Post, closed} {
				mustNotContain(t, p.Footer+p.Title, "·  ·", "· ·")
			}
			if n := len(h.out.Sent()); n != 1 {
				t.Errorf("the restarted engine sent %d messages, want the reveal only (no vote control)", n)
			}
			mustContain(t, h.as("carol", false, "vote #2 1").Post.Text, "has no vote")

			answers, err := h.store.Answers(ctx, 2)
			if err != nil {
				t.Fatal(err)
			}
			if len(answers) != 2 {
				t.Fatalf("%d answers stored, want 2", len(answers))
			}
			for _, a := range answers {
				if !a.Graded || !a.Unjudged || a.Correct || a.Points != 0 {
					t.Errorf("%s's answer stored graded=%v unjudged=%v correct=%v points=%d, want graded, unjudged (correct NULL), 0 points",
						a.User.Name, a.Graded, a.Unjudged, a.Correct, a.Points)
				}
			}

			// Alice was right on day 1 and is not marked wrong for day 2; her streak is 2.
			me := h.as("alice", false, "me")
			// The grid: Monday right, Tuesday partial (answered, never judged), not wrong nor right.
			mustContain(t, me.Post.Text, "Points: 10\n", "Team questions: 2 answered, 1 of 1 right (100%)", "Streak 2", "\n16 Nov # +")
			if me.Post.Table != nil {
				for _, row := range me.Post.Table.Rows {
					if row[0] == tt.q.Topic {
						t.Errorf("/pyq me has a %s row (%v): the withdrawn answer counts in topic accuracy", tt.q.Topic, row)
					}
				}
			}
			board := h.as("someone", false, "leaderboard")
			if board.Post.Table == nil {
				t.Fatalf("leaderboard has no table: %q", board.Post.Text)
			}
			for _, row := range board.Post.Table.Rows {
				want := map[string]string{"alice": "1/1", "bob": "0/1"}[row[1]]
				if row[3] != want || row[4] != "2" {
					t.Errorf("leaderboard row %v: want correct %s and streak 2", row, want)
				}
			}
			if got := h.points("alice", ""); got != 10 {
				t.Errorf("alice has %d points, want 10 (day 1 only)", got)
			}
		})
	}
}
