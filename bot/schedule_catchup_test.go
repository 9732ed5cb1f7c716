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

// TestScheduleGraceWindow: after downtime a slot within grace is posted late with a note; an older
// one is recorded as skipped once and never posted.
func TestScheduleGraceWindow(t *testing.T) {
	ctx := context.Background()
	day := func(d, h, m int) time.Time { return time.Date(2026, 3, d, h, m, 0, 0, time.UTC) }
	tests := []struct {
		name     string
		back     time.Time // when the bot comes back
		wantPost bool
		wantNote string
	}{
		{"on time", day(4, 9, 0), true, ""},
		{"a minute late is on time", day(4, 9, 0).Add(59 * time.Second), true, ""},
		{"two hours late", day(4, 11, 0), true, "Posted late: the bot was down at 09:00."},
		{"just within grace", day(4, 11, 59), true, "Posted late: the bot was down at 09:00."},
		{"exactly at grace is too late", day(4, 12, 0), false, ""},
		{"past grace", day(4, 15, 0), false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := testkit.NewFakeClock(day(4, 8, 0))
			p := newSchedProc(t, clk, schedOpts{path: filepath.Join(t.TempDir(), "bot.db"), schedules: only(bot.JobQuestion, "0 9 * * *", "")})
			p.tickAt(t, day(4, 8, 30)) // running, then down until tt.back
			p.tickAt(t, tt.back)
			p.tickAt(t, tt.back.Add(time.Minute))
			got := p.adapter.topLevel()
			if tt.wantPost != (len(got) == 1) || len(got) > 1 {
				t.Fatalf("posted %d times, want post=%v", len(got), tt.wantPost)
			}
			if tt.wantPost {
				hasNote := strings.Contains(got[0].post.Text, "Posted late")
				if (tt.wantNote != "") != hasNote || (tt.wantNote != "" && !strings.HasPrefix(got[0].post.Text, "_"+tt.wantNote+"_")) {
					t.Errorf("post text %q, want late note %q", got[0].post.Text, tt.wantNote)
				}
			}
			slots, err := p.db.Slots(ctx, p.ch.ID, bot.JobQuestion)
			if err != nil {
				t.Fatal(err)
			}
			want := bot.SlotPosted
			if !tt.wantPost {
				want = bot.SlotSkipped
			}
			if len(slots) != 1 || slots[0].State != want {
				t.Fatalf("slots = %+v, want one %s", slots, want)
			}
		})
	}
}

// TestScheduleLongOutageSkipsOldSlots: down from Monday 08:00 to Wednesday 10:00, Monday's and
// Tuesday's slots are recorded as skipped (once), Wednesday's is posted late.
func TestScheduleLongOutageSkipsOldSlots(t *testing.T) {
	ctx := context.Background()
	clk := testkit.NewFakeClock(time.Date(2026, 3, 2, 7, 0, 0, 0, time.UTC))
	p := newSchedProc(t, clk, schedOpts{path: filepath.Join(t.TempDir(), "bot.db"), schedules: only(bot.JobQuestion, "0 9 * * 1-5", "")})
	p.tickAt(t, time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC))
	p.tickAt(t, time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC))
	p.tickAt(t, time.Date(2026, 3, 4, 10, 1, 0, 0, time.UTC))
	if got := p.adapter.topLevel(); len(got) != 1 || !strings.Contains(got[0].post.Text, "Posted late: the bot was down at 09:00.") {
		t.Fatalf("posts = %+v, want Wednesday's, late", got)
	}
	slots, _ := p.db.Slots(ctx, p.ch.ID, bot.JobQuestion)
	var states []string
	for _, s := range slots {
		states = append(states, s.Slot+"="+string(s.State))
	}
	want := "2026-03-02T09:00 UTC=skipped 2026-03-03T09:00 UTC=skipped 2026-03-04T09:00 UTC=posted"
	if got := strings.Join(states, " "); got != want {
		t.Fatalf("slots:\n got %s\nwant %s", got, want)
	}
}
