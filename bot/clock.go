package bot

import (
	"fmt"
	"time"
)

// Sleep waits d on a real timer, returning early with ctx's error when ctx ends first: the real wait
// behind every wait that tests replace (footer edit gaps, rate-limit retries). ctx is a
// context.Context or anything with its Done and Err.
func Sleep(ctx interface {
	Done() <-chan struct{}
	Err() error
}, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// NextLocalTime is the first hour:minute wall-clock time in loc strictly after t.
func NextLocalTime(t time.Time, loc *time.Location, hour, minute int) time.Time {
	l := t.In(loc)
	next := time.Date(l.Year(), l.Month(), l.Day(), hour, minute, 0, 0, loc)
	if !next.After(t) {
		next = time.Date(l.Year(), l.Month(), l.Day()+1, hour, minute, 0, 0, loc)
	}
	return next
}

// LocalDay is t's calendar date in loc, the unit streaks count in.
func LocalDay(t time.Time, loc *time.Location) string { return t.In(loc).Format(time.DateOnly) }

// formatWhen says when t is, from now, in the channel's zone: "Mon 17:00 UTC (in 3h 5m)".
func formatWhen(t, now time.Time, loc *time.Location) string {
	s := t.In(loc).Format("Mon 15:04 MST")
	if d := t.Sub(now); d > 0 {
		s += " (in " + formatDuration(d) + ")"
	}
	return s
}

func formatDuration(d time.Duration) string {
	d = d.Round(time.Minute)
	h, m := int(d.Hours()), int(d.Minutes())%60
	switch {
	case h >= 48:
		return fmt.Sprintf("%dd %dh", h/24, h%24)
	case h > 0:
		return fmt.Sprintf("%dh %dm", h, m)
	default:
		return fmt.Sprintf("%dm", max(m, 1))
	}
}
