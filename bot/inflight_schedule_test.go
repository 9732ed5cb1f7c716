package bot_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
)

// stalledSender is a platform whose post hangs until its context ends, as a Slack that stops
// answering does; it hands each post's context to the test.
type stalledSender struct {
	schedAdapter
	sending chan context.Context
}

func (a *stalledSender) Send(ctx context.Context, _ bot.Conversation, _ bot.Post) (bot.MessageRef, error) {
	a.sending <- ctx
	<-ctx.Done()
	return bot.MessageRef{}, context.Cause(ctx)
}

// A scheduled post going out when the stop comes keeps going (the stop no longer cuts it at the
// signal), is listed as a scheduled job in flight, and ends only when the shutdown abandons it.
func TestScheduledPostInFlightAtShutdown(t *testing.T) {
	t.Parallel()
	slotAt := time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC)
	clk := testkit.NewFakeClock(slotAt.Add(-time.Hour)) // the channel gets its schedule before the slot
	sleeper := &fakeSleeper{calls: make(chan sleepCall)}
	tr := bot.NewInflight(clk.Now)
	e, _ := schedEngine(t, clk, "", nil, bot.Config{DefaultSchedules: only(bot.JobQuestion, "0 9 * * *", ""), Sleeper: sleeper, Inflight: tr})
	a := &stalledSender{schedAdapter: schedAdapter{name: schedConv.Platform}, sending: make(chan context.Context, 1)}
	e.AddAdapter(a)
	if _, err := e.EnsureChannel(context.Background(), schedConv); err != nil {
		t.Fatal(err)
	}
	clk.Set(slotAt)
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	done := make(chan error, 1)
	go func() { done <- e.RunScheduler(ctx) }()
	sleeper.next(t).fire <- clk.Now()
	var sendCtx context.Context
	select {
	case sendCtx = <-a.sending:
	case <-time.After(20 * time.Second): // a failure guard only
		t.Fatal("the due slot was never posted")
	}

	stop() // SIGTERM
	if sendCtx.Err() != nil {
		t.Fatalf("the post was cut at the stop signal (%v); it should get the shutdown grace", context.Cause(sendCtx))
	}
	ops := tr.Running()
	if len(ops) != 1 || ops[0].Kind != bot.OpScheduled || ops[0].What != string(bot.JobQuestion) || ops[0].Conv != schedConv {
		t.Fatalf("in flight: %+v, want the question job in %v", ops, schedConv)
	}
	if abandoned := tr.Abandon(); len(abandoned) != 1 {
		t.Fatalf("Abandon returned %+v", abandoned)
	}
	<-sendCtx.Done()
	if !errors.Is(context.Cause(sendCtx), bot.ErrAbandoned) {
		t.Errorf("the post ended with %v, want ErrAbandoned", context.Cause(sendCtx))
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("RunScheduler = %v", err)
		}
	case <-time.After(20 * time.Second): // a failure guard only
		t.Fatal("the scheduler did not stop once its post was abandoned")
	}
	if !tr.Wait(context.Background()) {
		t.Error("still in flight after the scheduler stopped")
	}
}
