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

// TestScheduleCommands covers /pyq schedule: listing for anyone, refusal of changes for non-admins,
// clear errors naming the bad spec, zone or job, and changes that take effect.
func TestScheduleCommands(t *testing.T) {
	ctx := context.Background()
	clk := testkit.NewFakeClock(time.Date(2026, 3, 4, 8, 0, 0, 0, time.UTC)) // Wednesday
	p := newSchedProc(t, clk, schedOpts{path: filepath.Join(t.TempDir(), "bot.db")})
	run := func(admin bool, text string) string {
		r := p.engine.Handle(ctx, bot.Event{Conv: schedConv, User: bot.User{ID: "u1", Name: "Ann"}, Admin: admin, Text: text})
		return bot.PlainText(r.Post)
	}
	list := run(false, "schedule")
	for _, want := range []string{"question", "0 9 * * 1-5", "Wed 09:00 UTC (in 1h 0m)", "debug", "0 10 * * 3 (hints +2h, +4h)",
		"reveal", "Wed 17:00 UTC", "leaderboard", "Fri 16:00 UTC"} {
		if !strings.Contains(list, want) {
			t.Errorf("list lacks %q:\n%s", want, list)
		}
	}
	tests := []struct {
		admin bool
		text  string
		want  string
	}{
		{false, `schedule set question "0 8 * * *"`, "Only workspace admins can change the schedule"},
		{false, "schedule off debug", "Only workspace admins"},
		{true, `schedule set question "TZ="`, `"TZ="`},
		{true, `schedule set question "CRON_TZ=UTC"`, `Schedule "CRON_TZ=UTC" has a time zone but no schedule after it`},
		{true, `schedule set question "TZ=0"`, `"TZ=0"`},
		{true, `schedule set question "0 25 * * *"`, `Schedule "0 25 * * *" is not valid: hour 25 is out of range 0–23; write an hour from 0 to 23`},
		{true, `schedule set question "0 9 * * *" Mars/Base`, `"Mars/Base" is not a time zone`},
		{true, `schedule set quiz "0 9 * * *"`, `There is no job "quiz"`},
		{true, `schedule set question "0 9 * * *`, "closing quote is missing"},
		{true, "schedule zone Atlantis", `"Atlantis" is not a time zone`},
		{true, "schedule skip tomorrow", `"tomorrow" is not a date`},
		{true, "schedule skip 2026-03-03", "2026-03-03 is in the past here (today is 2026-03-04 in UTC)"},
		{true, "schedule sett", "Did you mean `set`?"},
		{true, `schedule set question “30 8 * * 1-5” America/New_York`, `The question job now runs on "30 8 * * 1-5" (America/New_York)`},
		{true, "schedule set leaderboard @weekly", `The leaderboard job now runs on "@weekly"`},
		{true, "schedule set reveal CRON_TZ=Europe/Berlin 0 18 * * 1-5", `"CRON_TZ=Europe/Berlin 0 18 * * 1-5" (Europe/Berlin)`},
		{true, "schedule off debug", "The debug job is off"},
		{true, "schedule zone Europe/Berlin", "time zone is now Europe/Berlin"},
	}
	for _, tt := range tests {
		if got := run(tt.admin, tt.text); !strings.Contains(got, tt.want) {
			t.Errorf("/pyq %s (admin %v):\n got %q\nwant it to contain %q", tt.text, tt.admin, got, tt.want)
		}
	}
	list = run(false, "schedule")
	for _, want := range []string{"30 8 * * 1-5", "America/New_York", "Wed 14:30 CET", "off", "@weekly", "Europe/Berlin"} {
		if !strings.Contains(list, want) {
			t.Errorf("changed list lacks %q:\n%s", want, list)
		}
	}
	// Changes survive a restart: a new engine on the same database sees them.
	schedules, err := p.db.Schedules(ctx, p.ch.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := map[bot.Job]bot.Schedule{}
	for _, s := range schedules {
		got[s.Job] = s
	}
	if s := got[bot.JobQuestion]; s.Spec != "30 8 * * 1-5" || s.Zone != "America/New_York" || !s.Enabled {
		t.Errorf("stored question schedule = %+v", s)
	}
	if s := got[bot.JobDebug]; s.Enabled || len(s.HintOffsets) != 2 {
		t.Errorf("stored debug schedule = %+v, want off with its hints kept", s)
	}
	// The question now runs at 08:30 New York time, which is 13:30 UTC on 4 March.
	p.tickAt(t, time.Date(2026, 3, 4, 13, 30, 0, 0, time.UTC))
	if n := len(p.adapter.topLevel()); n != 1 {
		t.Fatalf("posted %d at 08:30 New York, want 1", n)
	}
}
