package bot_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
)

// Which open questions a reveal slot reveals (postedSince in schedule_jobs.go).

// A reveal slot that failed is retried after the lease, within grace; the retry reveals what the
// slot was due to reveal, not a question posted after the slot's time. The 17:00 reveal was
// refused (the bot had been removed from the channel); an admin invited it back and posted a
// question with `/pyq today` at 17:05, told it is revealed tomorrow at 17:00. The retry at 17:11
// revealed it six minutes after it was posted.
func TestARetriedRevealLeavesAQuestionPostedAfterItsSlotOpen(t *testing.T) {
	ctx := context.Background()
	clk := testkit.NewFakeClock(time.Date(2026, 11, 16, 16, 0, 0, 0, time.UTC))
	p := newSchedProc(t, clk, schedOpts{path: filepath.Join(t.TempDir(), "bot.db"), schedules: only(bot.JobReveal, "0 17 * * *", "")})
	today := func() {
		t.Helper()
		if r := p.engine.Handle(ctx, bot.Event{Conv: schedConv, User: bot.User{ID: "lead", Name: "Lead"}, Admin: true, Text: "today"}); !r.Empty() {
			t.Fatalf("/pyq today: %q", bot.PlainText(r.Post))
		}
	}
	today()
	p.engine.AddAdapter(refusingAdapter{name: schedConv.Platform}) // the bot is removed from the channel
	p.tickAt(t, time.Date(2026, 11, 16, 17, 0, 0, 0, time.UTC))
	slots, err := p.db.Slots(ctx, p.ch.ID, bot.JobReveal)
	if err != nil || len(slots) != 1 || slots[0].State != bot.SlotFailed {
		t.Fatalf("reveal slots = %+v, %v; want the refused one failed", slots, err)
	}
	p.engine.AddAdapter(p.adapter) // invited back
	clk.Set(time.Date(2026, 11, 16, 17, 5, 0, 0, time.UTC))
	today()
	p.tickAt(t, time.Date(2026, 11, 16, 17, 11, 0, 0, time.UTC)) // past the failed claim's lease
	open, err := p.db.OpenPosts(ctx, p.ch.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(open) != 1 {
		t.Fatalf("the 17:05 question was revealed by the retry of the 17:00 reveal at 17:11: open = %+v, want it open", open)
	}
}

// A question caught up by the tick that runs its reveal is that reveal's to reveal (postedSince
// leaves out only questions posted between the slot's time and the tick). The store keeps
// milliseconds: a question posted in the tick's first millisecond read back as posted before the
// tick, when the tick's time has a fraction of a millisecond, as a real clock's has, so whether the
// reveal took it depended on which side of a millisecond the post fell.
func TestAQuestionCaughtUpByTheRevealsTickIsRevealedWhateverTheSubMillisecond(t *testing.T) {
	for _, frac := range []time.Duration{0, 500 * time.Microsecond} {
		t.Run(fmt.Sprint(frac), func(t *testing.T) {
			ctx := context.Background()
			clk := testkit.NewFakeClock(time.Date(2026, 11, 16, 16, 0, 0, 0, time.UTC))
			p := newSchedProc(t, clk, schedOpts{path: filepath.Join(t.TempDir(), "bot.db"), schedules: []bot.Schedule{
				{Job: bot.JobQuestion, Spec: "55 16 * * *", Enabled: true},
				{Job: bot.JobReveal, Spec: "0 17 * * *", Enabled: true},
			}})
			p.tickAt(t, time.Date(2026, 11, 16, 17, 3, 0, 0, time.UTC).Add(frac)) // down over 16:55 and 17:00
			open, err := p.db.OpenPosts(ctx, p.ch.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(p.adapter.topLevel()) != 1 || len(open) != 0 {
				t.Fatalf("the tick posted %d and left %d open, want the caught-up question posted and revealed", len(p.adapter.topLevel()), len(open))
			}
		})
	}
}
