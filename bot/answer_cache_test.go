package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
)

// The answer cache (answer_cache.go) never shows a change made in this process late: a schedule
// change or a filter change between two answers within the same second is in the second reply.
func TestAnswerReplyShowsThisProcessesChangesAtOnce(t *testing.T) {
	t.Parallel()
	h := newKitHarness(t, testkit.Options{Questions: testQuestions()[:1],
		Schedules: []bot.Schedule{{Job: bot.JobReveal, Spec: "0 17 * * 1-5", Enabled: true}}})
	h.settled("lead", "today")
	if got := h.settled("ann", "answer #1 C"); !strings.Contains(got, "revealed Mon 17:00 UTC") {
		t.Fatalf("first answer: %q, want the 17:00 reveal", got)
	}
	if r := h.as("lead", true, "schedule set reveal 0 18 * * 1-5"); !strings.Contains(bot.PlainText(r.Post), "now runs") {
		t.Fatalf("schedule set: %q", bot.PlainText(r.Post))
	}
	if got := h.settled("bob", "answer #1 B"); !strings.Contains(got, "revealed Mon 18:00 UTC") {
		t.Errorf("answer right after the change: %q, want the new 18:00 reveal", got)
	}
	if r := h.as("lead", true, "schedule zone Europe/Berlin"); !strings.Contains(bot.PlainText(r.Post), "Europe/Berlin") {
		t.Fatalf("schedule zone: %q", bot.PlainText(r.Post))
	}
	if got := h.settled("cy", "answer #1 A"); !strings.Contains(got, "CET") {
		t.Errorf("answer right after the zone change: %q, want the time in Europe/Berlin (CET)", got)
	}
}

// A change made by another replica shows in this replica's replies within a second (the cache's
// lifetime), and a question another replica revealed is refused at once (the commit checks it).
func TestAnswerReplyShowsAnotherReplicasChangeWithinASecond(t *testing.T) {
	t.Parallel()
	engines, _, _, clock := replicasWith(t, 2, []bot.Schedule{{Job: bot.JobReveal, Spec: "0 17 * * 1-5", Enabled: true}})
	a, b := engines[0], engines[1]
	say := func(e *bot.Engine, user, text string, admin bool) string {
		return bot.PlainText(e.Handle(context.Background(), bot.Event{Conv: testConv, User: bot.User{ID: user, Name: user}, Admin: admin, Text: text}).Post)
	}
	say(a, "lead", "today", true)
	if got := say(a, "ann", "answer #1 C", false); !strings.Contains(got, "revealed Mon 17:00 UTC") {
		t.Fatalf("first answer: %q", got)
	}
	say(b, "lead", "schedule set reveal 0 18 * * 1-5", true)
	clock.Advance(time.Second)
	if got := say(a, "bob", "answer #1 B", false); !strings.Contains(got, "revealed Mon 18:00 UTC") {
		t.Errorf("answer a second after the other replica's change: %q, want 18:00", got)
	}
	say(b, "lead", "reveal", true)
	if got := say(a, "cy", "answer #1 A", false); !strings.Contains(got, "is closed") {
		t.Errorf("answer right after the other replica's reveal: %q, want it refused as closed", got)
	}
	for _, e := range engines {
		e.WaitIdle()
	}
}
