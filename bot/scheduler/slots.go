package scheduler

import (
	"sort"
	"time"
)

// slot is one firing of a timetable.
type slot struct {
	Key  string    // what the claim is keyed by
	Wall time.Time // local wall-clock time written as UTC (for @every: the UTC instant)
	At   time.Time // the real instant it is due
}

// wallOf writes t's local wall-clock time in loc as a UTC time.
func wallOf(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), 0, time.UTC)
}

// instantOf maps a wall-clock time in loc to the instant it is due. Go's time.Date is not used for
// this because its choice in the two DST cases differs by zone (on 2026-03-08 it maps New York's
// 02:30 back to 01:30 EST, and on 2026-10-25 Berlin's ambiguous 02:30 to the later CET one). Instead:
//   - a wall time that happens twice (fall-back hour) is due at its first occurrence, and being one
//     slot key it is posted once;
//   - a wall time that never happens (spring-forward gap) is due as far after the gap's start as
//     the wall time is after it: 02:30 on 2026-03-08 in New York is 03:30 EDT, the same day.
func instantOf(w time.Time, loc *time.Location) time.Time {
	var valid []time.Time
	offsets := make([]int, 0, 2)
	for _, probe := range []time.Duration{-26 * time.Hour, 26 * time.Hour} {
		_, off := w.Add(probe).In(loc).Zone() // close enough: offsets change at most once in a day
		offsets = append(offsets, off)
		t := w.Add(-time.Duration(off) * time.Second).In(loc)
		if wallOf(t, loc).Equal(w) {
			valid = append(valid, t)
		}
	}
	switch len(valid) {
	case 0: // in the gap: read the wall time with the offset in force before the gap
		return w.Add(-time.Duration(offsets[0]) * time.Second).In(loc)
	case 1:
		return valid[0]
	default:
		if valid[1].Before(valid[0]) {
			return valid[1]
		}
		return valid[0]
	}
}

// slotKey is the claim key of the wall time w in zone (or of an @every instant).
func slotKey(tt Timetable, w time.Time, zone string) string {
	if !tt.WallClock() {
		return w.UTC().Format(time.RFC3339)
	}
	return w.Format("2006-01-02T15:04") + " " + zone
}

// maxSlotsScanned bounds every walk over a timetable, so a spec like "* * * * *" over a long outage
// cannot keep the scheduler busy.
const maxSlotsScanned = 20000

// dstPad widens wall-clock windows so a slot whose instant falls in the window is found even when the
// offset changed inside it (no zone moves its clocks by more than two hours).
const dstPad = 3 * time.Hour

// slotsIn lists the slots of tt (in loc, named zone) whose instants fall in (from, to], in order
// of their instants.
func slotsIn(tt Timetable, loc *time.Location, zone string, from, to time.Time) []slot {
	var out []slot
	if !tt.WallClock() {
		for t, n := tt.Next(from), 0; !t.IsZero() && !t.After(to) && n < maxSlotsScanned; t, n = tt.Next(t), n+1 {
			out = append(out, slot{Key: slotKey(tt, t, zone), Wall: t.UTC(), At: t.UTC()})
		}
		return out
	}
	end := wallOf(to, loc).Add(dstPad)
	for w, n := tt.Next(wallOf(from, loc).Add(-dstPad)), 0; !w.IsZero() && !w.After(end) && n < maxSlotsScanned; w, n = tt.Next(w), n+1 {
		at := instantOf(w, loc)
		if at.After(from) && !at.After(to) {
			out = append(out, slot{Key: slotKey(tt, w, zone), Wall: w, At: at})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	// A gap time moved forward can land on a real slot ("30 * * * *": 02:30 and 03:30 both become
	// 03:30 EDT); post that instant once, under the real time's key.
	kept := out[:0]
	for i, s := range out {
		dup := (i > 0 && out[i-1].At.Equal(s.At)) || (i+1 < len(out) && out[i+1].At.Equal(s.At))
		if dup && !wallOf(s.At, loc).Equal(s.Wall) {
			continue
		}
		kept = append(kept, s)
	}
	return kept
}

// nextSlot is the first slot of tt due strictly after `after`; ok is false when there is none.
func nextSlot(tt Timetable, loc *time.Location, zone string, after time.Time) (slot, bool) {
	if !tt.WallClock() {
		t := tt.Next(after)
		return slot{Key: slotKey(tt, t, zone), Wall: t.UTC(), At: t.UTC()}, !t.IsZero()
	}
	var best slot
	found := false
	limit := wallOf(after, loc).Add(dstPad)
	for w, n := tt.Next(wallOf(after, loc).Add(-dstPad)), 0; !w.IsZero() && n < maxSlotsScanned; w, n = tt.Next(w), n+1 {
		if found && w.After(limit) {
			break
		}
		at := instantOf(w, loc)
		if at.After(after) && (!found || at.Before(best.At)) {
			best, found = slot{Key: slotKey(tt, w, zone), Wall: w, At: at}, true
			limit = w.Add(2 * dstPad) // a later wall time cannot be due earlier than this one by more
		}
	}
	return best, found
}

// NextAt is the instant of tt's first slot strictly after `after` in loc (named zone); ok is false
// when there is none. The game asks it when a job next runs ("revealed at 17:00").
func NextAt(tt Timetable, loc *time.Location, zone string, after time.Time) (time.Time, bool) {
	sl, ok := nextSlot(tt, loc, zone, after)
	return sl.At, ok
}

// SkipDays are the dates (YYYY-MM-DD) on which a channel's jobs do not run, read in the channel's
// zone (In): a holiday is a day of the team's calendar, whatever zone a job's times are written in.
type SkipDays struct {
	In    *time.Location
	Dates map[string]bool
}

// On says whether a slot at `at` falls on a skip date, and which.
func (s SkipDays) On(at time.Time) (string, bool) {
	if s.In == nil || len(s.Dates) == 0 {
		return "", false
	}
	day := at.In(s.In).Format(time.DateOnly)
	return day, s.Dates[day]
}

// NextRunAt is NextAt passing over the slots on skip dates, as the run loop does: when a job
// really runs next.
func NextRunAt(tt Timetable, loc *time.Location, zone string, after time.Time, skip SkipDays) (time.Time, bool) {
	for range len(skip.Dates) + 1 { // each turn passes one skip date
		at, ok := NextAt(tt, loc, zone, after)
		if _, skipped := skip.On(at); !ok || !skipped {
			return at, ok
		}
		y, m, d := at.In(skip.In).Date()
		after = time.Date(y, m, d+1, 0, 0, 0, 0, skip.In).Add(-time.Nanosecond) // the rest of that day
	}
	return time.Time{}, false
}
