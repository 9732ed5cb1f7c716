package bot_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
)

// blockingSchedules holds the first armed Schedules read after it has read the store.
type blockingSchedules struct {
	bot.Store
	mu      sync.Mutex
	armed   bool
	read    chan struct{}
	release chan struct{}
}

func (s *blockingSchedules) Schedules(ctx context.Context, channelID int64) ([]bot.Schedule, error) {
	out, err := s.Store.Schedules(ctx, channelID)
	s.mu.Lock()
	hold := s.armed
	s.armed = false
	s.mu.Unlock()
	if hold {
		close(s.read)
		<-s.release
	}
	return out, err
}

// An answer that read the schedules before a `/pyq schedule` change in this process, and would
// store what it read after the change emptied the cache, does not put the old reveal back: the
// next answer within the second shows the new time.
func TestAnswerCacheKeepsNoReadAChangeOvertook(t *testing.T) {
	t.Parallel()
	bs := &blockingSchedules{read: make(chan struct{}), release: make(chan struct{})}
	h := newKitHarness(t, testkit.Options{Questions: testQuestions()[:1],
		Schedules: []bot.Schedule{{Job: bot.JobReveal, Spec: "0 17 * * 1-5", Enabled: true}},
		WrapStore: func(s bot.Store) bot.Store { bs.Store = s; return bs }})
	h.settled("lead", "today")
	bs.mu.Lock()
	bs.armed = true
	bs.mu.Unlock()
	done := make(chan string)
	go func() { done <- h.settled("bob", "answer #1 B") }()
	<-bs.read // bob's reply has read the 17:00 schedule
	if r := h.as("lead", true, "schedule set reveal 0 18 * * 1-5"); !strings.Contains(bot.PlainText(r.Post), "now runs") {
		t.Fatalf("schedule set: %q", bot.PlainText(r.Post))
	}
	close(bs.release)
	t.Logf("bob (raced the change): %q", <-done)
	if got := h.settled("cy", "answer #1 A"); !strings.Contains(got, "revealed Mon 18:00 UTC") {
		t.Errorf("answer after the change, in the same process: %q, want the new 18:00 reveal", got)
	}
}
