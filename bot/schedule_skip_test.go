package bot_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
)

// TestScheduleSkipDates: no job runs on a channel's skip date; it does again after unskip.
func TestScheduleSkipDates(t *testing.T) {
	clk := testkit.NewFakeClock(time.Date(2026, 12, 23, 8, 0, 0, 0, time.UTC))
	p := newSchedProc(t, clk, schedOpts{path: filepath.Join(t.TempDir(), "bot.db"), schedules: only(bot.JobQuestion, "0 9 * * *", "")})
	reply := p.engine.Handle(context.Background(), bot.Event{Conv: schedConv, User: bot.User{ID: "u1", Name: "Ann"}, Admin: true, Text: "schedule skip 2026-12-24"})
	if !strings.Contains(reply.Post.Text, "No job runs in this channel on 2026-12-24") {
		t.Fatalf("skip reply: %q", reply.Post.Text)
	}
	for d := 23; d <= 25; d++ {
		p.tickAt(t, time.Date(2026, 12, d, 9, 0, 0, 0, time.UTC))
	}
	if n := len(p.adapter.topLevel()); n != 2 {
		t.Fatalf("posted %d questions over 23-25 Dec with the 24th skipped, want 2", n)
	}
}

// A skip date is a day of the channel's calendar, in the channel's zone as its confirmation says,
// also for a job whose times are in a zone of its own: a 23:00 New York question falls on the next
// day in Berlin, so a Berlin channel's day off on the 24th passes over New York's 23rd and posts
// New York's 24th. Before, the date was read in the job's zone, and the question of Berlin's day
// off went out.
func TestSkipDatesAreTheChannelsDays(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	newYork, _ := time.LoadLocation("America/New_York")
	clk := testkit.NewFakeClock(time.Date(2026, 12, 23, 8, 0, 0, 0, berlin))
	p := newSchedProc(t, clk, schedOpts{schedules: only(bot.JobQuestion, "0 9 * * *", "")})
	run := func(text string) string {
		t.Helper()
		r := p.engine.Handle(context.Background(), bot.Event{Conv: schedConv, User: bot.User{ID: "lead", Name: "Lead"}, Admin: true, Text: text})
		return bot.PlainText(r.Post)
	}
	run("schedule zone Europe/Berlin")
	run(`schedule set question "0 23 * * *" America/New_York`)
	if got := run("schedule skip 2026-12-24"); !strings.Contains(got, "No job runs in this channel on 2026-12-24 (Europe/Berlin)") {
		t.Fatalf("skip reply: %q", got)
	}
	if got := run("schedule"); !strings.Contains(got, "Fri 05:00 CET") {
		t.Errorf("/pyq schedule does not name New York's Thursday (Berlin's Friday) as the next run:\n%s", got)
	}
	p.tickAt(t, time.Date(2026, 12, 23, 23, 0, 0, 0, newYork)) // Berlin's 24th, 05:00
	if n := len(p.adapter.topLevel()); n != 0 {
		t.Fatalf("posted %d questions on the channel's day off, want 0", n)
	}
	p.tickAt(t, time.Date(2026, 12, 24, 23, 0, 0, 0, newYork)) // Berlin's 25th
	if n := len(p.adapter.topLevel()); n != 1 {
		t.Fatalf("posted %d questions the day after, want 1", n)
	}
}

// Times told to users pass over skip dates, as the run loop does: the reveal an answer's reply
// names, the "Next run" of /pyq schedule and of a schedule change (before, on a skipped day they
// named a reveal at 17:00 that never ran, and the question stayed open).
func TestToldTimesPassOverSkipDates(t *testing.T) {
	clk := testkit.NewFakeClock(time.Date(2026, 12, 23, 8, 0, 0, 0, time.UTC)) // Wednesday
	p := newSchedProc(t, clk, schedOpts{schedules: []bot.Schedule{
		{Job: bot.JobQuestion, Spec: "0 9 * * *", Enabled: true}, {Job: bot.JobReveal, Spec: "0 17 * * *", Enabled: true}}})
	run := func(user, text string) string {
		t.Helper()
		r := p.engine.Handle(context.Background(), bot.Event{Conv: schedConv, User: bot.User{ID: user, Name: user}, Admin: user == "lead", Text: text})
		return bot.PlainText(r.Post)
	}
	for _, d := range []string{"2026-12-23", "2026-12-24"} {
		run("lead", "schedule skip "+d)
	}
	list := run("ann", "schedule")
	for _, want := range []string{"Fri 09:00 UTC", "Fri 17:00 UTC"} {
		if !strings.Contains(list, want) {
			t.Errorf("/pyq schedule lacks %q (the 23rd and 24th are skipped):\n%s", want, list)
		}
	}
	if strings.Contains(list, "Wed 17:00") || strings.Contains(list, "Thu 17:00") {
		t.Errorf("/pyq schedule names a run on a skip date:\n%s", list)
	}
	if got := run("lead", `schedule set reveal "30 17 * * *"`); !strings.Contains(got, "Next run: Fri 17:30 UTC") {
		t.Errorf("schedule set: %q, want the next run on Friday", got)
	}
	run("lead", "today")
	if got := run("ann", "answer A"); !strings.Contains(got, "revealed Fri 17:30 UTC") {
		t.Errorf("answer reply: %q, want the reveal on Friday", got)
	}
}
