package bot

import (
	"context"
	"time"
)

// NextRun is when the engine next has something scheduled after now: the earliest slot of any
// enabled job, any pending hint, or a reminder due later today. ok is false when nothing is scheduled.
func (e *Engine) NextRun(ctx context.Context, now time.Time) (time.Time, bool, error) {
	if !e.Scheduling() {
		return time.Time{}, false, nil
	}
	st := e.sched.store
	active, schedules, err := e.timetables(ctx)
	if err != nil {
		return time.Time{}, false, err
	}
	var best time.Time
	consider := func(t time.Time) {
		if best.IsZero() || t.Before(best) {
			best = t
		}
	}
	for _, a := range active {
		if sl, ok := nextSlot(a.tt, a.loc, a.zone, now); ok {
			consider(sl.At)
		}
	}
	challenges, err := st.OpenChallenges(ctx)
	if err != nil {
		return time.Time{}, false, err
	}
	for _, c := range challenges {
		for _, s := range schedules {
			if s.ChannelID == c.Channel.ID && s.Job == JobDebug {
				for _, off := range s.HintOffsets {
					if at := c.Post.PostedAt.Add(off); at.After(now) {
						consider(at)
					}
				}
			}
		}
	}
	// A reminder due before the next slot: the loop wakes for it rather than up to maxWait late.
	if _, at, err := e.dueReminders(ctx, now); err != nil {
		return time.Time{}, false, err
	} else if !at.IsZero() {
		consider(at)
	}
	return best, !best.IsZero(), nil
}

// RunScheduler runs due slots until ctx ends: it ticks, then sleeps until the next slot is due (at
// most a minute, see maxWait, so another process's changes are noticed), or until a schedule command
// in this process wakes it (see WakeScheduler). Call it in its own goroutine after adding the adapters.
func (e *Engine) RunScheduler(ctx context.Context) error {
	if !e.Scheduling() {
		return nil
	}
	e.log.Info("scheduler running", "owner", e.sched.owner, "grace", e.sched.grace, "lease", e.sched.lease)
	select {
	case <-e.sched.wake: // changes made before the loop started: its first tick sees them anyway
	default:
	}
	wait := time.Duration(0)
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-e.sched.sleep.After(wait):
		case <-e.sched.wake:
			// A schedule changed: ticking is harmless (claims make it idempotent), and the next
			// wake below may now be sooner.
		}
		// A tick that is posting when the stop comes finishes within the shutdown's grace.
		tickCtx, endTick := e.inflight.Outlive(ctx)
		err := e.Tick(tickCtx, e.now())
		endTick()
		if err != nil && ctx.Err() == nil {
			e.log.Error("scheduler tick had errors", "err", err)
		}
		if ctx.Err() != nil {
			return nil
		}
		wait = maxWait
		now := e.now()
		if next, ok, err := e.NextRun(ctx, now); err != nil && ctx.Err() == nil {
			e.log.Error("computing the next scheduled run failed", "err", err)
		} else if ok {
			wait = min(max(next.Sub(now), 0), maxWait)
		}
	}
}

// WakeScheduler tells this process's run loop that a schedule changed, so the first slot after the
// change is posted on time rather than after the loop's previous wait. It never blocks.
func (e *Engine) WakeScheduler() {
	select {
	case e.sched.wake <- struct{}{}:
	default: // a wake is already pending
	}
}

// Sleeper is what the run loop waits on between ticks; tests pass a fake clock's.
type Sleeper interface {
	After(d time.Duration) <-chan time.Time
}

type realSleeper struct{}

func (realSleeper) After(d time.Duration) <-chan time.Time { return time.After(d) }
