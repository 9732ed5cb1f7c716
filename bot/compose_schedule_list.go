package bot

import (
	"fmt"
	"strings"
	"time"
)

// How `/pyq schedule` looks: the channel's jobs with their next runs, its skip dates and, for
// admins, what went wrong lately.

// scheduleListing is what `/pyq schedule` shows, read by scheduleList.
type scheduleListing struct {
	ch        Channel
	now       time.Time
	grace     time.Duration // how late a missed slot is still posted
	jobs      []scheduleJobRun
	skipDates []string // every skip date of the channel; the past ones are left out
	problems  string   // recentProblems, for admins; "" otherwise
}

// scheduleJobRun is one job as the timetable works it out.
type scheduleJobRun struct {
	s       Schedule
	invalid error     // its spec or zone does not parse
	zone    string    // the zone it runs in, when on
	next    time.Time // its next run, when on; zero for never
}

// scheduleListPost is the reply to `/pyq schedule`: a table of jobs, then the rules and skip dates.
func scheduleListPost(l scheduleListing) Post {
	loc := l.ch.Location()
	table := &Table{Columns: []string{"Job", "Schedule", "Zone", "Next run"}}
	for _, j := range l.jobs {
		s := j.s
		zone, next := s.Zone, "off"
		switch {
		case j.invalid != nil:
			next = "invalid: " + j.invalid.Error()
		case s.Enabled:
			zone = j.zone
			next = "never"
			if !j.next.IsZero() {
				next = formatWhen(j.next, l.now, loc)
			}
		}
		if zone == "" {
			zone = l.ch.TimeZone
		}
		spec := s.Spec
		if s.Job == JobDebug && len(s.HintOffsets) > 0 {
			spec += " (hints " + formatOffsets(s.HintOffsets) + ")"
		}
		table.Rows = append(table.Rows, []string{string(s.Job), spec, zone, next})
	}
	var upcoming []string
	for _, d := range l.skipDates {
		if d >= LocalDay(l.now, loc) {
			upcoming = append(upcoming, d)
		}
	}
	text := fmt.Sprintf("Times are in the channel's zone, %s. A job missed while the bot was down is posted late within %s, and skipped after that.",
		l.ch.TimeZone, formatDuration(l.grace))
	if len(upcoming) > 0 {
		text += "\nSkip dates: " + strings.Join(upcoming, ", ") + "."
	}
	return Post{Title: "Schedule for this channel", Text: text + l.problems, Table: table,
		Footer: "Admins: `/pyq schedule help` shows how to change it."}
}

func formatOffsets(ds []time.Duration) string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = "+" + strings.TrimSuffix(strings.TrimSuffix(d.String(), "0s"), "0m")
	}
	return strings.Join(parts, ", ")
}
