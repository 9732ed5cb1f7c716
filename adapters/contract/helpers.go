package contract

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
)

// WaitHealth waits, up to limit, until an adapter's health satisfies ok, following its changes;
// what names the state awaited in the failure.
func WaitHealth(t *testing.T, h *bot.HealthState, limit time.Duration, what string, ok func(error) bool) {
	t.Helper()
	deadline := time.After(limit)
	for {
		err, changed := h.State()
		if ok(err) {
			return
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("health never became %s; it is %v", what, err)
		}
	}
}

// RunModes runs the suite once for each of an adapter's modes (its transports), as subtests named
// by the mode.
func RunModes(t *testing.T, modes []string, newHarness func(t *testing.T, mode string) Harness) {
	for _, mode := range modes {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			Run(t, func(t *testing.T) Harness { return newHarness(t, mode) })
		})
	}
}

// Serve runs run (an adapter's Run) in its own goroutine and returns stop, which cancels run's
// context and waits up to 10 s for it to return, failing the test on an error. stop runs at the
// test's end too; a second call does nothing.
func Serve(t *testing.T, run func(ctx context.Context) error) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Run: %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Error("Run did not return within 10s of cancel")
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// CheckUndelivered fails unless blocked's `/pyq me` in conv says their reminders could not be
// delivered, with each of wants (the platform's reason and what to do), and fine's does not.
func CheckUndelivered(t *testing.T, kit *testkit.Kit, conv bot.Conversation, blocked, fine string, wants ...string) {
	t.Helper()
	me := bot.PlainText(kit.As(conv, blocked, false, "me").Post)
	for _, w := range append([]string{"Reminders could not be delivered"}, wants...) {
		if !strings.Contains(me, w) {
			t.Errorf("%s's /pyq me lacks %q:\n%s", blocked, w, me)
		}
	}
	if me := bot.PlainText(kit.As(conv, fine, false, "me").Post); strings.Contains(me, "could not be delivered") {
		t.Errorf("%s's /pyq me says their reminder failed:\n%s", fine, me)
	}
}
