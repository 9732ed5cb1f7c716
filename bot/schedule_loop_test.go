package bot_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
)

// fakeSleeper hands every wait the run loop asks for to the test, which fires it when it likes.
type fakeSleeper struct{ calls chan sleepCall }

type sleepCall struct {
	d    time.Duration
	fire chan time.Time
}

func (s *fakeSleeper) After(d time.Duration) <-chan time.Time {
	c := sleepCall{d: d, fire: make(chan time.Time, 1)}
	s.calls <- c
	return c.fire
}

// next is the loop's next wait. The guard only turns a hang into a failure; nothing sleeps to
// synchronise: the loop hands the wait over a channel.
func (s *fakeSleeper) next(t *testing.T) sleepCall {
	t.Helper()
	select {
	case c := <-s.calls:
		return c
	case <-time.After(20 * time.Second):
		t.Fatal("the run loop did not wait again")
		return sleepCall{}
	}
}

// A schedule changed in chat wakes the loop, so the first slot after the change goes out on time
// instead of after the wait the loop had already started.
func TestScheduleChangeWakesTheRunLoop(t *testing.T) {
	t.Parallel()
	clk := testkit.NewFakeClock(time.Date(2026, 11, 16, 9, 0, 30, 0, time.UTC)) // Monday
	sleeper := &fakeSleeper{calls: make(chan sleepCall)}
	e, _ := schedEngine(t, clk, "", nil, bot.Config{DefaultSchedules: only(bot.JobQuestion, "0 12 * * *", ""), Sleeper: sleeper})
	a := &schedAdapter{name: schedConv.Platform, seq: new(atomic.Int64)}
	e.AddAdapter(a)
	if _, err := e.EnsureChannel(context.Background(), schedConv); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.RunScheduler(ctx) }()
	t.Cleanup(func() { cancel(); <-done })

	first := sleeper.next(t)
	first.fire <- clk.Now() // the first tick: nothing due before 12:00
	if w := sleeper.next(t); w.d != time.Minute {
		t.Fatalf("with the next slot at 12:00 the loop waits %v, want its 1m cap", w.d)
	}
	clk.Set(time.Date(2026, 11, 16, 9, 0, 40, 0, time.UTC))
	reply := e.Handle(context.Background(), bot.Event{Conv: schedConv, User: bot.User{ID: "lead"}, Admin: true,
		Text: `schedule set question "1 9 * * *"`})
	mustContain(t, reply.Post.Text, "question")
	w := sleeper.next(t)
	if w.d != 20*time.Second {
		t.Fatalf("after the change the loop waits %v, want 20s (until 09:01)", w.d)
	}
	clk.Set(time.Date(2026, 11, 16, 9, 1, 0, 0, time.UTC))
	w.fire <- clk.Now()
	sleeper.next(t) // the tick is over when the loop waits again
	if got := len(a.topLevel()); got != 1 {
		t.Fatalf("at 09:01 the scheduler posted %d questions, want 1", got)
	}
	if text := bot.PlainText(a.topLevel()[0].post); strings.Contains(text, "Posted late") {
		t.Errorf("the 09:01 question says it is late:\n%s", text)
	}
}

// slowAPI is a platform whose every post takes latency, as a real Web API does, and which allows
// limit posts in flight.
type slowAPI struct {
	latency  time.Duration
	limit    int
	mu       sync.Mutex
	posts    map[string]int // channel -> top-level posts
	inFlight atomic.Int64
	peak     atomic.Int64
	seq      atomic.Int64
}

func (a *slowAPI) Name() string                                 { return "slow" }
func (a *slowAPI) Run(ctx context.Context, _ bot.Handler) error { <-ctx.Done(); return nil }
func (a *slowAPI) MaxConcurrentPosts() int                      { return a.limit }

func (a *slowAPI) Send(_ context.Context, to bot.Conversation, p bot.Post) (bot.MessageRef, error) {
	n := a.inFlight.Add(1)
	defer a.inFlight.Add(-1)
	for {
		if old := a.peak.Load(); n <= old || a.peak.CompareAndSwap(old, n) {
			break
		}
	}
	time.Sleep(a.latency) // the injected network latency of the fake API, not synchronisation
	a.mu.Lock()
	if p.Thread == nil {
		a.posts[to.Channel]++
	}
	a.mu.Unlock()
	return bot.MessageRef{Channel: to.Channel, ID: fmt.Sprintf("m%d", a.seq.Add(1))}, nil
}

// fanOut posts one shared 09:00 slot in n channels through an API with the given latency and returns
// how long the tick took.
func fanOut(tb testing.TB, n int, latency time.Duration, limit int) (time.Duration, *slowAPI) {
	tb.Helper()
	ctx := context.Background()
	clk := testkit.NewFakeClock(time.Date(2026, 11, 16, 8, 59, 0, 0, time.UTC))
	e, _ := schedEngine(tb, clk, "", nil, bot.Config{DefaultSchedules: only(bot.JobQuestion, "0 9 * * *", "")})
	api := &slowAPI{latency: latency, limit: limit, posts: map[string]int{}}
	e.AddAdapter(api)
	for i := range n {
		if _, err := e.EnsureChannel(ctx, bot.Conversation{Platform: "slow", Workspace: "w", Channel: fmt.Sprintf("c%04d", i)}); err != nil {
			tb.Fatal(err)
		}
	}
	at := time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC)
	clk.Set(at)
	start := time.Now()
	if err := e.Tick(ctx, at); err != nil {
		tb.Fatal(err)
	}
	took := time.Since(start)
	if err := e.Tick(ctx, at.Add(time.Second)); err != nil { // a second tick finds every slot claimed
		tb.Fatal(err)
	}
	for i := range n {
		if got := api.posts[fmt.Sprintf("c%04d", i)]; got != 1 {
			tb.Fatalf("channel c%04d got %d questions, want exactly 1", i, got)
		}
	}
	if p := api.peak.Load(); p > int64(limit) {
		tb.Fatalf("%d posts were in flight at once, above the platform's bound of %d", p, limit)
	}
	return took, api
}

// Slots shared by many channels go out concurrently, bounded per platform, each exactly once. One
// after another, 200 channels at 150 ms each would take 30 s.
func TestSharedSlotFansOutAcrossChannels(t *testing.T) {
	t.Parallel()
	n := 200
	if raceDetector {
		n = 60 // the same fan-out, at a size the slowed driver runs in seconds
	}
	took, api := fanOut(t, n, 150*time.Millisecond, 50)
	t.Logf("%d channels at 150 ms: posted in %v, peak %d in flight", n, took, api.peak.Load())
	if !raceDetector && took > 10*time.Second {
		t.Errorf("200 channels took %v; sequential posting takes 30 s, bounded fan-out about 1 s", took)
	}
	if api.peak.Load() < 10 {
		t.Errorf("peak concurrency %d: the channels were not posted concurrently", api.peak.Load())
	}
}

// BenchmarkSchedulerFanOut1000 is the figure: 1,000 Slack channels at 150 ms latency sharing
// 09:00 (go test -run XXX -bench FanOut -benchtime 1x ./bot).
func BenchmarkSchedulerFanOut1000(b *testing.B) {
	for range b.N {
		took, _ := fanOut(b, 1000, 150*time.Millisecond, 50)
		b.ReportMetric(took.Seconds(), "s/slot")
	}
}
