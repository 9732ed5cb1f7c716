package bot_test

import (
	"context"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
)

// A process killed while sending the 09:00 question (the platform never got it) and started again
// after the grace window leaves the question's row open with no message: the slot is not retried,
// too late. Nobody saw that question, so the 17:00 reveal must not reveal it. It did, as a
// top-level message (there was no thread to put it in): the answer to a question never asked.
func TestAQuestionThatNeverReachedThePlatformIsNotRevealed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bot.db")
	slotAt := time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)
	clk := testkit.NewFakeClock(slotAt.Add(-time.Hour))
	seq := new(atomic.Int64)
	opts := schedOpts{path: path, seq: seq, schedules: []bot.Schedule{
		{Job: bot.JobQuestion, Spec: "0 9 * * *", Enabled: true},
		{Job: bot.JobReveal, Spec: "0 17 * * *", Enabled: true},
	}}
	first := newSchedProc(t, clk, opts)
	first.adapter.crash = func(bot.Post, func()) { runtime.Goexit() } // killed inside the send
	done := make(chan struct{})
	go func() { defer close(done); first.engine.Tick(context.Background(), slotAt) }()
	<-done
	if n := len(first.adapter.sent()); n != 0 {
		t.Fatalf("the killed process delivered %d posts, want 0", n)
	}

	second := newSchedProc(t, clk, opts) // back at 13:00, four hours later: past the grace window
	second.tickAt(t, slotAt.Add(4*time.Hour))
	r := second.engine.Handle(context.Background(), bot.Event{Conv: schedConv, User: bot.User{ID: "u1", Name: "Ann"}, Text: "today"})
	if !r.Empty() || len(second.adapter.topLevel()) != 1 {
		t.Fatalf("/pyq today replied %q and posted %d, want today's question posted (none is open that anyone saw)",
			bot.PlainText(r.Post), len(second.adapter.topLevel()))
	}
	second.tickAt(t, time.Date(2026, 3, 4, 17, 0, 0, 0, time.UTC))
	got := second.adapter.sent()
	if len(got) != 2 || got[1].post.Thread == nil {
		t.Fatalf("sent %d messages, want /pyq today's question and its reveal in its thread; the last: %q",
			len(got), bot.PlainText(got[len(got)-1].post))
	}
}
