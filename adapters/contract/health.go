package contract

import (
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
