package bot_test

import (
	"context"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
)

// A bare `/pyq report` is about the channel's latest post, which can be a question whose process
// died while sending it (no message reference): the report's row then points at it. Discarding that
// question (sentOpenPosts) failed on the report's foreign key, for good: every later `/pyq today`,
// scheduled question and reveal in the channel failed.
func TestAnUnsentQuestionWithAReportIsDiscardedAndTheChannelGoesOn(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bot.db")
	slotAt := time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)
	clk := testkit.NewFakeClock(slotAt.Add(-time.Hour))
	opts := schedOpts{path: path, schedules: []bot.Schedule{{Job: bot.JobQuestion, Spec: "0 9 * * *", Enabled: true}}}
	first := newSchedProc(t, clk, opts)
	first.adapter.crash = func(bot.Post, func()) { runtime.Goexit() } // killed inside the send
	done := make(chan struct{})
	go func() { defer close(done); first.engine.Tick(context.Background(), slotAt) }()
	<-done

	second := newSchedProc(t, clk, opts) // back at 13:00, past the grace window
	second.tickAt(t, slotAt.Add(4*time.Hour))
	if got := second.say("ann", false, "report the answer should be B"); !strings.Contains(got, "#1") {
		t.Fatalf("/pyq report replied %q", got)
	}
	r := second.engine.Handle(context.Background(), bot.Event{Conv: schedConv, User: bot.User{ID: "lead", Name: "Lead"}, Admin: true, Text: "today"})
	if !r.Empty() || len(second.adapter.topLevel()) != 1 {
		t.Fatalf("/pyq today replied %q and posted %d, want today's question posted", bot.PlainText(r.Post), len(second.adapter.topLevel()))
	}
}
