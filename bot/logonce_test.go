package bot_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
)

// A refused post is logged once, by whoever decides what follows (the scheduler, which retries the
// slot; the command, which tells the user), with the conversation's platform, workspace and channel.
func TestARefusedPostIsLoggedOnce(t *testing.T) {
	t.Parallel()
	for _, via := range []string{"scheduled", "command"} {
		t.Run(via, func(t *testing.T) {
			t.Parallel()
			var logs bytes.Buffer
			clk := testkit.NewFakeClock(time.Date(2026, 11, 16, 8, 0, 0, 0, time.UTC)) // Monday
			e, _ := schedEngine(t, clk, "", nil, bot.Config{DefaultSchedules: only(bot.JobQuestion, "0 9 * * *", ""),
				Logger: slog.New(slog.NewTextHandler(&logs, nil))})
			e.AddAdapter(refusingAdapter{name: schedConv.Platform})
			ctx := context.Background()
			if _, err := e.EnsureChannel(ctx, schedConv); err != nil {
				t.Fatal(err)
			}
			if via == "scheduled" {
				clk.Set(time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC))
				if err := e.Tick(ctx, clk.Now()); err == nil {
					t.Fatal("Tick reported no error for a refused post")
				}
			} else {
				r := e.Handle(ctx, bot.Event{Conv: schedConv, User: bot.User{ID: "U1", Name: "ada"}, Text: "today"})
				if !strings.Contains(r.Post.Text, "went wrong") {
					t.Fatalf("reply %q does not say the post failed", r.Post.Text)
				}
			}
			var lines []string
			for _, l := range strings.Split(logs.String(), "\n") {
				if strings.Contains(l, "not_in_channel") {
					lines = append(lines, l)
				}
			}
			if len(lines) != 1 {
				t.Fatalf("the refusal was logged %d times, want once:\n%s", len(lines), strings.Join(lines, "\n"))
			}
			for _, kv := range []string{"platform=sched", "workspace=w1", "channel=general", "level=ERROR"} {
				if !strings.Contains(lines[0], kv) {
					t.Errorf("the log line lacks %s: %s", kv, lines[0])
				}
			}
		})
	}
}
