package bot_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
	"github.com/pyqbot/pyqbot/schedule"
	"github.com/pyqbot/pyqbot/storage"
)

// lateReply is a platform whose first send is delivered but whose reply comes only as the job's
// deadline fires: the message is out, and the job's context is done.
type lateReply struct {
	*testkit.Recorder
	mu    sync.Mutex
	calls int
}

func (l *lateReply) Send(ctx context.Context, to bot.Conversation, p bot.Post) (bot.MessageRef, error) {
	l.mu.Lock()
	l.calls++
	first := l.calls == 1
	l.mu.Unlock()
	ref, err := l.Recorder.Send(ctx, to, p)
	if first {
		<-ctx.Done()
	}
	return ref, err
}

// A question delivered as its job's deadline fires (half the slot's lease) is recorded as posted,
// so the slot's retry does not post it again: the reference was saved with the job's context,
// already done, and the retry took the unreferenced row for an unsent one. Found by a review.
func TestAQuestionDeliveredAtTheCutOffIsPostedOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clock := testkit.NewFakeClock(time.Date(2026, 11, 16, 8, 0, 0, 0, time.UTC))
	store, err := storage.Open(ctx, filepath.Join(t.TempDir(), "pyqbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	store.Now = clock.Now
	bank, err := bot.NewBank(testQuestions())
	if err != nil {
		t.Fatal(err)
	}
	e := bot.New(bot.Config{Store: store, Bank: bank, Now: clock.Now, Seed: 1, Lease: 100 * time.Millisecond,
		ParseSpec: schedule.Parse, DefaultSchedules: only(bot.JobQuestion, "0 9 * * *", ""), EditSleep: testkit.NoEditGap})
	platform := &lateReply{Recorder: testkit.NewRecorder("late")}
	e.AddAdapter(platform)
	if _, err := e.EnsureChannel(ctx, bot.Conversation{Platform: "late", Workspace: "W1", Channel: "C1"}); err != nil {
		t.Fatal(err)
	}
	for _, at := range []time.Time{time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC), time.Date(2026, 11, 16, 9, 1, 0, 0, time.UTC)} {
		clock.Set(at) // the second tick is past the lease, within grace: a retry if the first failed
		_ = e.Tick(ctx, at)
	}
	if n := len(platform.Sent()); n != 1 {
		t.Fatalf("the platform received %d question posts for one slot, want 1", n)
	}
}
