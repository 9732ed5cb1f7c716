package bot_test

import (
	"context"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
)

// A debugging challenge whose process died while sending it (it never reached the platform, and its
// slot is past grace when the bot is back) gets no hints: there is no thread to put them in, and a
// recorded hint's row would keep the unsent challenge from being discarded, failing every later
// `/pyq today`, scheduled question and reveal in the channel.
func TestAChallengeThatNeverReachedThePlatformGetsNoHints(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bot.db")
	slotAt := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC) // a Wednesday
	clk := testkit.NewFakeClock(slotAt.Add(-time.Hour))
	opts := schedOpts{path: path, schedules: []bot.Schedule{
		{Job: bot.JobDebug, Spec: "0 10 * * 3", Enabled: true, HintOffsets: []time.Duration{2 * time.Hour}},
	}}
	first := newSchedProc(t, clk, opts)
	first.adapter.crash = func(bot.Post, func()) { runtime.Goexit() } // killed inside the send
	done := make(chan struct{})
	go func() { defer close(done); first.engine.Tick(context.Background(), slotAt) }()
	<-done

	second := newSchedProc(t, clk, opts) // back at 13:30: the challenge's slot is past grace, its hint's is not
	if open, err := second.db.OpenPosts(context.Background(), second.ch.ID); err != nil || len(open) != 1 || !open[0].Ref.IsZero() {
		t.Fatalf("open posts %+v (%v), want the unsent challenge", open, err)
	}
	second.tickAt(t, slotAt.Add(3*time.Hour+30*time.Minute))
	if sent := second.adapter.sent(); len(sent) != 0 {
		t.Fatalf("sent %d messages, want none (the first: %q): a hint of a challenge nobody saw", len(sent), bot.PlainText(sent[0].post))
	}
	r := second.engine.Handle(context.Background(), bot.Event{Conv: schedConv, User: bot.User{ID: "lead", Name: "Lead"}, Admin: true, Text: "today"})
	if !r.Empty() || len(second.adapter.topLevel()) != 1 {
		t.Fatalf("/pyq today replied %q and posted %d, want a question posted", bot.PlainText(r.Post), len(second.adapter.topLevel()))
	}
}
