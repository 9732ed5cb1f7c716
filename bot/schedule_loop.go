package bot

import (
	"context"
	"time"

	"github.com/pyqbot/pyqbot/bot/scheduler"
)

// Sleeper is what the scheduler's run loop waits on between ticks; tests pass a fake clock's.
type Sleeper = scheduler.Sleeper

// Tick runs every slot due in (now-Grace, now] that nobody has claimed yet, records older missed
// slots as skipped, then closes due votes and sends due reminders (see scheduler.Scheduler.Tick).
// The run loop calls it; tests call it with a fake clock.
func (e *Engine) Tick(ctx context.Context, now time.Time) error {
	if !e.Scheduling() {
		return nil
	}
	return e.sched.run.Tick(ctx, now)
}

// NextRun is when the engine next has something scheduled after now: the earliest slot of any
// enabled job, any pending hint, or a reminder due later today. ok is false when nothing is scheduled.
func (e *Engine) NextRun(ctx context.Context, now time.Time) (time.Time, bool, error) {
	if !e.Scheduling() {
		return time.Time{}, false, nil
	}
	return e.sched.run.NextRun(ctx, now)
}

// RunScheduler runs due slots until ctx ends (see scheduler.Scheduler.Run). Call it in its own
// goroutine after adding the adapters.
func (e *Engine) RunScheduler(ctx context.Context) error {
	if !e.Scheduling() {
		return nil
	}
	return e.sched.run.Run(ctx)
}

// WakeScheduler tells this process's run loop that a schedule changed, so the first slot after the
// change is posted on time rather than after the loop's previous wait. It never blocks.
func (e *Engine) WakeScheduler() { e.sched.run.Wake() }
