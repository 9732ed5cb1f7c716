package scheduler

import (
	"context"
	"testing"
	"time"
)

// A job's context ends at half the lease, so an attempt is over before another may take its slot
// over: the takeover never runs beside it (and FinishSlot refuses a late finish all the same).
func TestAJobEndsBeforeItsLease(t *testing.T) {
	t.Parallel()
	g := &game{plan: Plan[string]{Timed: []Timed[string]{timed(time.UTC, 9, 0, time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC))}}}
	s := New(Config{Store: newMemStore(), Lease: 10 * time.Minute}, g)
	if err := s.Tick(context.Background(), time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.deadlines) != 1 || g.deadlines[0] < 0 || g.deadlines[0] > 5*time.Minute || g.deadlines[0] < 4*time.Minute {
		t.Fatalf("the job's context had %v left, want a deadline of 5m (half the 10m lease)", g.deadlines)
	}
}

// stallingGame's jobs of one kind hang until their context ends, as a send to a stalled connection.
type stallingGame struct {
	*game
	stall Job
}

func (g stallingGame) Run(ctx context.Context, d Due[string], c Claim) (State, string, error) {
	if d.Key.Job == g.stall {
		<-ctx.Done()
		return "", "", ctx.Err()
	}
	return g.game.Run(ctx, d, c)
}

// The claim is stamped with the tick's time, so half the lease counts from the tick, not from each
// job's start: a slot queued behind a job that stalled until its cut-off is not claimed in that
// tick (another process could take it over while it ran), and the next tick runs it.
func TestASlotWhoseTurnComesAfterHalfTheLeaseWaitsForTheNextTick(t *testing.T) {
	t.Parallel()
	const lease = 100 * time.Millisecond // the stalled job is cut off after 50 ms of real time
	since := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	reveal := timed(time.UTC, 9, 1, since)
	reveal.Job = "reveal"
	g := &game{plan: Plan[string]{Timed: []Timed[string]{timed(time.UTC, 9, 0, since), reveal}}} // one channel: in turn
	store := newMemStore()
	s := New(Config{Store: store, Lease: lease}, stallingGame{game: g, stall: "question"})
	at := time.Date(2026, 5, 4, 9, 5, 0, 0, time.UTC)
	if err := s.Tick(context.Background(), at); err == nil {
		t.Fatal("the stalled job was not cut off")
	}
	states := store.states()
	if states["question 2026-05-04T09:00 UTC"] != Failed || states["reveal 2026-05-04T09:01 UTC"] != "" {
		t.Fatalf("after the first tick the claims are %v, want the question failed (cut off) and the reveal not claimed", states)
	}
	if err := s.Tick(context.Background(), at.Add(time.Second)); err == nil {
		t.Fatal("the stalled question, retried, was not cut off")
	}
	if got := store.states()["reveal 2026-05-04T09:01 UTC"]; got != "" {
		t.Fatalf("the reveal is %q behind the stalled question again, want it left to a later tick", got)
	}
	s2 := New(Config{Store: store, Lease: lease}, g) // the platform is back
	if err := s2.Tick(context.Background(), at.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if got := store.states(); got["reveal 2026-05-04T09:01 UTC"] != Posted || got["question 2026-05-04T09:00 UTC"] != Posted {
		t.Fatalf("after the platform came back the claims are %v, want both posted", got)
	}
}
