package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"
)

const (
	// DefaultGrace is how late a missed slot may still run.
	DefaultGrace = 3 * time.Hour
	// DefaultLease is how long a claim may stay unfinished before another process takes it over.
	DefaultLease = 10 * time.Minute
	// DefaultBound is how many channels of a group run at once when Config.Bound does not say.
	DefaultBound = 8
	// maxAttempts bounds retries of a slot whose claimer died or whose job failed.
	maxAttempts = 3
	// lateAfter is how late a slot must run before it counts as late: timers fire a little after it.
	lateAfter = time.Minute
	// missedLookback is how far back missed slots are recorded as skipped after a long outage.
	missedLookback = 7 * 24 * time.Hour
	// maxWait caps the run loop's sleep, so schedules changed by another process, new channels and
	// wall-clock jumps (a suspended laptop) are noticed within a minute.
	maxWait = time.Minute
)

// Config sets a scheduler up. Store is required.
type Config struct {
	Store   Store
	Metrics Metrics      // default: counts nothing
	Logger  *slog.Logger // default: discards
	Sleeper Sleeper      // default: real timers
	Now     func() time.Time
	Grace   time.Duration // default DefaultGrace
	Lease   time.Duration // default DefaultLease
	Owner   string        // names this process in claims; default host-pid-salt
	Salt    uint64        // makes the default Owner unique among processes on one host
	// Bound is how many channels of a group may run their slots at once; 0 means DefaultBound.
	Bound func(group string) int
	// Outlive gives a tick in progress when the loop's context ends a context that outlives it
	// for a while (the shutdown's grace); default: the tick ends with the loop.
	Outlive func(ctx context.Context) (context.Context, func())
}

// Scheduler runs a Game's slots. It is safe for concurrent use.
type Scheduler[T any] struct {
	game    Game[T]
	store   Store
	metrics Metrics
	log     *slog.Logger
	sleep   Sleeper
	now     func() time.Time
	grace   time.Duration
	lease   time.Duration
	owner   string
	bound   func(string) int
	outlive func(context.Context) (context.Context, func())
	wake    chan struct{} // a schedule changed here: recompute the next wake now

	mu   sync.Mutex
	sems map[string]chan struct{} // per group
}

// New returns a scheduler for g. It starts nothing: call Run, or Tick from a test.
func New[T any](cfg Config, g Game[T]) *Scheduler[T] {
	s := &Scheduler[T]{game: g, store: cfg.Store, metrics: cfg.Metrics, log: cfg.Logger, sleep: cfg.Sleeper,
		now: cfg.Now, grace: cfg.Grace, lease: cfg.Lease, owner: cfg.Owner, bound: cfg.Bound, outlive: cfg.Outlive,
		wake: make(chan struct{}, 1), sems: map[string]chan struct{}{}}
	if s.metrics == nil {
		s.metrics = noMetrics{}
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.sleep == nil {
		s.sleep = realSleeper{}
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.grace <= 0 {
		s.grace = DefaultGrace
	}
	if s.lease <= 0 {
		s.lease = DefaultLease
	}
	if s.owner == "" {
		host, _ := os.Hostname()
		s.owner = fmt.Sprintf("%s-%d-%04x", host, os.Getpid(), cfg.Salt&0xffff)
	}
	if s.bound == nil {
		s.bound = func(string) int { return 0 }
	}
	if s.outlive == nil {
		s.outlive = func(ctx context.Context) (context.Context, func()) { return ctx, func() {} }
	}
	return s
}

// Grace is how late a missed slot may still run; older ones are skipped.
func (s *Scheduler[T]) Grace() time.Duration { return s.grace }

// Lease is how long a claim may stay unfinished before another process takes it over.
func (s *Scheduler[T]) Lease() time.Duration { return s.lease }

// Owner names this process in claims.
func (s *Scheduler[T]) Owner() string { return s.owner }

// Tick runs the game's BeforeSlots, then every slot due in (now-Grace, now] that nobody has claimed
// yet and records older missed slots as skipped, then the game's AfterSlots. The run loop calls
// it; tests call it with a fake clock. A failing slot is logged where it fails and does not stop
// the others; the error returned joins every failure.
//
// Channels run concurrently (200 channels sharing 09:00 must not wait for each other's round trips),
// at most Bound(group) of them per group at once; within a channel the slots run one after another in
// the order they fell due, so a question still comes before its reveal. Every slot is claimed in the
// store before it runs.
func (s *Scheduler[T]) Tick(ctx context.Context, now time.Time) error {
	slotErrs, err := s.tick(ctx, now)
	return errors.Join(slotErrs, err)
}

// tick is Tick with the slots' failures, already logged, apart from the rest.
func (s *Scheduler[T]) tick(ctx context.Context, now time.Time) (slotErrs, err error) {
	// A claim's lease runs from when it is made: a channel that waited for its group's bound, or
	// for its earlier slots, or for the work before the slots (reading the plan, closing the due
	// votes), is claimed that much after the tick's time, and a claim stamped with the tick's time
	// would already look expired to another process's tick.
	start := s.now()
	claimAt := func() time.Time { return now.Add(max(s.now().Sub(start), 0)) }
	plan, err := s.game.Plan(ctx, now)
	if err != nil {
		return nil, err
	}
	work, err := s.dueSlots(ctx, plan, now)
	if err != nil {
		return nil, err
	}
	before := s.game.BeforeSlots(ctx, now)
	var (
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
	)
	for _, run := range byChannel(work) {
		sem := s.Limit(run[0].Group)
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			defer func() { <-sem }()
			for _, d := range run {
				if ctx.Err() != nil {
					return
				}
				if err := s.runSlot(ctx, d, claimAt); err != nil {
					mu.Lock()
					errs = append(errs, fmt.Errorf("%s: %w", d.Key, err))
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...), errors.Join(before, s.game.AfterSlots(ctx, now))
}

// byChannel splits work, already in due order, into one run per channel, keeping that order.
func byChannel[T any](work []Due[T]) [][]Due[T] {
	index := map[int64]int{}
	var runs [][]Due[T]
	for _, d := range work {
		i, ok := index[d.Key.ChannelID]
		if !ok {
			i = len(runs)
			index[d.Key.ChannelID] = i
			runs = append(runs, nil)
		}
		runs[i] = append(runs[i], d)
	}
	return runs
}

// Limit is the group's semaphore for channels running at once: send to take a place, receive to
// give it back. The game's own timed work (AfterSlots) shares it, so a platform has one bound.
func (s *Scheduler[T]) Limit(group string) chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sem, ok := s.sems[group]; ok {
		return sem
	}
	n := s.bound(group)
	if n <= 0 {
		n = DefaultBound
	}
	sem := make(chan struct{}, n)
	s.sems[group] = sem
	return sem
}

// runSlot claims a slot and runs its job. Not owning the claim is not an error: another process, or
// an earlier tick, has it. A failure is logged here, once.
//
// A job is not cut off at its lease: a cancelled context after a send that reached the platform
// would lose what the job records next (a hint's record, a reveal's vote control, a thread), and a
// reveal cut off before its send would be lost, its question already closed. A job that outlives its
// lease can be taken over beside it; FinishSlot keeps the takeover's outcome.
func (s *Scheduler[T]) runSlot(ctx context.Context, d Due[T], claimAt func() time.Time) (err error) {
	ctx, done := s.game.Track(ctx, d)
	defer done()
	ok, claim, err := s.store.ClaimSlot(ctx, d.Key, d.At, s.owner, claimAt(), s.lease, maxAttempts)
	if err != nil {
		if ctx.Err() == nil { // cut off by the shutdown: its summary reports the slot, not as an error here
			s.log.Error("claiming a scheduled slot failed; the next tick tries again", d.attrs("err", err)...)
		}
		return err
	}
	if !ok {
		return nil
	}
	s.metrics.SlotClaimed(d.Key.Job)
	if claim.Attempts > 1 {
		s.log.Warn("taking over a slot whose earlier attempt did not finish", d.attrs("attempt", claim.Attempts, "post", claim.PostID)...)
	}
	defer func() {
		// A job must not take the run loop down; the claim is marked failed and retried after the lease.
		if r := recover(); r != nil {
			err = fmt.Errorf("job panicked: %v", r)
			s.log.Error("scheduled job panicked; it is retried after the lease while within the grace window", d.attrs("err", err)...)
			if ferr := s.store.FinishSlot(context.WithoutCancel(ctx), claim, Failed, err.Error()); errors.Is(ferr, ErrTakenOver) {
				s.log.Warn("a scheduled job panicked after its slot was taken over; the other attempt's outcome stands", d.attrs("lease", s.lease)...)
			} else if ferr != nil {
				s.log.Error("recording failed slot failed", d.attrs("err", ferr)...)
			}
		}
	}()
	state, result, err := s.game.Run(ctx, d, claim)
	if err != nil {
		if ctx.Err() == nil { // as above: a slot the shutdown abandoned is reported by the shutdown
			s.log.Error("scheduled job failed; it is retried after the lease while within the grace window", d.attrs("err", err)...)
		}
		state, result = Failed, err.Error()
	}
	if ferr := s.store.FinishSlot(context.WithoutCancel(ctx), claim, state, result); errors.Is(ferr, ErrTakenOver) {
		// This attempt ran past its lease and another took the slot over: the slot's outcome is
		// that attempt's; this one's is only logged.
		s.log.Warn("a scheduled job finished after its slot was taken over; the other attempt's outcome stands",
			d.attrs("state", state, "result", result, "lease", s.lease)...)
		return err
	} else if ferr != nil {
		s.log.Error("recording the outcome of a scheduled slot failed", d.attrs("state", state, "err", ferr)...)
		return errors.Join(err, ferr)
	}
	switch {
	case state == Posted && d.Late:
		s.metrics.SlotLate(d.Key.Job)
	case state == Skipped:
		s.metrics.SlotSkipped(d.Key.Job)
	}
	if state == Posted {
		s.log.Info("scheduled job done", d.attrs("result", result, "late", d.Late)...)
	}
	return err
}

// attrs are d's log attributes (the game's, then job and slot), then more.
func (d Due[T]) attrs(more ...any) []any {
	out := make([]any, 0, len(d.Log)+4+len(more))
	out = append(out, d.Log...)
	out = append(out, "job", d.Key.Job, "slot", d.Key.Slot)
	return append(out, more...)
}

type noMetrics struct{}

func (noMetrics) SlotClaimed(Job) {}
func (noMetrics) SlotLate(Job)    {}
func (noMetrics) SlotSkipped(Job) {}
