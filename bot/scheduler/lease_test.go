package scheduler

import (
	"context"
	"sync"
	"testing"
	"time"
)

// gateGame holds each run until the test lets it go, saying which channel started.
type gateGame struct {
	game
	started chan int64
	release chan struct{}
}

func (g *gateGame) Run(ctx context.Context, d Due[string], c Claim) (State, string, error) {
	g.started <- d.Key.ChannelID
	<-g.release
	return g.game.Run(ctx, d, c)
}

// A slot's lease starts when it is claimed, not when its tick began. Channels wait for the group's
// bound, so a tick whose first channel took ten minutes claims the next one ten minutes after the
// tick's time. That claim was stamped with the tick's time, so it looked expired the moment it was
// made, and another replica's tick took the slot over while its first attempt had only just begun:
// the channel got the post twice.
func TestALeaseStartsWhenTheSlotIsClaimedNotWhenTheTickBegan(t *testing.T) {
	var mu sync.Mutex
	clock := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	since := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	var plan Plan[string]
	for ch := range int64(2) {
		j := timed(time.UTC, 9, 0, since)
		j.Channel = ch + 1
		plan.Timed = append(plan.Timed, j)
	}
	store := newMemStore()
	slow := &gateGame{game: game{plan: plan}, started: make(chan int64), release: make(chan struct{})}
	a := New(Config{Store: store, Now: now, Owner: "a", Lease: 10 * time.Minute, Bound: func(string) int { return 1 }}, slow)
	other := &game{plan: plan}
	b := New(Config{Store: store, Now: now, Owner: "b", Lease: 10 * time.Minute}, other)

	done := make(chan error)
	go func() { done <- a.Tick(context.Background(), now()) }()
	<-slow.started // the first channel's send hangs for ten minutes
	mu.Lock()
	clock = clock.Add(10 * time.Minute)
	mu.Unlock()
	slow.release <- struct{}{}
	second := <-slow.started // claimed just now, at 09:10, and running
	if err := b.Tick(context.Background(), now()); err != nil {
		t.Fatal(err)
	}
	slow.release <- struct{}{}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for _, d := range other.ran {
		if d.Key.ChannelID == second {
			t.Fatalf("the other replica took over channel %d's slot, claimed by the first one at %s, at once: it ran %v",
				second, now().Format("15:04"), other.keys())
		}
	}
}

// slowBeforeGame's BeforeSlots (closing the due votes) takes ten minutes of the clock.
type slowBeforeGame struct {
	gateGame
	advance func()
}

func (g *slowBeforeGame) BeforeSlots(context.Context, time.Time) error { g.advance(); return nil }

// The work a tick does before its slots (closing due votes, in every channel) counts too: a slot
// claimed after it was claimed with a lease that elapsed time had already spent, and another
// replica's tick took the slot over while its first attempt had just begun.
func TestALeaseStartsWhenTheSlotIsClaimedAfterSlowWorkBeforeTheSlots(t *testing.T) {
	var mu sync.Mutex
	clock := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	plan := Plan[string]{Timed: []Timed[string]{timed(time.UTC, 9, 0, time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC))}}
	store := newMemStore()
	slow := &slowBeforeGame{gateGame: gateGame{game: game{plan: plan}, started: make(chan int64), release: make(chan struct{})},
		advance: func() { mu.Lock(); clock = clock.Add(10 * time.Minute); mu.Unlock() }}
	a := New(Config{Store: store, Now: now, Owner: "a", Lease: 10 * time.Minute}, slow)
	other := &game{plan: plan}
	b := New(Config{Store: store, Now: now, Owner: "b", Lease: 10 * time.Minute}, other)

	done := make(chan error)
	go func() { done <- a.Tick(context.Background(), now()) }()
	<-slow.started // claimed at 09:10, after the ten minutes before the slots, and running
	if err := b.Tick(context.Background(), now()); err != nil {
		t.Fatal(err)
	}
	slow.release <- struct{}{}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if len(other.ran) != 0 {
		t.Fatalf("the other replica took over the slot claimed at %s at once: it ran %v", now().Format("15:04"), other.keys())
	}
}
