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
