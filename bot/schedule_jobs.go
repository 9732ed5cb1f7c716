package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/pyqbot/pyqbot/bot/scheduler"
)

// slot is a claimed slot as its job sees it.
type slot struct {
	scheduler.Due[slotTarget]
	ch   Channel
	note string // "Posted late: …" when it runs late, else empty
}

// Run does the work of a claimed slot and says how it ended.
func (j slotJobs) Run(ctx context.Context, due scheduler.Due[slotTarget], claim SlotClaim) (SlotState, string, error) {
	e := j.e
	d := slot{Due: due, ch: due.Target.ch}
	if d.Late {
		// A claim taken again after an attempt that failed keeps that attempt's note (its error);
		// one whose claimer died has none. Only the second was the bot being down.
		d.note = lateNote(d.At, d.Loc, d.Now, claim.Attempts > 1 && claim.Note != "")
	}
	unlock, err := e.lockChannel(ctx, d.ch.ID)
	if err != nil {
		return "", "", err
	}
	defer unlock()
	now, note := d.Now, d.note
	switch d.Key.Job {
	case JobQuestion, JobDebug:
		return e.runPostJob(ctx, d, claim)
	case JobReveal:
		return e.runReveal(ctx, d, claim)
	case JobLeaderboard:
		a, err := e.adapter(d.ch.Conv.Platform)
		if err != nil {
			return "", "", err
		}
		post, named, err := e.weeklyLeaderboard(ctx, d.ch, d.At, now, claim.ClaimedAt)
		if err != nil {
			return "", "", err
		}
		post.Text = withNote(note, post.Text)
		if _, err := e.send(ctx, a, d.ch, post); err != nil {
			return "", "", err
		}
		return SlotPosted, named, nil
	case JobHint:
		return e.runHint(ctx, d)
	}
	return "", "", fmt.Errorf("unknown job %q", d.Key.Job)
}

// runPostJob posts the question of the day or a debugging challenge.
func (e *Engine) runPostJob(ctx context.Context, d slot, claim SlotClaim) (SlotState, string, error) {
	st, now, job := e.sched.store, d.Now, d.Key.Job
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
	open, err := e.sentOpenPosts(ctx, d.ch)
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
		if p.Day == today && (challenges[p.ID] == (job == JobDebug)) {
			return SlotPosted, "already open: " + p.ShortRef(), nil
		}
	}
	schedules := d.Target.schedules
	opt := PostOptions{Note: d.note, Created: func(ctx context.Context, p PostedQuestion) error {
		return st.SetSlotPost(ctx, d.Key, p.ID)
	}}
	skip, err := e.skipDays(ctx, d.ch)
	if err != nil {
		return "", "", err
	}
	opt.RevealAt = e.nextReveal(d.ch, schedules, skip, now)
	if job == JobDebug {
		f := d.ch.Filter
		f.Kinds = []Kind{KindDebug}
		opt.Filter = &f
		opt.Decorate = func(q *Question, p PostedQuestion, post *Post) {
			post.Footer += fmt.Sprintf(" · debugging challenge: a right answer is worth %d points now, %d less with each hint in the thread",
				CorrectPoints, HintPenalty)
		}
	} else {
		opt.Filter = dailyFilter(d.ch, schedules)
	}
	p, err := e.PostQuestionWith(ctx, d.ch, opt)
	if job != JobDebug {
		err = dailyNothing(err, opt.Filter)
	}
	if err != nil {
		if msg := userMessage(err); msg != "" {
			// Nothing to post is not worth retrying: the bank or filter must change first.
			e.log.Warn("scheduled question not posted", convArgs(d.ch.Conv, "job", job, "reason", msg)...)
			return SlotSkipped, msg, nil
		}
		return "", "", err
	}
	if job == JobDebug {
		e.openChallengeThread(ctx, d.ch, p, hintOffsets(schedules))
	}
	return SlotPosted, "posted " + p.ShortRef(), nil
}

// dailyFilter is what the question of the day, scheduled or `/pyq today`, is picked with: the
// channel's filter, without debug questions while the channel's debug job is on, as that job has
// its own day and uses them up (a debug question posted as a daily one has no hints nor challenge
// scoring). nil: the channel's filter as it is (also when debug is all it allows).
func dailyFilter(ch Channel, schedules []Schedule) *Filter {
	if !debugOn(schedules) {
		return nil
	}
	kinds := ch.Filter.Kinds
	if len(kinds) == 0 {
		kinds = Kinds
	}
	kinds = slices.DeleteFunc(slices.Clone(kinds), func(k Kind) bool { return k == KindDebug })
	if len(kinds) == 0 {
		return nil
	}
	f := ch.Filter
	f.Kinds = kinds
	return &f
}

// dailyNothing adds to "no question matches" why debug questions were not among them, when
// dailyFilter left them out.
func dailyNothing(err error, f *Filter) error {
	if msg := userMessage(err); msg != "" && f != nil {
		return &UserError{msg + " Debug questions are kept for the channel's debugging challenges (`/pyq schedule`)."}
	}
	return err
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
	cs, err := e.sched.store.OpenChallenges(ctx, JobDebug)
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

// nextReveal is when the channel's reveal job next runs after t, passing over its skip dates (skip,
// see skipDays); zero (Config.RevealAt then) when off.
func (e *Engine) nextReveal(ch Channel, schedules []Schedule, skip scheduler.SkipDays, t time.Time) time.Time {
	for _, s := range schedules {
		if s.Job != JobReveal || !s.Enabled {
			continue
		}
		tt, loc, zone, err := e.timetable(s, ch)
		if err != nil {
			return time.Time{}
		}
		if at, ok := scheduler.NextRunAt(tt, loc, zone, t, skip); ok {
			return at
		}
	}
	return time.Time{}
}

// skipDays is the channel's skip dates, read in its zone: no job runs on them, so no time shown to
// a user may fall on one.
func (e *Engine) skipDays(ctx context.Context, ch Channel) (scheduler.SkipDays, error) {
	days, err := e.sched.store.SkipDates(ctx, ch.ID)
	if err != nil {
		return scheduler.SkipDays{}, fmt.Errorf("skip dates: %w", err)
	}
	return skipDaysOf(ch, days), nil
}

// skipDaysOf is the channel's skip dates as the scheduler reads them: in the channel's zone, the
// one `/pyq schedule skip` names when it confirms a date.
func skipDaysOf(ch Channel, days []string) scheduler.SkipDays {
	set := make(map[string]bool, len(days))
	for _, d := range days {
		set[d] = true
	}
	return scheduler.SkipDays{In: ch.Location(), Dates: set}
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
	ref := p.Ref
	if _, err := e.send(ctx, a, ch, Post{Text: challengeThreadText(p, n, offsets, ch.Location()), Thread: &ref}); err != nil {
		e.log.Warn("opening challenge thread failed", convArgs(ch.Conv, "post", p.ID, "err", err)...)
	}
}

// runHint posts hint hint of a challenge into its thread, unless the challenge closed meanwhile.
func (e *Engine) runHint(ctx context.Context, d slot) (SlotState, string, error) {
	hint, hintCnt := d.Target.hint, d.Target.hintCnt
	p, err := e.store.Post(ctx, d.Target.post.ID)
	if err != nil {
		return "", "", err
	}
	if !p.Open() {
		return SlotSkipped, "the challenge was already revealed", nil
	}
	q := e.bank.Get(p.QuestionID)
	if q == nil || hint > len(q.Hints) {
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
	post := hintPost(q, p, hint, hintCnt, HintedPoints(len(shown)+1), d.note)
	if _, err := e.send(ctx, a, d.ch, post); err != nil {
		return "", "", err
	}
	// Stamped after the send, so an answer that raced the hint is given the benefit of the doubt;
	// recorded whatever ctx has come to (a shutdown abandoning the job), or the slot's takeover
	// would post the hint again.
	if err := e.sched.store.RecordHint(context.WithoutCancel(ctx), p.ID, hint, e.now()); err != nil {
		return "", "", err
	}
	return SlotPosted, fmt.Sprintf("hint %d of %s", hint, p.ShortRef()), nil
}

// hintsShownBefore returns, for a post, how many of its hints were shown at or before a time.
func (e *Engine) hintsShownBefore(ctx context.Context, p PostedQuestion) (func(time.Time) int, error) {
	none := func(time.Time) int { return 0 }
	if p.Kind != KindDebug {
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
