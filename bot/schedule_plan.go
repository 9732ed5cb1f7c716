package bot

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/pyqbot/pyqbot/bot/scheduler"
)

// The slot mechanics (claims, leases, grace, catch-up, the run loop, exactly-once) are package
// scheduler's. This file is the game's side of it: what is scheduled (the plan, read from the
// store) and how a slot's job is run (schedule_jobs.go).

// scheduling is the engine's scheduler and what the game needs to plan for it.
type scheduling struct {
	store    ScheduleStore
	parse    SpecParser
	defaults []Schedule
	run      *scheduler.Scheduler[slotTarget]

	mu     sync.Mutex
	logged map[string]bool // bad stored specs already logged, so a tick a minute does not flood the log
}

// slotTarget is what a slot hands back to its job.
type slotTarget struct {
	ch        Channel
	schedules []Schedule // the channel's, on and off, as the tick found them
	// A hint's challenge, its number (1-based) and how many it has.
	post    PostedQuestion
	hint    int
	hintCnt int
}

// slotJobs is the scheduler's view of the engine (scheduler.Game).
type slotJobs struct{ e *Engine }

var _ scheduler.Game[slotTarget] = slotJobs{}

func newScheduling(e *Engine, cfg Config, salt uint64) *scheduling {
	s := &scheduling{store: cfg.Store, parse: cfg.ParseSpec, defaults: cfg.DefaultSchedules, logged: map[string]bool{}}
	if s.defaults == nil {
		s.defaults = DefaultSchedules()
	}
	s.run = scheduler.New(scheduler.Config{
		Store: cfg.Store, Metrics: e.metrics, Logger: e.log, Sleeper: cfg.Sleeper, Now: e.now,
		Grace: cfg.Grace, Lease: cfg.Lease, Owner: cfg.Owner, Salt: salt,
		Bound: e.maxConcurrentPosts,
		Outlive: func(ctx context.Context) (context.Context, func()) {
			ctx, cancel := e.inflight.Outlive(ctx)
			return ctx, func() { cancel() }
		},
	}, slotJobs{e})
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
	return ch, e.seedSchedules(ctx, ch.ID)
}

// seedSchedules gives the channel each default job it has no row for.
func (e *Engine) seedSchedules(ctx context.Context, channelID int64) error {
	if err := e.sched.store.SeedSchedules(ctx, channelID, e.sched.defaults, e.now()); err != nil {
		return err
	}
	e.schedulesChanged()
	return nil
}

// schedulesChanged tells what in this process depends on channels' schedules that they changed:
// the scheduler's loop (the next slot may be sooner than its wait) and the answer cache (its
// reveal times).
func (e *Engine) schedulesChanged() {
	e.WakeScheduler()
	e.forgetAnswerReads()
}

// Plan reads every channel's enabled jobs, parsed, and the hints of open debugging challenges. A
// stored spec that no longer parses is logged once and left out.
func (j slotJobs) Plan(ctx context.Context, now time.Time) (scheduler.Plan[slotTarget], error) {
	e, st := j.e, j.e.sched.store
	var plan scheduler.Plan[slotTarget]
	channels, err := st.Channels(ctx)
	if err != nil {
		return plan, fmt.Errorf("list channels: %w", err)
	}
	byID := map[int64]Channel{}
	for _, ch := range channels {
		byID[ch.ID] = ch
	}
	all, err := e.schedules(ctx, 0)
	if err != nil {
		return plan, fmt.Errorf("list schedules: %w", err)
	}
	perChannel := map[int64][]Schedule{}
	for _, s := range all {
		perChannel[s.ChannelID] = append(perChannel[s.ChannelID], s)
	}
	skipDays := map[int64]scheduler.SkipDays{}
	for _, s := range all {
		ch, ok := byID[s.ChannelID]
		if !ok || !s.Enabled {
			continue
		}
		tt, loc, zone, err := e.timetable(s, ch)
		if err != nil {
			e.logOnce("bad schedule "+s.Spec+s.Zone, "stored schedule is not valid; fix it with /pyq schedule set",
				convArgs(ch.Conv, "job", s.Job, "spec", s.Spec, "zone", s.Zone, "err", err)...)
			continue
		}
		if _, ok := skipDays[ch.ID]; !ok {
			days, err := st.SkipDates(ctx, ch.ID)
			if err != nil {
				return plan, fmt.Errorf("skip dates: %w", err)
			}
			skipDays[ch.ID] = skipDaysOf(ch, days)
		}
		plan.Timed = append(plan.Timed, scheduler.Timed[slotTarget]{
			Channel: ch.ID, Job: s.Job, Timetable: tt, Loc: loc, Zone: zone, Since: s.UpdatedAt, SkipDays: skipDays[ch.ID],
			Meta: slotMeta(ch, slotTarget{ch: ch, schedules: perChannel[ch.ID]}),
		})
	}
	challenges, err := st.OpenChallenges(ctx, JobDebug)
	if err != nil {
		return plan, fmt.Errorf("open challenges: %w", err)
	}
	for _, c := range challenges {
		offsets := hintOffsets(perChannel[c.Channel.ID])
		q := e.bank.Get(c.Post.QuestionID)
		if q == nil {
			continue
		}
		n := min(len(q.Hints), len(offsets))
		for i := range n {
			t := slotTarget{ch: c.Channel, schedules: perChannel[c.Channel.ID], post: c.Post, hint: i + 1, hintCnt: n}
			plan.Once = append(plan.Once, scheduler.Once[slotTarget]{
				Key:  SlotKey{ChannelID: c.Channel.ID, Job: JobHint, Slot: hintSlot(c.Post.ID, i+1)},
				At:   c.Post.PostedAt.Add(offsets[i]),
				Loc:  c.Channel.Location(),
				Meta: slotMeta(c.Channel, t),
			})
		}
	}
	return plan, nil
}

func slotMeta(ch Channel, t slotTarget) scheduler.Meta[slotTarget] {
	return scheduler.Meta[slotTarget]{Group: ch.Conv.Platform, Log: convArgs(ch.Conv), Target: t}
}

// hintOffsets are when the channel's debug job puts each hint into a challenge's thread.
func hintOffsets(schedules []Schedule) []time.Duration {
	for _, s := range schedules {
		if s.Job == JobDebug {
			return s.HintOffsets
		}
	}
	return nil
}

// schedules lists the channel's jobs (every channel's for 0) in the core's order (SortSchedules).
func (e *Engine) schedules(ctx context.Context, channelID int64) ([]Schedule, error) {
	s, err := e.sched.store.Schedules(ctx, channelID)
	SortSchedules(s)
	return s, err
}

func hintSlot(postID int64, n int) string { return fmt.Sprintf("post %d hint %d", postID, n) }

// Track lists the slot as work in flight for the shutdown.
func (j slotJobs) Track(ctx context.Context, d scheduler.Due[slotTarget]) (context.Context, func()) {
	return j.e.inflight.Begin(ctx, Op{Kind: OpScheduled, Conv: d.Target.ch.Conv, What: string(d.Key.Job)})
}

// BeforeSlots closes the votes due by now, before any slot runs: a weekly leaderboard posted this
// tick (late, after downtime, or at the very time a vote ends) counts and names their bonuses. A
// reveal due now finds its channel's last vote closed already and has nothing more to close.
func (j slotJobs) BeforeSlots(ctx context.Context, now time.Time) error {
	return j.e.closeDueVotes(ctx, now)
}

// AfterSlots sends due reminders: after the slots, so a question posted this tick can be reminded of
// while one revealed is not.
func (j slotJobs) AfterSlots(ctx context.Context, now time.Time) error {
	return j.e.sendDueReminders(ctx, now)
}

// NextWake is when a reminder is next due, so the loop wakes for it rather than up to a minute late.
func (j slotJobs) NextWake(ctx context.Context, now time.Time) (time.Time, error) {
	_, at, err := j.e.dueReminders(ctx, now)
	return at, err
}

// timetable parses a schedule and resolves its zone: the spec's, the schedule's, else the channel's.
func (e *Engine) timetable(s Schedule, ch Channel) (Timetable, *time.Location, string, error) {
	tt, err := e.sched.parse(s.Spec, s.Zone)
	if err != nil {
		return nil, nil, "", err
	}
	zone := tt.Zone()
	if zone == "" {
		zone = ch.TimeZone
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return nil, nil, "", fmt.Errorf("%q is not a time zone: %w", zone, err)
	}
	return tt, loc, zone, nil
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

// ConcurrentPoster is an adapter that says how many channels' scheduled posts it can have in flight
// at once: its platform's rate limits decide (Slack limits posts per channel, Discord globally).
type ConcurrentPoster interface {
	MaxConcurrentPosts() int
}

// DefaultPostConcurrency bounds an adapter that does not say.
const DefaultPostConcurrency = scheduler.DefaultBound

// maxConcurrentPosts is the platform's bound on channels posting scheduled slots at once.
func (e *Engine) maxConcurrentPosts(platform string) int {
	a, err := e.adapter(platform)
	if cp, ok := a.(ConcurrentPoster); err == nil && ok {
		return cp.MaxConcurrentPosts()
	}
	return DefaultPostConcurrency
}
