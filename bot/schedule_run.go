package bot

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
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

	mu     *sync.Mutex
	logged map[string]bool // bad stored specs already logged, so a tick a minute does not flood the log
}

func newScheduler(cfg Config, salt uint64) scheduler {
	s := scheduler{store: cfg.Schedules, parse: cfg.ParseSpec, defaults: cfg.DefaultSchedules,
		grace: cfg.Grace, lease: cfg.Lease, owner: cfg.Owner, mu: &sync.Mutex{}, logged: map[string]bool{}}
	if s.store == nil {
		s.store, _ = cfg.Store.(ScheduleStore)
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

// Scheduling reports whether the engine runs schedules: it needs a spec parser and a ScheduleStore.
func (e *Engine) Scheduling() bool { return e.sched.parse != nil && e.sched.store != nil }

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
	return ch, e.sched.store.SeedSchedules(ctx, ch.ID, e.sched.defaults, e.now())
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

// Tick runs every slot due in (now-Grace, now] that nobody has claimed yet, oldest first, and records
// older missed slots as skipped. The run loop calls it; tests call it with a fake clock. Errors of
// single slots are logged and joined; one failing slot does not stop the others.
func (e *Engine) Tick(ctx context.Context, now time.Time) error {
	if !e.Scheduling() {
		return nil
	}
	work, err := e.dueSlots(ctx, now)
	if err != nil {
		return err
	}
	var errs []error
	for _, d := range work {
		if ctx.Err() != nil {
			break
		}
		if err := e.runSlot(ctx, d, now); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", d.key(), err))
		}
	}
	return errors.Join(errs...)
}

// dueSlots lists what to run now, in the order it fell due, and records missed slots as skipped.
func (e *Engine) dueSlots(ctx context.Context, now time.Time) ([]due, error) {
	st := e.sched.store
	channels, err := st.Channels(ctx)
	if err != nil {
		return nil, fmt.Errorf("list channels: %w", err)
	}
	byID := map[int64]Channel{}
	for _, ch := range channels {
		byID[ch.ID] = ch
	}
	schedules, err := st.Schedules(ctx, 0)
	if err != nil {
		return nil, fmt.Errorf("list schedules: %w", err)
	}
	skipDays := map[int64]map[string]bool{}
	var work []due
	for _, s := range schedules {
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
				return nil, fmt.Errorf("skip dates: %w", err)
			}
			skipDays[ch.ID] = map[string]bool{}
			for _, d := range days {
				skipDays[ch.ID][d] = true
			}
		}
		// Slots before the schedule was set (or the channel first seen) were never promised.
		start := now.Add(-e.sched.grace)
		if s.UpdatedAt.After(start) {
			start = s.UpdatedAt
		}
		if err := e.skipMissed(ctx, s, ch, tt, loc, zone, start, now); err != nil {
			return nil, err
		}
		for _, sl := range slotsIn(tt, loc, zone, start, now) {
			d := due{ch: ch, job: s.Job, slot: sl, zone: zone, loc: loc}
			if skipDays[ch.ID][LocalDay(sl.At, loc)] {
				if ok, err := st.SkipSlot(ctx, d.key(), sl.At, "skip date "+LocalDay(sl.At, loc), now); err != nil {
					return nil, err
				} else if ok {
					e.metrics.SlotSkipped(s.Job)
					e.log.Info("scheduled job skipped: skip date", convArgs(ch.Conv, "job", s.Job, "slot", sl.Key)...)
				}
				continue
			}
			work = append(work, d)
		}
	}
	hints, err := e.dueHints(ctx, now, schedules)
	if err != nil {
		return nil, err
	}
	work = append(work, hints...)
	sort.SliceStable(work, func(i, j int) bool { return work[i].slot.At.Before(work[j].slot.At) })
	return work, nil
}

// skipMissed records the slots between the last one recorded and the grace window as skipped, once,
// and logs each: they were due while nothing was running, too long ago to post.
func (e *Engine) skipMissed(ctx context.Context, s Schedule, ch Channel, tt Timetable, loc *time.Location, zone string, start, now time.Time) error {
	st := e.sched.store
	from, err := st.LastSlot(ctx, ch.ID, s.Job)
	if err != nil {
		return err
	}
	if s.UpdatedAt.After(from) {
		from = s.UpdatedAt
	}
	if lb := now.Add(-missedLookback); lb.After(from) {
		from = lb
	}
	if !start.After(from) {
		return nil
	}
	missed := slotsIn(tt, loc, zone, from, start)
	for _, sl := range missed {
		key := SlotKey{ChannelID: ch.ID, Job: s.Job, Slot: sl.Key}
		if !sl.At.Before(start) { // the boundary instant itself is still in grace
			continue
		}
		ok, err := st.SkipSlot(ctx, key, sl.At, fmt.Sprintf("missed: more than %s late", e.sched.grace), now)
		if err != nil {
			return err
		}
		if ok {
			e.metrics.SlotSkipped(s.Job)
			e.log.Warn("scheduled job skipped: the bot was not running when it was due, and it is past the grace window",
				convArgs(ch.Conv, "job", s.Job, "slot", sl.Key, "due", sl.At, "grace", e.sched.grace)...)
		}
	}
	return nil
}

// dueHints lists the hints of open debugging challenges that are due.
func (e *Engine) dueHints(ctx context.Context, now time.Time, schedules []Schedule) ([]due, error) {
	st := e.sched.store
	challenges, err := st.OpenChallenges(ctx)
	if err != nil {
		return nil, fmt.Errorf("open challenges: %w", err)
	}
	offsets := map[int64][]time.Duration{}
	for _, s := range schedules {
		if s.Job == JobDebug {
			offsets[s.ChannelID] = s.HintOffsets
		}
	}
	var work []due
	for _, c := range challenges {
		q := e.bank.Get(c.Post.QuestionID)
		if q == nil {
			continue
		}
		n := min(len(q.Hints), len(offsets[c.Channel.ID]))
		for i := range n {
			at := c.Post.PostedAt.Add(offsets[c.Channel.ID][i])
			if at.After(now) {
				continue
			}
			d := due{ch: c.Channel, job: JobHint, post: c.Post, hint: i + 1, hintCnt: n, loc: c.Channel.Location(),
				slot: slot{Key: hintSlot(c.Post.ID, i+1), Wall: at, At: at}}
			if !at.After(now.Add(-e.sched.grace)) {
				if ok, err := st.SkipSlot(ctx, d.key(), at, "missed: past the grace window", now); err != nil {
					return nil, err
				} else if ok {
					e.metrics.SlotSkipped(JobHint)
					e.log.Warn("hint skipped: it was due while the bot was not running",
						convArgs(c.Channel.Conv, "post", c.Post.ID, "hint", i+1, "due", at)...)
				}
				continue
			}
			work = append(work, d)
		}
	}
	return work, nil
}

func hintSlot(postID int64, n int) string { return fmt.Sprintf("post %d hint %d", postID, n) }

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

// runSlot claims a slot and runs its job. Not owning the claim is not an error: another process, or
// an earlier tick, has it.
func (e *Engine) runSlot(ctx context.Context, d due, now time.Time) (err error) {
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

// runJob does the work of a claimed slot and says how it ended.
func (e *Engine) runJob(ctx context.Context, d due, claim SlotClaim, note string, now time.Time) (SlotState, string, error) {
	lock := e.channelLock(d.ch.ID)
	lock.Lock()
	defer lock.Unlock()
	switch d.job {
	case JobQuestion, JobDebug:
		return e.runPostJob(ctx, d, claim, note, now)
	case JobReveal:
		open, err := e.store.OpenPosts(ctx, d.ch.ID)
		if err != nil {
			return "", "", err
		}
		if len(open) == 0 {
			return SlotPosted, "nothing open", nil
		}
		var refs []string
		for _, p := range open {
			if err := e.revealPostNote(ctx, d.ch, p, note); err != nil {
				return "", "", err
			}
			refs = append(refs, p.ShortRef())
		}
		return SlotPosted, "revealed " + strings.Join(refs, " "), nil
	case JobLeaderboard:
		a, err := e.adapter(d.ch.Conv.Platform)
		if err != nil {
			return "", "", err
		}
		post, err := e.WeeklyLeaderboardPost(ctx, d.ch, now)
		if err != nil {
			return "", "", err
		}
		post.Text = withNote(note, post.Text)
		if _, err := e.send(ctx, a, d.ch, post); err != nil {
			return "", "", err
		}
		return SlotPosted, "leaderboard", nil
	case JobHint:
		return e.runHint(ctx, d, now)
	}
	return "", "", fmt.Errorf("unknown job %q", d.job)
}

// runPostJob posts the question of the day or a debugging challenge.
func (e *Engine) runPostJob(ctx context.Context, d due, claim SlotClaim, note string, now time.Time) (SlotState, string, error) {
	st := e.sched.store
	if claim.PostID != 0 {
		// An earlier attempt created a post and then died. If the post reached the platform (it has a
		// reference) the slot is done; if not, its row is discarded and the slot posted afresh.
		p, err := e.store.Post(ctx, claim.PostID)
		switch {
		case err == nil && !p.Ref.IsZero():
			return SlotPosted, "posted " + p.ShortRef() + " (by the earlier attempt)", nil
		case err == nil:
			if derr := e.store.DiscardPost(ctx, p.ID); errors.Is(derr, ErrClosed) {
				return SlotPosted, "posted " + p.ShortRef() + " (answered, so it was seen)", nil
			} else if derr != nil {
				return "", "", derr
			}
		case !isNotFound(err):
			return "", "", err
		}
	}
	open, err := e.store.OpenPosts(ctx, d.ch.ID)
	if err != nil {
		return "", "", err
	}
	challenges, err := e.challengeIDs(ctx, d.ch.ID)
	if err != nil {
		return "", "", err
	}
	today := LocalDay(now, d.ch.Location())
	for _, p := range open {
		// Someone ran /pyq today (or this job ran under another key, e.g. after a zone change) today:
		// a second question on the same day would split the team's answers.
		if p.Day == today && (challenges[p.ID] == (d.job == JobDebug)) {
			return SlotPosted, "already open: " + p.ShortRef(), nil
		}
	}
	schedules, err := st.Schedules(ctx, d.ch.ID)
	if err != nil {
		return "", "", err
	}
	opt := PostOptions{Note: note, Created: func(ctx context.Context, p PostedQuestion) error {
		return st.SetSlotPost(ctx, d.key(), p.ID)
	}}
	opt.RevealAt = e.nextReveal(d.ch, schedules, now)
	var offsets []time.Duration
	if d.job == JobDebug {
		f := d.ch.Filter
		f.Kinds = []Kind{KindDebug}
		opt.Filter = &f
		for _, s := range schedules {
			if s.Job == JobDebug {
				offsets = s.HintOffsets
			}
		}
		opt.Decorate = func(q *Question, p PostedQuestion, post *Post) {
			post.Footer += fmt.Sprintf(" · debugging challenge: a right answer is worth %d points now, %d less with each hint in the thread",
				CorrectPoints, HintPenalty)
		}
	} else if debugOn(schedules) {
		// The debug job has its own day; keep debug questions for it.
		kinds := d.ch.Filter.Kinds
		if len(kinds) == 0 {
			kinds = Kinds
		}
		kinds = slices.DeleteFunc(slices.Clone(kinds), func(k Kind) bool { return k == KindDebug })
		if len(kinds) > 0 {
			f := d.ch.Filter
			f.Kinds = kinds
			opt.Filter = &f
		}
	}
	p, err := e.PostQuestionWith(ctx, d.ch, opt)
	if err != nil {
		if msg := userMessage(err); msg != "" {
			// Nothing to post is not worth retrying: the bank or filter must change first.
			e.log.Warn("scheduled question not posted", convArgs(d.ch.Conv, "job", d.job, "reason", msg)...)
			return SlotSkipped, msg, nil
		}
		return "", "", err
	}
	if d.job == JobDebug {
		e.openChallengeThread(ctx, d.ch, p, offsets)
	}
	return SlotPosted, "posted " + p.ShortRef(), nil
}

func debugOn(schedules []Schedule) bool {
	for _, s := range schedules {
		if s.Job == JobDebug && s.Enabled {
			return true
		}
	}
	return false
}

// challengeIDs is the set of the channel's open posts made by the debug job.
func (e *Engine) challengeIDs(ctx context.Context, channelID int64) (map[int64]bool, error) {
	cs, err := e.sched.store.OpenChallenges(ctx)
	if err != nil {
		return nil, err
	}
	ids := map[int64]bool{}
	for _, c := range cs {
		if c.Channel.ID == channelID {
			ids[c.Post.ID] = true
		}
	}
	return ids, nil
}

// nextReveal is when the channel's reveal job next runs after t; zero (Config.RevealAt then) when off.
func (e *Engine) nextReveal(ch Channel, schedules []Schedule, t time.Time) time.Time {
	for _, s := range schedules {
		if s.Job != JobReveal || !s.Enabled {
			continue
		}
		tt, loc, zone, err := e.timetable(s, ch)
		if err != nil {
			return time.Time{}
		}
		if sl, ok := nextSlot(tt, loc, zone, t); ok {
			return sl.At
		}
	}
	return time.Time{}
}

// openChallengeThread starts the challenge's thread with what to expect. It is a courtesy: if it
// fails, hints still start the thread, so the failure is only logged.
func (e *Engine) openChallengeThread(ctx context.Context, ch Channel, p PostedQuestion, offsets []time.Duration) {
	a, err := e.adapter(ch.Conv.Platform)
	if err != nil || p.Ref.IsZero() {
		return
	}
	q := e.bank.Get(p.QuestionID)
	n := 0
	if q != nil {
		n = min(len(q.Hints), len(offsets))
	}
	loc := ch.Location()
	var b strings.Builder
	fmt.Fprintf(&b, "Debugging challenge %s: answer with `/pyq answer %s CHOICE`.", p.ShortRef(), p.ShortRef())
	if n == 0 {
		b.WriteString(" No hints for this one: it is worth 10 points until the reveal.")
	} else {
		var times []string
		for i := range n {
			times = append(times, p.PostedAt.Add(offsets[i]).In(loc).Format("15:04"))
		}
		fmt.Fprintf(&b, " %d hint%s will appear in this thread (%s); each one takes %d points off a right answer given after it.",
			n, plural(n), strings.Join(times, ", "), HintPenalty)
	}
	b.WriteString(" The fix and the reasoning come here at the reveal.")
	ref := p.Ref
	if _, err := e.send(ctx, a, ch, Post{Text: b.String(), Thread: &ref}); err != nil {
		e.log.Warn("opening challenge thread failed", convArgs(ch.Conv, "post", p.ID, "err", err)...)
	}
}

// runHint posts hint d.hint of a challenge into its thread, unless the challenge closed meanwhile.
func (e *Engine) runHint(ctx context.Context, d due, now time.Time) (SlotState, string, error) {
	p, err := e.store.Post(ctx, d.post.ID)
	if err != nil {
		return "", "", err
	}
	if !p.Open() {
		return SlotSkipped, "the challenge was already revealed", nil
	}
	q := e.bank.Get(p.QuestionID)
	if q == nil || d.hint > len(q.Hints) {
		return SlotSkipped, "the question has no such hint", nil
	}
	a, err := e.adapter(d.ch.Conv.Platform)
	if err != nil {
		return "", "", err
	}
	shown, err := e.sched.store.Hints(ctx, p.ID)
	if err != nil {
		return "", "", err
	}
	worth := HintedPoints(len(shown) + 1)
	ref := p.Ref
	post := Post{
		Title:  fmt.Sprintf("Hint %d of %d for %s", d.hint, d.hintCnt, p.ShortRef()),
		Text:   strings.TrimSpace(q.Hints[d.hint-1]),
		Footer: fmt.Sprintf("A right answer recorded from now on is worth %d points (plus streak bonus).", worth),
		Thread: &ref,
	}
	if late := now.Sub(d.slot.At); late >= lateAfter {
		post.Text = withNote(lateNote(d, now), post.Text)
	}
	if _, err := e.send(ctx, a, d.ch, post); err != nil {
		return "", "", err
	}
	// Stamped after the send, so an answer that raced the hint is given the benefit of the doubt.
	if err := e.sched.store.RecordHint(ctx, p.ID, d.hint, e.now()); err != nil {
		return "", "", err
	}
	return SlotPosted, fmt.Sprintf("hint %d of %s", d.hint, p.ShortRef()), nil
}

// hintsShownBefore returns, for a post, how many of its hints were shown at or before a time.
func (e *Engine) hintsShownBefore(ctx context.Context, p PostedQuestion) (func(time.Time) int, error) {
	none := func(time.Time) int { return 0 }
	if p.Kind != KindDebug || e.sched.store == nil {
		return none, nil
	}
	hints, err := e.sched.store.Hints(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	return func(t time.Time) int {
		n := 0
		for _, at := range hints {
			if !at.After(t) {
				n++
			}
		}
		return n
	}, nil
}

// NextRun is when the engine next has something scheduled after now: the earliest slot of any
// enabled job or any pending hint. ok is false when nothing is scheduled.
func (e *Engine) NextRun(ctx context.Context, now time.Time) (time.Time, bool, error) {
	if !e.Scheduling() {
		return time.Time{}, false, nil
	}
	st := e.sched.store
	channels, err := st.Channels(ctx)
	if err != nil {
		return time.Time{}, false, err
	}
	byID := map[int64]Channel{}
	for _, ch := range channels {
		byID[ch.ID] = ch
	}
	schedules, err := st.Schedules(ctx, 0)
	if err != nil {
		return time.Time{}, false, err
	}
	var best time.Time
	consider := func(t time.Time) {
		if best.IsZero() || t.Before(best) {
			best = t
		}
	}
	for _, s := range schedules {
		ch, ok := byID[s.ChannelID]
		if !ok || !s.Enabled {
			continue
		}
		tt, loc, zone, err := e.timetable(s, ch)
		if err != nil {
			continue
		}
		if sl, ok := nextSlot(tt, loc, zone, now); ok {
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
	return best, !best.IsZero(), nil
}

// RunScheduler runs due slots until ctx ends: it ticks, then sleeps until the next slot is due (at
// most a minute, see maxWait). Call it in its own goroutine after adding the adapters.
func (e *Engine) RunScheduler(ctx context.Context) error {
	if !e.Scheduling() {
		return nil
	}
	e.log.Info("scheduler running", "owner", e.sched.owner, "grace", e.sched.grace, "lease", e.sched.lease)
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-timer.C:
		}
		now := e.now()
		if err := e.Tick(ctx, now); err != nil && ctx.Err() == nil {
			e.log.Error("scheduler tick had errors", "err", err)
		}
		if ctx.Err() != nil {
			return nil
		}
		wait := maxWait
		if next, ok, err := e.NextRun(ctx, now); err != nil && ctx.Err() == nil {
			e.log.Error("computing the next scheduled run failed", "err", err)
		} else if ok {
			wait = min(max(next.Sub(e.now()), 0), maxWait)
		}
		timer.Reset(wait)
	}
}
