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

// TestZoneChangeDoesNotCatchUpSlotsBeforeIt: `/pyq schedule zone` moves the jobs that follow the
// channel's zone onto a new wall clock, and a slot of the new clock that fell before the change was
// never promised. A New York channel (09:00 there is 14:00 UTC) switched to Berlin at 10:00 UTC must
// not post Berlin's 09:00 (08:00 UTC) then, as a late post saying the bot was down: it was not.
func TestZoneChangeDoesNotCatchUpSlotsBeforeIt(t *testing.T) {
	ctx := context.Background()
	clk := testkit.NewFakeClock(time.Date(2026, 3, 3, 8, 0, 0, 0, time.UTC))
	p := newSchedProc(t, clk, schedOpts{path: filepath.Join(t.TempDir(), "bot.db"), schedules: only(bot.JobQuestion, "0 9 * * *", "")})
	zone := func(z string) {
		t.Helper()
		r := p.engine.Handle(ctx, bot.Event{Conv: schedConv, User: bot.User{ID: "u1", Name: "Ann"}, Admin: true, Text: "schedule zone " + z})
		if !strings.Contains(r.Post.Text, "time zone is now "+z) {
			t.Fatalf("schedule zone %s: %q", z, r.Post.Text)
		}
	}
	zone("America/New_York")
	p.tickAt(t, time.Date(2026, 3, 3, 14, 0, 0, 0, time.UTC)) // 09:00 in New York
	if n := len(p.adapter.topLevel()); n != 1 {
		t.Fatalf("posted %d at 09:00 New York, want 1", n)
	}

	clk.Set(time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)) // 11:00 in Berlin, 05:00 in New York
	zone("Europe/Berlin")
	p.tickAt(t, clk.Now()) // the tick the change wakes
	if got := p.adapter.topLevel(); len(got) != 1 {
		t.Fatalf("the zone change posted at once: %d posts, want the one of yesterday; the last says %q", len(got), got[len(got)-1].post.Text)
	}
	p.tickAt(t, time.Date(2026, 3, 5, 8, 0, 0, 0, time.UTC)) // 09:00 in Berlin the next day
	if n := len(p.adapter.topLevel()); n != 2 {
		t.Fatalf("posted %d by 09:00 Berlin the next day, want 2", n)
	}
}
