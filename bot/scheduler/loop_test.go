package scheduler

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// slowGame's runs take a second of its clock, as a post's round trips do.
type slowGame struct {
	game
	mu    sync.Mutex
	clock time.Time
}

func (g *slowGame) now() time.Time { g.mu.Lock(); defer g.mu.Unlock(); return g.clock }

func (g *slowGame) Run(ctx context.Context, d Due[string], c Claim) (State, string, error) {
	g.mu.Lock()
	g.clock = g.clock.Add(time.Second)
	g.mu.Unlock()
	return g.game.Run(ctx, d, c)
}

// A slot that falls due while a tick runs is run at once after it. The loop looked for the next
// slot after the time the tick ended, so one due during the tick (a hint due at 12:00:00.35, two
// hours after a challenge posted at 10:00:00.35, while the 12:00 tick posted elsewhere) was passed
// over and waited up to a minute, for the next wake: a minute late, it even said the bot was down.
func TestASlotDueDuringATickRunsRightAfterIt(t *testing.T) {
	tick := time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC)
	g := &slowGame{clock: tick}
	g.plan = Plan[string]{
		Timed: []Timed[string]{timed(time.UTC, 12, 0, tick.Add(-time.Hour))},
		Once:  []Once[string]{{Key: Key{ChannelID: 2, Job: "hint", Slot: "post 7 hint 1"}, At: tick.Add(350 * time.Millisecond)}},
	}
	sl := fakeSleeper{waits: make(chan time.Duration, 10)}
	s := New(Config{Store: newMemStore(), Sleeper: sl, Now: g.now}, g)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- s.Run(ctx) }()
	<-sl.waits // the first wait (0): the 12:00 tick follows, and takes a second
	if d := <-sl.waits; d != 0 {
		cancel()
		<-done
		t.Fatalf("after the tick the loop waits %s with the hint due 0.65 s ago, want 0", d)
	}
	<-sl.waits // after the tick that ran the hint
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := g.keys(); len(got) != 2 || got[1] != "hint post 7 hint 1 late=false" {
		t.Fatalf("ran %v, want the 12:00 slot, then the hint on time", got)
	}
}

// wakeFailingGame cannot say when its own timed work is next due.
type wakeFailingGame struct{ game }

func (g *wakeFailingGame) NextWake(context.Context, time.Time) (time.Time, error) {
	return time.Time{}, errors.New("reminder subscribers: database is locked")
}

// When the game's own next wake cannot be read (a reminder subscriber's state, say), the loop still
// wakes for the next slot, which it knows: it slept a whole minute instead, and a slot 30 s away
// went out up to a minute late, every tick the read failed.
func TestTheLoopWakesForTheNextSlotWhenTheGamesWakeCannotBeRead(t *testing.T) {
	now := time.Date(2026, 5, 4, 8, 59, 30, 0, time.UTC)
	g := &wakeFailingGame{game{plan: Plan[string]{Timed: []Timed[string]{timed(time.UTC, 9, 0, now.Add(-time.Hour))}}}}
	sl := fakeSleeper{waits: make(chan time.Duration, 10)}
	s := New(Config{Store: newMemStore(), Sleeper: sl, Now: func() time.Time { return now }}, g)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- s.Run(ctx) }()
	<-sl.waits // the first wait (0) before the first tick
	d := <-sl.waits
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if d != 30*time.Second {
		t.Fatalf("the loop waits %s for a slot 30 s away, want 30s", d)
	}
}
