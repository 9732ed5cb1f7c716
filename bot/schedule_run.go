package bot

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"
)

// How exactly-once works
//
// Every firing of a job is a slot: (channel, job, local wall-clock time in the job's zone). Before
// anything is posted the slot is claimed in SQLite with an INSERT that only one process can win
// (UNIQUE (channel_id, job, slot)). So:
//   - a restart never posts a slot twice: the claim is still there;
//   - the fall-back hour's two 01:30s are one wall-clock time, one key, one post;
//   - a time in the spring-forward gap is still a slot, due just after the gap (see instantOf);
//   - two processes on one database: one wins the insert, the other skips the slot;
//   - after downtime, a slot at most Grace old is posted late with a note; an older one is recorded
//     as skipped and logged once.
//
// A crash between the claim and the post leaves the claim in state "claimed". Once it is older than
// Lease (and the slot is still within Grace) the next tick, in this process after a restart or in
// another one, takes it over with a conditional UPDATE and posts it, late and with a note. The claim
// records the post it created before sending it, so a retry whose post already reached the platform
// (it has a message reference) is not posted again. The one window left is a platform that accepted
// the post while the process died before recording the reference: that slot is posted twice. This is
// the chosen trade-off: a slot is never silently lost, at the price of a rare duplicate after a
// crash at exactly that moment. A reveal that crashes after grading but before its message is sent is
// not re-sent (its question is already closed); its points are safe.

const (
	defaultGrace = 3 * time.Hour
	defaultLease = 10 * time.Minute
	// maxAttempts bounds retries of a slot whose claimer died or whose post the platform refused.
	maxAttempts = 3
	// lateAfter is how late a post must be before it says so: timers fire a little after the slot.
	lateAfter = time.Minute
	// missedLookback is how far back missed slots are recorded as skipped after a long outage.
	missedLookback = 7 * 24 * time.Hour
	// maxWait caps the run loop's sleep, so schedules changed in chat or by another process, new
	// channels, and wall-clock jumps (a suspended laptop) are noticed within a minute.
	maxWait = time.Minute
)

type scheduler struct {
	store    ScheduleStore
	parse    SpecParser
	defaults []Schedule
	grace    time.Duration
	lease    time.Duration
	owner    string

	sleep Sleeper
	wake  chan struct{}            // a schedule changed here: recompute the next wake now
	sems  map[string]chan struct{} // per platform, guarded by Engine.mu

	mu     *sync.Mutex
	logged map[string]bool // bad stored specs already logged, so a tick a minute does not flood the log
}

func newScheduler(cfg Config, salt uint64) scheduler {
	s := scheduler{store: cfg.Store, parse: cfg.ParseSpec, defaults: cfg.DefaultSchedules,
		grace: cfg.Grace, lease: cfg.Lease, owner: cfg.Owner, sleep: cfg.Sleeper,
		wake: make(chan struct{}, 1), sems: map[string]chan struct{}{}, mu: &sync.Mutex{}, logged: map[string]bool{}}
	if s.sleep == nil {
		s.sleep = realSleeper{}
	}
	if s.defaults == nil {
		s.defaults = DefaultSchedules()
	}
	if s.grace <= 0 {
		s.grace = defaultGrace
	}
	if s.lease <= 0 {
		s.lease = defaultLease
	}
	if s.owner == "" {
		host, _ := os.Hostname()
		s.owner = fmt.Sprintf("%s-%d-%04x", host, os.Getpid(), salt&0xffff)
	}
	return s
}

// Scheduling reports whether the engine runs schedules: it needs a spec parser (the store always keeps them).
func (e *Engine) Scheduling() bool { return e.sched.parse != nil }

// errNoScheduling explains why schedule commands do nothing.
var errNoScheduling = &UserError{"Scheduling is not set up in this bot, so jobs cannot be listed or changed."}

// EnsureChannel records conv as a channel the bot has seen and gives it the default schedules, so its
// jobs run before anyone types a command there (the terminal does this at start-up).
//
// Channels opt in to schedules: a channel gets the defaults when it is set up here, when someone
// posts a team question in it (`/pyq today`), or when `/pyq schedule` is used there. A direct message
// where someone only asked `/pyq me`, or the App Home, never gets daily posts.
func (e *Engine) EnsureChannel(ctx context.Context, conv Conversation) (Channel, error) {
	ch, err := e.store.EnsureChannel(ctx, conv, e.zone)
	if err != nil || !e.Scheduling() {
		return ch, err
	}
	if err := e.sched.store.SeedSchedules(ctx, ch.ID, e.sched.defaults, e.now()); err != nil {
		return ch, err
	}
	e.WakeScheduler()
	return ch, nil
}

// due is one slot to run now.
type due struct {
	ch      Channel
	job     Job
	slot    slot
	zone    string
	loc     *time.Location
	post    PostedQuestion // hints: the challenge
	hint    int            // hints: 1-based
	hintCnt int
}

func (d due) key() SlotKey { return SlotKey{ChannelID: d.ch.ID, Job: d.job, Slot: d.slot.Key} }

// Tick runs every slot due in (now-Grace, now] that nobody has claimed yet and records older missed
// slots as skipped. The run loop calls it; tests call it with a fake clock. Errors of single slots are
// logged and joined; one failing slot does not stop the others.
//
// Channels run concurrently (200 channels sharing 09:00 must not wait for each other's Web API
// round trips), at most PostConcurrency of them per platform at once; within a channel the slots run
// one after another in the order they fell due, so a question still comes before its reveal.
// Exactly-once is unchanged: every slot is still claimed in the store before it runs.
func (e *Engine) Tick(ctx context.Context, now time.Time) error {
	if !e.Scheduling() {
		return nil
	}
	work, err := e.dueSlots(ctx, now)
	if err != nil {
		return err
	}
	var (
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
	)
	for _, run := range byChannel(work) {
		sem := e.postSlots(run[0].ch.Conv.Platform)
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
				if err := e.runSlot(ctx, d, now); err != nil {
					mu.Lock()
					errs = append(errs, fmt.Errorf("%s: %w", d.key(), err))
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	// After the slots, so a reveal due now closes the last vote itself (with its channel lock).
	if err := e.closeDueVotes(ctx, now); err != nil {
		errs = append(errs, err)
	}
	// After the slots too, so a question posted this tick can be reminded of and one revealed is not.
	if err := e.sendDueReminders(ctx, now); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// byChannel splits work, already in due order, into one run per channel, keeping that order.
func byChannel(work []due) [][]due {
	index := map[int64]int{}
	var runs [][]due
	for _, d := range work {
		i, ok := index[d.ch.ID]
		if !ok {
			i = len(runs)
			index[d.ch.ID] = i
			runs = append(runs, nil)
		}
		runs[i] = append(runs[i], d)
	}
	return runs
}

// ConcurrentPoster is an adapter that says how many channels' scheduled posts it can have in flight
// at once: its platform's rate limits decide (Slack limits posts per channel, Discord globally).
type ConcurrentPoster interface {
	MaxConcurrentPosts() int
}

// DefaultPostConcurrency bounds an adapter that does not say.
const DefaultPostConcurrency = 8

// postSlots is the platform's semaphore for concurrent scheduled posts.
func (e *Engine) postSlots(platform string) chan struct{} {
	e.mu.Lock()
	defer e.mu.Unlock()
	if sem, ok := e.sched.sems[platform]; ok {
		return sem
	}
	n := DefaultPostConcurrency
	if cp, ok := e.adapters[platform].(ConcurrentPoster); ok && cp.MaxConcurrentPosts() > 0 {
		n = cp.MaxConcurrentPosts()
	}
	sem := make(chan struct{}, n)
	e.sched.sems[platform] = sem
	return sem
}

// runSlot claims a slot and runs its job. Not owning the claim is not an error: another process, or
// an earlier tick, has it.
func (e *Engine) runSlot(ctx context.Context, d due, now time.Time) (err error) {
	ctx, done := e.inflight.Begin(ctx, Op{Kind: OpScheduled, Conv: d.ch.Conv, What: string(d.job)})
	defer done()
	st := e.sched.store
	key := d.key()
	ok, claim, err := st.ClaimSlot(ctx, key, d.slot.At, e.sched.owner, now, e.sched.lease, maxAttempts)
	if err != nil || !ok {
		return err
	}
	e.metrics.SlotClaimed(d.job)
	if claim.Attempts > 1 {
		e.log.Warn("taking over a slot whose earlier attempt did not finish",
			convArgs(d.ch.Conv, "job", d.job, "slot", d.slot.Key, "attempt", claim.Attempts, "post", claim.PostID)...)
	}
	note := ""
	if late := now.Sub(d.slot.At); late >= lateAfter {
		note = lateNote(d, now)
	}
	defer func() {
		// A job must not take the run loop down; the claim is marked failed and retried after the lease.
		if r := recover(); r != nil {
			err = fmt.Errorf("job panicked: %v", r)
			if ferr := st.FinishSlot(context.WithoutCancel(ctx), key, SlotFailed, err.Error()); ferr != nil {
				e.log.Error("recording failed slot failed", convArgs(d.ch.Conv, "slot", key.String(), "err", ferr)...)
			}
		}
	}()
	state, result, err := e.runJob(ctx, d, claim, note, now)
	if err != nil {
		e.log.Error("scheduled job failed; it is retried after the lease while within the grace window",
			convArgs(d.ch.Conv, "job", d.job, "slot", d.slot.Key, "err", err)...)
		state, result = SlotFailed, err.Error()
	}
	if ferr := st.FinishSlot(context.WithoutCancel(ctx), key, state, result); ferr != nil {
		return errors.Join(err, ferr)
	}
	switch {
	case state == SlotPosted && note != "":
		e.metrics.SlotLate(d.job)
	case state == SlotSkipped:
		e.metrics.SlotSkipped(d.job)
	}
	if state == SlotPosted {
		e.log.Info("scheduled job done", convArgs(d.ch.Conv, "job", d.job, "slot", d.slot.Key, "result", result, "late", note != "")...)
	}
	return err
}

// lateNote is the line a late post starts with: "Posted late: the bot was down at 09:00."
func lateNote(d due, now time.Time) string {
	loc := d.loc
	if loc == nil {
		loc = time.UTC
	}
	at := d.slot.At.In(loc)
	when := at.Format("15:04")
	if LocalDay(at, loc) != LocalDay(now, loc) {
		when = at.Format("Mon 2 Jan 15:04")
	}
	return "Posted late: the bot was down at " + when + "."
}

func withNote(note, text string) string {
	switch {
	case note == "":
		return text
	case text == "":
		return "_" + note + "_"
	default:
		return "_" + note + "_\n\n" + text
	}
}

func (e *Engine) logOnce(key, msg string, args ...any) {
	e.sched.mu.Lock()
	seen := e.sched.logged[key]
	e.sched.logged[key] = true
	e.sched.mu.Unlock()
	if !seen {
		e.log.Error(msg, args...)
	}
}
