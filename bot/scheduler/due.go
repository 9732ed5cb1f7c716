package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"time"
)

// dueSlots lists what to run now, in the order it fell due, and records missed slots as skipped.
func (s *Scheduler[T]) dueSlots(ctx context.Context, plan Plan[T], now time.Time) ([]Due[T], error) {
	var work []Due[T]
	for _, j := range plan.Timed {
		start := now.Add(-s.grace)
		if j.Since.After(start) {
			start = j.Since
		}
		if err := s.skipMissed(ctx, j, start, now); err != nil {
			return nil, err
		}
		for _, sl := range slotsIn(j.Timetable, j.Loc, j.Zone, start, now) {
			d := Due[T]{Key: Key{ChannelID: j.Channel, Job: j.Job, Slot: sl.Key}, At: sl.At, Loc: j.Loc, Meta: j.Meta}
			if day, skipped := j.SkipDays.On(sl.At); skipped {
				if err := s.skip(ctx, d, "skip date "+day, now, slog.LevelInfo, "scheduled job skipped: skip date"); err != nil {
					return nil, err
				}
				continue
			}
			work = append(work, d)
		}
	}
	for _, o := range plan.Once {
		if o.At.After(now) {
			continue
		}
		d := Due[T]{Key: o.Key, At: o.At, Loc: o.Loc, Meta: o.Meta}
		if d.Loc == nil {
			d.Loc = time.UTC
		}
		if !o.At.After(now.Add(-s.grace)) {
			if err := s.skip(ctx, d, "missed: past the grace window", now, slog.LevelWarn,
				"scheduled job skipped: it was due while the bot was not running"); err != nil {
				return nil, err
			}
			continue
		}
		work = append(work, d)
	}
	sort.SliceStable(work, func(i, j int) bool { return work[i].At.Before(work[j].At) })
	for i := range work {
		work[i].Late, work[i].Now = now.Sub(work[i].At) >= lateAfter, now
	}
	return work, nil
}

// skipMissed records the slots between the last one recorded and the grace window as skipped, once,
// and logs each: they were due while nothing was running, too long ago to run.
func (s *Scheduler[T]) skipMissed(ctx context.Context, j Timed[T], start, now time.Time) error {
	from, err := s.store.LastSlot(ctx, j.Channel, j.Job)
	if err != nil {
		return err
	}
	if j.Since.After(from) {
		from = j.Since
	}
	if lb := now.Add(-missedLookback); lb.After(from) {
		from = lb
	}
	if !start.After(from) {
		return nil
	}
	for _, sl := range slotsIn(j.Timetable, j.Loc, j.Zone, from, start) {
		if !sl.At.Before(start) { // the boundary instant itself is still in grace
			continue
		}
		d := Due[T]{Key: Key{ChannelID: j.Channel, Job: j.Job, Slot: sl.Key}, At: sl.At, Loc: j.Loc, Meta: j.Meta}
		if err := s.skip(ctx, d, fmt.Sprintf("missed: more than %s late", s.grace), now, slog.LevelWarn,
			"scheduled job skipped: the bot was not running when it was due, and it is past the grace window"); err != nil {
			return err
		}
	}
	return nil
}

// skip records d as skipped; the first process to record it counts and logs it.
func (s *Scheduler[T]) skip(ctx context.Context, d Due[T], note string, now time.Time, level slog.Level, msg string) error {
	ok, err := s.store.SkipSlot(ctx, d.Key, d.At, note, now)
	if err != nil || !ok {
		return err
	}
	s.metrics.SlotSkipped(d.Key.Job)
	s.log.Log(ctx, level, msg, d.attrs("due", d.At, "grace", s.grace)...)
	return nil
}

// next is the earliest slot or one-off of the plan due after now; ok is false when there is none.
func next[T any](plan Plan[T], now time.Time) (time.Time, bool) {
	var best time.Time
	consider := func(t time.Time) {
		if best.IsZero() || t.Before(best) {
			best = t
		}
	}
	for _, j := range plan.Timed {
		if at, ok := NextAt(j.Timetable, j.Loc, j.Zone, now); ok {
			consider(at)
		}
	}
	for _, o := range plan.Once {
		if o.At.After(now) {
			consider(o.At)
		}
	}
	return best, !best.IsZero()
}
