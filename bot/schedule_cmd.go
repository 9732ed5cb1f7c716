package bot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/pyqbot/pyqbot/bot/scheduler"
)

const scheduleUsage = "`/pyq schedule` lists this channel's jobs. Admins can change them:\n" +
	"• `/pyq schedule set JOB \"CRON\" [ZONE]` — e.g. `/pyq schedule set question \"0 9 * * 1-5\" Europe/Berlin` " +
	"(five fields, or @daily, @weekly, \"@every 1h\"; an optional CRON_TZ=Zone prefix)\n" +
	"• `/pyq schedule off JOB` and `/pyq schedule on JOB`\n" +
	"• `/pyq schedule zone ZONE` — the channel's time zone, used by jobs without their own\n" +
	"• `/pyq schedule skip YYYY-MM-DD` and `/pyq schedule unskip YYYY-MM-DD` — holidays: no job runs that day\n" +
	"Jobs: question, debug, reveal, leaderboard."

func (e *Engine) cmdSchedule(ctx context.Context, r request) Reply {
	if !e.Scheduling() {
		return privateText(errNoScheduling.Message)
	}
	st := e.sched.store
	if err := st.SeedSchedules(ctx, r.ch.ID, e.sched.defaults, e.now()); err != nil {
		return e.internalError(r.Event, "seed schedules", err)
	}
	sub, rest, ok := scheduleAction(r.rest)
	switch {
	case !ok:
		return privateText(fmt.Sprintf("There is no `/pyq schedule %s`. %s\n\n%s", sub,
			suggestion(sub, scheduleSuggestions()), scheduleUsage))
	case sub == "list":
		return e.scheduleList(ctx, r)
	case sub == "help":
		return privateText(scheduleUsage)
	}
	if !r.Admin {
		return privateText(fmt.Sprintf("Only workspace admins can change the schedule, so `/pyq schedule %s` was refused. "+
			"`/pyq schedule` shows it to anyone.", sub))
	}
	var msg string
	var err error
	switch sub {
	case "set":
		msg, err = e.scheduleSet(ctx, r, rest)
	case "off", "on":
		msg, err = e.scheduleToggle(ctx, r, rest, sub == "on")
	case "zone":
		msg, err = e.scheduleZone(ctx, r, strings.TrimSpace(rest))
	case "skip", "unskip":
		msg, err = e.scheduleSkip(ctx, r, strings.TrimSpace(rest), sub == "skip")
	}
	if err != nil {
		if m := userMessage(err); m != "" {
			return privateText(m)
		}
		return e.internalError(r.Event, "schedule "+sub, err)
	}
	e.schedulesChanged() // committed
	return privateText(msg)
}

func (e *Engine) scheduleList(ctx context.Context, r request) Reply {
	schedules, err := e.schedules(ctx, r.ch.ID)
	if err != nil {
		return e.internalError(r.Event, "list schedules", err)
	}
	now := e.now()
	l := scheduleListing{ch: r.ch, now: now, grace: e.sched.run.Grace()}
	if l.skipDates, err = e.sched.store.SkipDates(ctx, r.ch.ID); err != nil {
		return e.internalError(r.Event, "skip dates", err)
	}
	skip := skipDaysOf(r.ch, l.skipDates)
	for _, s := range schedules {
		job := scheduleJobRun{s: s}
		tt, jobLoc, z, err := e.timetable(s, r.ch)
		switch {
		case err != nil:
			job.invalid = err
		case s.Enabled:
			job.zone = z
			if at, ok := scheduler.NextRunAt(tt, jobLoc, z, now, skip); ok {
				job.next = at
			}
		}
		l.jobs = append(l.jobs, job)
	}
	if r.Admin {
		if l.problems, err = e.recentProblems(ctx, r.ch, schedules, now); err != nil {
			return e.internalError(r.Event, "list failed slots", err)
		}
	}
	return Reply{Private: true, Post: scheduleListPost(l)}
}

// problemWindow is how far back `/pyq schedule` looks for posts that failed.
const problemWindow = 7 * 24 * time.Hour

// recentProblems tells admins which scheduled posts the platform refused lately and why (a bot not
// in the channel, missing permissions), and what went wrong around posts that did go out (a thread
// that could not be started), so a gap in the schedule or a missing thread has a visible cause.
func (e *Engine) recentProblems(ctx context.Context, ch Channel, schedules []Schedule, now time.Time) (string, error) {
	var lines []string
	for _, s := range schedules {
		slots, err := e.sched.store.Slots(ctx, ch.ID, s.Job)
		if err != nil {
			return "", err
		}
		for _, sl := range slots {
			if sl.State != SlotFailed || now.Sub(sl.Due) > problemWindow {
				continue
			}
			note := sl.Note
			if note == "" {
				note = "the platform refused the post"
			}
			lines = append(lines, fmt.Sprintf("• %s due %s: %s", s.Job, sl.Due.In(ch.Location()).Format("Mon 2 Jan 15:04"), note))
		}
	}
	problems, err := e.store.Problems(ctx, ch.ID, now.Add(-problemWindow))
	if err != nil {
		return "", err
	}
	for _, p := range problems {
		lines = append(lines, fmt.Sprintf("• %s: %s", p.At.In(ch.Location()).Format("Mon 2 Jan 15:04"), p.Text))
	}
	if len(lines) == 0 {
		return "", nil
	}
	return "\nProblems in the last 7 days (only admins see this):\n" + strings.Join(lines, "\n"), nil
}

func (e *Engine) findSchedule(ctx context.Context, channelID int64, job Job) (Schedule, error) {
	schedules, err := e.schedules(ctx, channelID)
	if err != nil {
		return Schedule{}, err
	}
	for _, s := range schedules {
		if s.Job == job {
			return s, nil
		}
	}
	s := Schedule{ChannelID: channelID, Job: job}
	for _, d := range e.sched.defaults {
		if d.Job == job {
			s.HintOffsets = d.HintOffsets
		}
	}
	if job == JobDebug && s.HintOffsets == nil {
		s.HintOffsets = DefaultHintOffsets
	}
	return s, nil
}

func (e *Engine) scheduleSet(ctx context.Context, r request, rest string) (string, error) {
	jobWord, rest := splitWord(rest)
	job, err := ParseJob(jobWord)
	if err != nil {
		return "", &UserError{capitalise(err.Error()) + ". Example: `/pyq schedule set question \"0 9 * * 1-5\"`."}
	}
	spec, zone, problem := splitSpec(rest)
	if problem != "" {
		return "", &UserError{problem}
	}
	if strings.Contains(zone, " ") {
		return "", &UserError{fmt.Sprintf("%q is not one time zone: put the schedule in quotes and give one IANA zone after it, e.g. `/pyq schedule set %s \"0 9 * * 1-5\" Europe/Berlin`.", zone, job)}
	}
	tt, err := e.sched.parse(spec, zone)
	if err != nil {
		return "", &UserError{capitalise(err.Error()) + "."}
	}
	s, err := e.findSchedule(ctx, r.ch.ID, job)
	if err != nil {
		return "", err
	}
	// Read before the change: once it is committed, a failing read must not make the reply say
	// that nothing was changed.
	skip, err := e.skipDays(ctx, r.ch)
	if err != nil {
		return "", err
	}
	s.Spec, s.Zone, s.Enabled, s.UpdatedAt = spec, zone, true, e.now()
	if err := e.sched.store.SetSchedule(ctx, s); err != nil {
		return "", err
	}
	z := tt.Zone()
	if z == "" {
		z = r.ch.TimeZone
	}
	loc, _ := time.LoadLocation(z)
	next := "never"
	if loc != nil {
		if at, ok := scheduler.NextRunAt(tt, loc, z, e.now(), skip); ok {
			next = formatWhen(at, e.now(), r.ch.Location())
		}
	}
	e.log.Info("schedule changed", convArgs(r.ch.Conv, "job", job, "spec", spec, "zone", zone, "by", r.User.ID)...)
	return fmt.Sprintf("The %s job now runs on %q (%s). Next run: %s.", job, spec, z, next), nil
}

func (e *Engine) scheduleToggle(ctx context.Context, r request, rest string, on bool) (string, error) {
	job, err := ParseJob(rest)
	if err != nil {
		return "", &UserError{capitalise(err.Error()) + "."}
	}
	s, err := e.findSchedule(ctx, r.ch.ID, job)
	if err != nil {
		return "", err
	}
	if on && s.Spec == "" {
		return "", &UserError{fmt.Sprintf("The %s job has no schedule yet: set one with `/pyq schedule set %s \"CRON\"`.", job, job)}
	}
	s.Enabled, s.UpdatedAt = on, e.now()
	if err := e.sched.store.SetSchedule(ctx, s); err != nil {
		return "", err
	}
	e.log.Info("schedule switched", convArgs(r.ch.Conv, "job", job, "on", on, "by", r.User.ID)...)
	if on {
		return fmt.Sprintf("The %s job is on again (%q).", job, s.Spec), nil
	}
	return fmt.Sprintf("The %s job is off in this channel. `/pyq schedule on %s` turns it back on.", job, job), nil
}

func (e *Engine) scheduleZone(ctx context.Context, r request, zone string) (string, error) {
	if zone == "" || strings.Contains(zone, " ") {
		return "", &UserError{"Give one IANA time zone, e.g. `/pyq schedule zone Europe/Berlin`."}
	}
	if _, err := e.sched.parse("@daily", zone); err != nil {
		return "", &UserError{capitalise(err.Error()) + "."}
	}
	if err := e.sched.store.SetChannelZone(ctx, r.ch.ID, zone, e.now()); err != nil {
		return "", err
	}
	e.log.Info("channel zone changed", convArgs(r.ch.Conv, "zone", zone, "by", r.User.ID)...)
	return fmt.Sprintf("This channel's time zone is now %s. Jobs without a zone of their own run on its wall clock; leaderboard weeks and streak days use it too.", zone), nil
}

func (e *Engine) scheduleSkip(ctx context.Context, r request, typed string, skip bool) (string, error) {
	day, ok := skipDay(typed)
	if !ok {
		return "", &UserError{fmt.Sprintf("%q is not a date: write it as YYYY-MM-DD, e.g. `/pyq schedule skip 2026-12-24`.", typed)}
	}
	if today := LocalDay(e.now(), r.ch.Location()); skip && day < today {
		return "", &UserError{fmt.Sprintf("%s is in the past here (today is %s in %s): name a date from today on.", day, today, r.ch.TimeZone)}
	}
	if err := e.sched.store.SetSkipDate(ctx, r.ch.ID, day, skip); err != nil {
		return "", err
	}
	if skip {
		return fmt.Sprintf("No job runs in this channel on %s (%s). `/pyq schedule unskip %s` undoes it.", day, r.ch.TimeZone, day), nil
	}
	return fmt.Sprintf("%s is a normal day again in this channel.", day), nil
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
