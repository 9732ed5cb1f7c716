// Package testkit holds what tests across pyqbot share: one fake clock, a recording adapter, and the
// real engine on a SQLite file in t.TempDir(). Only tests import it; bot stays standard-library only
// and never sees it.
package testkit

import (
	"context"
	"time"

	"github.com/pyqbot/pyqbot/internal/testkit/fakeclock"
)

// FakeClock is the shared fake clock (package fakeclock, which storage's own tests use directly).
type FakeClock = fakeclock.Clock

// NewFakeClock returns a clock stopped at t.
func NewFakeClock(t time.Time) *FakeClock { return fakeclock.New(t) }

// NoEditGap is a bot.Config.EditSleep that returns at once: footer edits follow each other as fast
// as they can, and no test waits out (or races) the real gap between them.
func NoEditGap(ctx context.Context, _ time.Duration) error { return ctx.Err() }
