package bot

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Job is something the scheduler does in a channel at the times of a cron spec.
type Job string

const (
	JobQuestion    Job = "question"    // post the question of the day
	JobDebug       Job = "debug"       // post a threaded debugging challenge, with hints at offsets
	JobReveal      Job = "reveal"      // close what is open in the channel and reveal it in its thread
	JobLeaderboard Job = "leaderboard" // post the weekly team leaderboard
	// JobHint is not a schedule: it names the claims of a challenge's hints, which are slots too.
	JobHint Job = "hint"
)

// Jobs lists the schedulable jobs in the order `/pyq schedule` shows them.
var Jobs = []Job{JobQuestion, JobDebug, JobReveal, JobLeaderboard}

// DefaultHintOffsets are when a debugging challenge's hints go into its thread, after the post.
var DefaultHintOffsets = []time.Duration{2 * time.Hour, 4 * time.Hour}

// DefaultSchedules are the jobs a channel gets when the config has no [[schedule]] entries.
func DefaultSchedules() []Schedule {
	return []Schedule{
		{Job: JobQuestion, Spec: "0 9 * * 1-5", Enabled: true},
		{Job: JobDebug, Spec: "0 10 * * 3", Enabled: true, HintOffsets: append([]time.Duration(nil), DefaultHintOffsets...)},
		{Job: JobReveal, Spec: "0 17 * * 1-5", Enabled: true},
		{Job: JobLeaderboard, Spec: "0 16 * * 5", Enabled: true},
	}
}

// ParseJob reads a job name as typed in chat or config.
func ParseJob(s string) (Job, error) {
	j := Job(strings.ToLower(strings.TrimSpace(s)))
	for _, k := range Jobs {
		if j == k {
			return j, nil
		}
	}
	names := make([]string, len(Jobs))
	for i, k := range Jobs {
		names[i] = string(k)
	}
	return "", fmt.Errorf("there is no job %q: the jobs are %s", s, strings.Join(names, ", "))
}

// Schedule is one job of one channel.
type Schedule struct {
	ChannelID   int64
	Job         Job
	Spec        string // five cron fields or a descriptor, maybe after CRON_TZ=Zone
	Zone        string // IANA zone; empty means the channel's zone (or the spec's CRON_TZ prefix)
	Enabled     bool
	HintOffsets []time.Duration // debug only: when each hint goes into the thread, after the post
	UpdatedAt   time.Time       // when it was created or last changed; no slot before it is "missed"
}

// Timetable is a parsed spec. Package schedule implements it with robfig/cron; the core only needs
// this much, so it keeps to the standard library.
type Timetable interface {
	// Next is the first firing time strictly after `after`, or the zero time when there is none.
	// For a wall-clock timetable both are wall-clock times written as UTC times (09:00 local is
	// 09:00 UTC): that frame has no daylight-saving changes, so no local time is skipped or repeated.
	Next(after time.Time) time.Time
	// WallClock is true for cron fields and descriptors; false for "@every D", which runs on real
	// time (every D from a fixed origin, whatever the zone).
	WallClock() bool
	// Zone is the spec's CRON_TZ prefix, or the zone given to the parser; empty means the channel's.
	Zone() string
}

// SpecParser parses a spec with an optional separate zone. Errors name the spec or zone and say what
// to write instead; a parser never panics.
type SpecParser func(spec, zone string) (Timetable, error)

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
