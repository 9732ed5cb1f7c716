package bot

import (
	"context"
	"sync"
)

// HealthReporter is an adapter that can say whether it is able to serve right now: connected to
// its platform (a websocket up), or serving its HTTP endpoints. /healthz asks every adapter that
// implements it; an adapter that does not is taken as healthy.
type HealthReporter interface {
	// Healthy returns nil when the adapter serves, else an error short enough for a health
	// endpoint's reason, e.g. "socket mode disconnected". It must answer at once: it reads state the
	// adapter keeps, and never calls the platform.
	Healthy(ctx context.Context) error
}

// HealthState is what an adapter keeps to answer Healthy: the current error (nil while it serves) and
// a way to wait for the next change, so tests follow it without sleeping. The zero value is healthy.
type HealthState struct {
	mu      sync.Mutex
	err     error
	changed chan struct{} // closed and replaced at every Set
}

// Set records the adapter's state: nil when it serves, else why not.
func (h *HealthState) Set(err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.err = err
	if h.changed != nil {
		close(h.changed)
	}
	h.changed = make(chan struct{})
}

// Healthy answers HealthReporter from the current state, so an adapter's own Healthy is this call.
func (h *HealthState) Healthy(context.Context) error {
	err, _ := h.State()
	return err
}

// State returns the current state and a channel closed at the next change.
func (h *HealthState) State() (error, <-chan struct{}) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.changed == nil {
		h.changed = make(chan struct{})
	}
	return h.err, h.changed
}
