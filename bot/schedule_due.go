package bot

import (
	"context"
	"fmt"
	"sort"
	"time"
)

// timetabled is an enabled schedule with its channel and parsed timetable.
type timetabled struct {
	s    Schedule
	ch   Channel
	tt   Timetable
	loc  *time.Location
	zone string
}

// timetables loads every schedule (all of them, for hint offsets) and the enabled ones parsed, with
// their channels. A stored spec that no longer parses is logged once and left out.
func (e *Engine) timetables(ctx context.Context) ([]timetabled, []Schedule, error) {
	st := e.sched.store
	channels, err := st.Channels(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("list channels: %w", err)
	}
	byID := map[int64]Channel{}
	for _, ch := range channels {
		byID[ch.ID] = ch
	}
	schedules, err := st.Schedules(ctx, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("list schedules: %w", err)
	}
	var out []timetabled
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
		out = append(out, timetabled{s: s, ch: ch, tt: tt, loc: loc, zone: zone})
	}
	return out, schedules, nil
}

// dueSlots lists what to run now, in the order it fell due, and records missed slots as skipped.
func (e *Engine) dueSlots(ctx context.Context, now time.Time) ([]due, error) {
	st := e.sched.store
	active, schedules, err := e.timetables(ctx)
	if err != nil {
		return nil, err
	}
	skipDays := map[int64]map[string]bool{}
	var work []due
	for _, a := range active {
		s, ch, tt, loc, zone := a.s, a.ch, a.tt, a.loc, a.zone
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
