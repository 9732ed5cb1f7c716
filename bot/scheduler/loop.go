package scheduler

import (
	"context"
	"time"
)

// NextRun is when something is next scheduled after now: the earliest slot of any timetabled job,
// any pending one-off, or the game's own next wake. ok is false when nothing is scheduled. When the
// game's wake cannot be read, its error comes with the slots' next run, which is still good: the
// loop wakes for it rather than a minute later.
func (s *Scheduler[T]) NextRun(ctx context.Context, now time.Time) (time.Time, bool, error) {
	plan, err := s.game.Plan(ctx, now)
	if err != nil {
		return time.Time{}, false, err
	}
	best, ok := next(plan, now)
	// The game's work due before the next slot: the loop wakes for it rather than up to maxWait late.
	at, err := s.game.NextWake(ctx, now)
	if !at.IsZero() && (!ok || at.Before(best)) {
		best, ok = at, true
	}
	return best, ok, err
}

// Run runs due slots until ctx ends: it ticks, then sleeps until the next slot is due (at most a
// minute, see maxWait, so another process's changes are noticed), or until Wake is called. Call it in
// its own goroutine.
func (s *Scheduler[T]) Run(ctx context.Context) error {
	s.log.Info("scheduler running", "owner", s.owner, "grace", s.grace, "lease", s.lease)
	select {
	case <-s.wake: // changes made before the loop started: its first tick sees them anyway
	default:
	}
	wait := time.Duration(0)
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-s.sleep.After(wait):
		case <-s.wake:
			// A schedule changed: ticking is harmless (claims make it idempotent), and the next
			// wake below may now be sooner.
		}
		// A tick that is running when the stop comes finishes within the shutdown's grace.
		tickCtx, endTick := s.outlive(ctx)
		ticked := s.now()
		_, err := s.tick(tickCtx, ticked) // the slots' failures are logged where they failed
		endTick()
		if err != nil && ctx.Err() == nil {
			s.log.Error("scheduler tick failed; the next tick tries again", "err", err)
		}
		if ctx.Err() != nil {
			return nil
		}
		// The next slot after the time this tick ran for, not after it ended: one that fell due
		// while the tick ran (a hint due a second into a busy tick) is run at once (wait 0).
		wait = maxWait
		now := s.now()
		next, ok, err := s.NextRun(ctx, ticked)
		if err != nil && ctx.Err() == nil {
			s.log.Error("computing the next scheduled run failed; the loop wakes within a minute", "err", err)
		}
		if ok {
			wait = min(max(next.Sub(now), 0), maxWait)
		}
	}
}

// Wake tells the run loop that a schedule changed, so the first slot after the change runs on time
// rather than after the loop's previous wait. It never blocks.
func (s *Scheduler[T]) Wake() {
	select {
	case s.wake <- struct{}{}:
	default: // a wake is already pending
	}
}
