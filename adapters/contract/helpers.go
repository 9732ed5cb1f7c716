package contract

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
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
