package bot_test

import (
	"context"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
)

// A question whose process died while sending it (no message reference) is still open to the
// reminder loop, which reads the channel's open questions as they are: a reminder claimed for it
// before the reveal keeps a row pointing at the post. The reveal then discards the question
// (sentOpenPosts), and the delete failed on that row's foreign key: the reveal failed, and so did
// every later `/pyq today` and scheduled question in the channel, the row never going away.
func TestAnUnsentQuestionWithAReminderIsDiscardedAndTheChannelGoesOn(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bot.db")
	clk := testkit.NewFakeClock(mon(8, 0))
	first, _ := newRemindProc(t, clk, path, "a")
	if got := first.as(t, "ann", "remind on"); !strings.Contains(got, "Reminders are") {
		t.Fatalf("/pyq remind on replied %q", got)
	}
	first.adapter.crash = func(bot.Post, func()) { runtime.Goexit() } // killed inside the 09:00 send
	done := make(chan struct{})
	go func() { defer close(done); first.engine.Tick(context.Background(), mon(9, 0)) }()
	<-done

	second, dm := newRemindProc(t, clk, path, "b") // back at 16:00, past the grace window
	second.tickAt(t, mon(16, 0))
	if n := len(dm.DMs()); n != 1 {
		t.Fatalf("%d reminders at 16:00, want ann's (it names the open question the reminder loop sees)", n)
	}
	clk.Set(mon(17, 0))
	if err := second.engine.Tick(context.Background(), mon(17, 0)); err != nil {
		t.Fatalf("the 17:00 reveal failed discarding the question that never reached the platform: %v", err)
	}
	if got := second.adapter.sent(); len(got) != 0 {
		t.Fatalf("the 17:00 reveal sent %q, want nothing (the question was never asked)", bot.PlainText(got[0].post))
	}
	clk.Set(mon(17, 30))
	if r := second.engine.Handle(context.Background(), bot.Event{Conv: schedConv, User: bot.User{ID: "ann", Name: "ann"}, Text: "today"}); !r.Empty() {
		t.Fatalf("/pyq today replied %q, want the question posted", bot.PlainText(r.Post))
	}
	if n := len(second.adapter.topLevel()); n != 1 {
		t.Fatalf("/pyq today posted %d, want 1", n)
	}
}
