package scheduler

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Job names what runs at a slot. The game defines its jobs; to the scheduler a name is a key.
type Job string

// State is where a claimed slot stands.
type State string

const (
	Claimed State = "claimed" // someone is running it, or died while running it
	Posted  State = "posted"
	Skipped State = "skipped" // too late (older than the grace window), or a skip date
	Failed  State = "failed"  // the job failed; retried after the lease while in grace
)

// Key names one slot: (channel, job, slot). Slot is the local wall-clock time in the job's zone plus
// the zone ("2026-11-01T01:30 America/New_York"), the UTC instant for @every specs
// ("2026-11-01T05:00:00Z"), or a key the game chose for a one-off slot ("post 12 hint 1").
type Key struct {
	ChannelID int64
	Job       Job
	Slot      string
}

func (k Key) String() string {
	return fmt.Sprintf("%s %s (channel %d)", k.Job, k.Slot, k.ChannelID)
}

// Claim is the stored record of a slot.
type Claim struct {
	Key
	Due       time.Time // the instant it was due
	State     State
	Owner     string // the process that claimed it last
	ClaimedAt time.Time
	Attempts  int
	PostID    int64 // what the job created, once created (the game sets it); 0 for none
	Note      string
}

// Timetable is a parsed spec.
type Timetable interface {
	// Next is the first firing time strictly after `after`, or the zero time when there is none.
	// For a wall-clock timetable both are wall-clock times written as UTC times (09:00 local is
	// 09:00 UTC): that frame has no daylight-saving changes, so no local time is skipped or repeated.
	Next(after time.Time) time.Time
	// WallClock is true for cron fields and descriptors; false for "@every D", which runs on real
	// time (every D from a fixed origin, whatever the zone).
	WallClock() bool
	// Zone is the spec's CRON_TZ prefix, or the zone given to the parser; empty means the channel's.
	Zone() string
}

// Store keeps slot claims. Claims are what make a slot run once across restarts and processes.
type Store interface {
	// ClaimSlot claims a slot for owner at `at`. It returns true when the caller now owns it: the
	// slot was never claimed, or its claim is older than lease and still `claimed` (the claimer died
	// before posting) or `failed`, with fewer than maxAttempts attempts. The returned claim is the
	// stored one (with PostID, if a previous attempt got that far).
	ClaimSlot(ctx context.Context, key Key, due time.Time, owner string, at time.Time, lease time.Duration, maxAttempts int) (bool, Claim, error)
	// FinishSlot records the outcome of claim, only while it is still the slot's claim (same owner,
	// same claim time): an attempt that outlived its lease must not overwrite the outcome of the one
	// that took the slot over. ErrTakenOver when it is not.
	FinishSlot(ctx context.Context, claim Claim, state State, note string) error
	// SkipSlot records a slot that will not be run. It returns false when the slot was already
	// recorded (claimed, posted or skipped), so a skip is logged once.
	SkipSlot(ctx context.Context, key Key, due time.Time, note string, at time.Time) (bool, error)
	// LastSlot is the due time of the newest recorded slot of a channel's job; zero when none.
	LastSlot(ctx context.Context, channelID int64, job Job) (time.Time, error)
}

// ErrTakenOver is FinishSlot's answer to an attempt whose slot was taken over after its lease.
var ErrTakenOver = errors.New("the slot was taken over after this attempt's lease ran out")

// Metrics counts what the scheduler does with slots.
type Metrics interface {
	// SlotClaimed counts a slot this process claimed, and so runs.
	SlotClaimed(job Job)
	// SlotLate counts a slot run after its time (the process was down).
	SlotLate(job Job)
	// SlotSkipped counts a slot that is not run: missed beyond the grace window, on a skip date, or
	// skipped by its job.
	SlotSkipped(job Job)
}

// Sleeper is what the run loop waits on between ticks; tests pass a fake clock's.
type Sleeper interface {
	After(d time.Duration) <-chan time.Time
}

type realSleeper struct{}

func (realSleeper) After(d time.Duration) <-chan time.Time { return time.After(d) }
