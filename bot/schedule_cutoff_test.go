package bot_test

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
	"github.com/pyqbot/pyqbot/schedule"
	"github.com/pyqbot/pyqbot/storage"
)

// cancelAfterSend delivers its sends, and after the first one whose text has only ("" for any) it
// cancels the tick's context: a shutdown abandoning the job just as the platform accepted the post.
type cancelAfterSend struct {
	*testkit.Recorder
	only   string
	mu     sync.Mutex
	done   bool
	cancel context.CancelFunc
}

func (c *cancelAfterSend) Send(ctx context.Context, to bot.Conversation, p bot.Post) (bot.MessageRef, error) {
	ref, err := c.Recorder.Send(ctx, to, p)
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.done && c.cancel != nil && strings.Contains(bot.PlainText(p), c.only) {
		c.done = true
		c.cancel()
	}
	return ref, err
}

// A question the platform accepted as a shutdown cancelled its job is recorded as posted, so the
// slot's takeover does not post it again: its reference used to be saved with the cancelled
// context, and the takeover took the unreferenced row for an unsent one. (A review found the
// test of this gone with the reverted cut-off.)
func TestAQuestionDeliveredAsItsJobIsCancelledIsPostedOnce(t *testing.T) {
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
	e := bot.New(bot.Config{Store: store, Bank: bank, Now: clock.Now, Seed: 1, Lease: time.Minute,
		ParseSpec: schedule.Parse, DefaultSchedules: only(bot.JobQuestion, "0 9 * * *", ""), EditSleep: testkit.NoEditGap})
	platform := &cancelAfterSend{Recorder: testkit.NewRecorder("late")}
	e.AddAdapter(platform)
	if _, err := e.EnsureChannel(ctx, bot.Conversation{Platform: "late", Workspace: "W1", Channel: "C1"}); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC)
	clock.Set(at)
	tickCtx, cancel := context.WithCancel(ctx)
	platform.cancel = cancel
	_ = e.Tick(tickCtx, at)      // cancelled: its error is the shutdown's
	at = at.Add(2 * time.Minute) // past the lease, within grace: the takeover
	clock.Set(at)
	_ = e.Tick(ctx, at)
	if n := len(platform.Sent()); n != 1 {
		t.Fatalf("the platform received %d question posts for one slot, want 1", n)
	}
}

// A hint the platform accepted as a shutdown cancelled its job is recorded, so the slot's takeover
// does not post it again (its record was written with the cancelled context, found by a review).
func TestAHintDeliveredAsItsJobIsCancelledIsPostedOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clk := testkit.NewFakeClock(time.Date(2026, 3, 4, 8, 0, 0, 0, time.UTC)) // a Wednesday
	platform := &cancelAfterSend{Recorder: testkit.NewRecorder("late"), only: "Hint 1 of"}
	k := testkit.NewEngine(t, testkit.Options{Questions: schedQuestions(), Clock: clk, Adapters: []bot.Adapter{platform},
		Schedules: []bot.Schedule{{Job: bot.JobDebug, Spec: "0 10 * * 3", Enabled: true, HintOffsets: []time.Duration{2 * time.Hour}}}})
	if _, err := k.Engine.EnsureChannel(ctx, bot.Conversation{Platform: "late", Workspace: "W1", Channel: "C1"}); err != nil {
		t.Fatal(err)
	}
	tick := func(ctx context.Context, h, m int) {
		at := time.Date(2026, 3, 4, h, m, 0, 0, time.UTC)
		clk.Set(at)
		_ = k.Engine.Tick(ctx, at) // the cancelled one's error is the shutdown's
	}
	tick(ctx, 10, 0) // the challenge
	tickCtx, cancel := context.WithCancel(ctx)
	platform.cancel = cancel
	tick(tickCtx, 12, 0) // hint 1, accepted as the job is cancelled
	tick(ctx, 12, 30)    // past the lease, within grace: the takeover
	hints := 0
	for _, s := range platform.Sent() {
		if strings.Contains(bot.PlainText(s.Post), "Hint 1 of") {
			hints++
		}
	}
	if hints != 1 {
		t.Fatalf("hint 1 was posted %d times, want 1", hints)
	}
}
