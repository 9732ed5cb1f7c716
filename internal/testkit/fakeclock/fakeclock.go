// Package fakeclock is the one fake clock pyqbot's tests share. It imports nothing of pyqbot, so
// every package's tests can use it, including storage's and bot's own (which cannot import
// testkit, since testkit imports them); testkit.FakeClock is this type.
package fakeclock

import (
	"sync"
	"time"
)

// Clock is a settable time that moves only when the test (or something sleeping on it) says.
// Its Now fits bot.Config.Now, storage.DB.Now and the adapters' Now options. Safe for concurrent use.
type Clock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

// New returns a clock stopped at t.
func New(t time.Time) *Clock { return &Clock{now: t} }

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set moves the clock to t (backwards too: a test of a wrong host clock needs it).
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Sleep records d and advances the clock by it at once, so code that waits (a rate limit's
// Retry-After) runs without real waiting and the test can read what it waited. ctx is any value with
// Done (a context.Context, or an adapter's narrower interface): a cancelled one returns its error
// without advancing, as a real sleep would return early.
func (c *Clock) Sleep(ctx interface{ Done() <-chan struct{} }, d time.Duration) error {
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
func (c *Clock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

type cancelled struct{}

func (cancelled) Error() string { return "fakeclock: sleep cancelled" }

var errCancelled error = cancelled{}
