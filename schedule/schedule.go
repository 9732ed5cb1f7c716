// Package schedule parses cron specs for the bot's scheduler with robfig/cron/v3. It only parses and
// computes times: the bot never uses robfig's runner, whose daylight-saving behaviour (a slot in the
// spring-forward gap never runs, one in the fall-back hour runs twice) is the opposite of what pyqbot
// promises. The scheduler (package bot/scheduler) turns the wall-clock times computed here into
// slots and instants; this package depends on nothing else of pyqbot.
package schedule

import (
	"fmt"
	"strings"
	"time"

	"github.com/pyqbot/pyqbot/bot/scheduler"
	"github.com/robfig/cron/v3"
)

// MinEvery is the shortest @every interval accepted: a chat bot that posts more often is a mistake.
const MinEvery = time.Minute

var parser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

var _ func(spec, zone string) (scheduler.Timetable, error) = Parse

const specHelp = `use five fields (minute hour day-of-month month day-of-week), e.g. "0 9 * * 1-5", ` +
	`or a descriptor such as @daily, @weekly or "@every 1h", optionally after CRON_TZ=Zone`

// Parse parses a standard five-field spec or a descriptor, with an optional CRON_TZ=Zone (or TZ=Zone)
// prefix, and zone, a separate IANA zone name that may be empty. A prefix and a different zone is an
// error. Specs that make robfig/cron panic ("TZ=", "TZ=0", "CRON_TZ=UTC" with no fields) are errors
// naming the spec: Parse never panics.
func Parse(spec, zone string) (tt scheduler.Timetable, err error) {
	orig := spec
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return nil, fmt.Errorf("the schedule is empty: %s", specHelp)
	}
	zone = strings.TrimSpace(zone)
	if zone != "" {
		if err := CheckZone(zone); err != nil {
			return nil, err
		}
	}
	if strings.HasPrefix(spec, "TZ=") || strings.HasPrefix(spec, "CRON_TZ=") {
		prefix, rest, _ := strings.Cut(spec, " ")
		rest = strings.TrimSpace(rest)
		_, name, _ := strings.Cut(prefix, "=")
		switch {
		case name == "":
			return nil, fmt.Errorf("schedule %q: %s names no time zone: write CRON_TZ=Europe/Berlin, or leave the prefix out", orig, prefix)
		case rest == "":
			return nil, fmt.Errorf("schedule %q has a time zone but no schedule after it: %s", orig, specHelp)
		}
		if err := CheckZone(name); err != nil {
			return nil, fmt.Errorf("schedule %q: %w", orig, err)
		}
		if zone != "" && zone != name {
			return nil, fmt.Errorf("schedule %q says CRON_TZ=%s but the zone given is %s: give the zone once", orig, name, zone)
		}
		zone, spec = name, rest
		if strings.HasPrefix(spec, "TZ=") || strings.HasPrefix(spec, "CRON_TZ=") {
			return nil, fmt.Errorf("schedule %q has two time zone prefixes: keep one", orig)
		}
	}
	// robfig/cron panics on some malformed input (issues #470, #554); a spec typed in chat must
	// never take the bot down.
	defer func() {
		if r := recover(); r != nil {
			tt, err = nil, fmt.Errorf("schedule %q is not valid (%v): %s", orig, r, specHelp)
		}
	}()
	// robfig takes "@every -1h" and makes it every second; say what is wrong instead.
	if word, rest, _ := strings.Cut(spec, " "); word == "@every" {
		if d, err := time.ParseDuration(strings.TrimSpace(rest)); err == nil && d <= 0 {
			return nil, fmt.Errorf("schedule %q is not valid: %s is not a positive interval; write one such as \"@every 1h\"", orig, strings.TrimSpace(rest))
		}
	}
	parsed, perr := parser.Parse(spec)
	if perr != nil {
		if p := specProblem(spec); p != "" {
			return nil, fmt.Errorf("schedule %q is not valid: %s", orig, p)
		}
		return nil, fmt.Errorf("schedule %q is not valid (%v): %s", orig, perr, specHelp)
	}
	switch s := parsed.(type) {
	case *cron.SpecSchedule:
		// Evaluate in a zone-free frame: times handed to Next are wall-clock times labelled UTC, so
		// a daylight-saving change never skips or repeats one (see scheduler.Timetable).
		s.Location = time.UTC
		t := wallClock{spec: s, zone: zone}
		if t.Next(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)).IsZero() {
			return nil, fmt.Errorf("schedule %q never runs (is the day of the month in that month?): %s", orig, specHelp)
		}
		return t, nil
	case cron.ConstantDelaySchedule:
		if s.Delay < MinEvery {
			return nil, fmt.Errorf("schedule %q runs more often than every %s: choose a longer interval", orig, MinEvery)
		}
		return every{delay: s.Delay, zone: zone}, nil
	default:
		return nil, fmt.Errorf("schedule %q is of an unsupported kind %T: %s", orig, parsed, specHelp)
	}
}

// CheckZone accepts IANA zone names and UTC; "Local" is refused because it means whatever the
// server happens to be set to, which is never what a channel wants. Every zone pyqbot is given
// (a schedule's, a channel's, [bot] timezone) goes through it. The error quotes the name.
func CheckZone(name string) error {
	if name == "Local" {
		return fmt.Errorf("time zone %q depends on the server's settings: use an IANA name such as \"Europe/Berlin\" or \"UTC\"", name)
	}
	if _, err := time.LoadLocation(name); err != nil {
		return fmt.Errorf("%q is not a time zone: use an IANA name such as \"Europe/Berlin\", \"America/New_York\" or \"UTC\"", name)
	}
	return nil
}

// wallClock is a cron spec or descriptor evaluated on wall-clock times.
type wallClock struct {
	spec *cron.SpecSchedule
	zone string
}

func (w wallClock) Next(after time.Time) time.Time { return w.spec.Next(after.UTC()) }
func (w wallClock) WallClock() bool                { return true }
func (w wallClock) Zone() string                   { return w.zone }

// every is "@every D" on real time. robfig's ConstantDelaySchedule counts from whatever time it is
// given, so two processes (or one restarted) would disagree on the slots; anchoring the slots to
// multiples of D since Go's zero time makes them the same everywhere: "@every 1h" fires on the hour.
type every struct {
	delay time.Duration
	zone  string
}

func (e every) Next(after time.Time) time.Time {
	after = after.UTC()
	next := after.Truncate(e.delay)
	for !next.After(after) {
		next = next.Add(e.delay)
	}
	return next
}
func (e every) WallClock() bool { return false }
func (e every) Zone() string    { return e.zone }
