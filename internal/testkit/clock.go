// Package testkit holds what tests across pyqbot share: one fake clock, a recording adapter, and the
// real engine on a SQLite file in t.TempDir(). Only tests import it; bot stays standard-library only
// and never sees it.
package testkit

import (
	"sync"
	"time"
)

// FakeClock is a settable time that moves only when the test (or something sleeping on it) says.
// Its Now fits bot.Config.Now, storage.DB.Now and the adapters' Now options. Safe for concurrent use.
type FakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

// NewFakeClock returns a clock stopped at t.
func NewFakeClock(t time.Time) *FakeClock { return &FakeClock{now: t} }

// Now is the clock's time.
func (c *FakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set moves the clock to t (backwards too: a test of a wrong host clock needs it).
func (c *FakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// Advance moves the clock forward by d.
func (c *FakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Sleep records d and advances the clock by it at once, so code that waits (a rate limit's
// Retry-After) runs without real waiting and the test can read what it waited. ctx is any value with
// Done (a context.Context, or an adapter's narrower interface): a cancelled one returns its error
// without advancing, as a real sleep would return early.
func (c *FakeClock) Sleep(ctx interface{ Done() <-chan struct{} }, d time.Duration) error {
	if ctx != nil {
		select {
		case <-ctx.Done():
			if e, ok := ctx.(interface{ Err() error }); ok {
				return e.Err()
			}
			return errCancelled
		default:
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(d)
	return nil
}

// Sleeps lists every duration Sleep was asked for, in order.
func (c *FakeClock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

type cancelled struct{}

func (cancelled) Error() string { return "testkit: sleep cancelled" }

var errCancelled error = cancelled{}
