package bot

import (
	"context"
	"fmt"
	"time"
)

// SlotState is where a claimed slot stands.
type SlotState string

const (
	SlotClaimed SlotState = "claimed" // someone is posting it, or died while posting it
	SlotPosted  SlotState = "posted"
	SlotSkipped SlotState = "skipped" // too late (older than the grace window), or a skip date
	SlotFailed  SlotState = "failed"  // the platform refused; retried after the lease while in grace
)

// SlotKey names one slot: (channel, job, slot). Slot is the local wall-clock time in the job's zone
// plus the zone ("2026-11-01T01:30 America/New_York"), the UTC instant for @every specs
// ("2026-11-01T05:00:00Z"), or "post 12 hint 1" for a hint.
type SlotKey struct {
	ChannelID int64
	Job       Job
	Slot      string
}

func (k SlotKey) String() string {
	return fmt.Sprintf("%s %s (channel %d)", k.Job, k.Slot, k.ChannelID)
}

// SlotClaim is the stored record of a slot.
type SlotClaim struct {
	SlotKey
	Due       time.Time // the instant it was due
	State     SlotState
	Owner     string // the process that claimed it last
	ClaimedAt time.Time
	Attempts  int
	PostID    int64 // the question it posted, once created; 0 for none
	Note      string
}

// Challenge is an open debugging challenge posted by the debug job: its hints are still to come.
type Challenge struct {
	Post    PostedQuestion
	Channel Channel
}

// ScheduleStore keeps schedules and slot claims. It is separate from Store so the scheduler can grow
// without touching the game's store contract; storage.DB implements both.
type ScheduleStore interface {
	// Channels lists every channel the bot has seen, except those of paused (uninstalled) workspaces.
	Channels(ctx context.Context) ([]Channel, error)
	// SetChannelZone changes the zone the channel's periods and default schedule zone use.
	SetChannelZone(ctx context.Context, channelID int64, zone string) error

	// SeedSchedules gives the channel (every channel when channelID is 0) each default job it has
	// no row for. A job turned off keeps its row, so it is never turned back on by a restart.
	SeedSchedules(ctx context.Context, channelID int64, defaults []Schedule, at time.Time) error
	// Schedules lists the jobs of the channel (every channel when channelID is 0), on or off.
	Schedules(ctx context.Context, channelID int64) ([]Schedule, error)
	// SetSchedule creates or replaces one job of a channel.
	SetSchedule(ctx context.Context, s Schedule) error

	// ClaimSlot claims a slot for owner at `at`. It returns true when the caller now owns it: the
	// slot was never claimed, or its claim is older than lease and still `claimed` (the claimer died
	// before posting) or `failed`, with fewer than maxAttempts attempts. The returned claim is the
	// stored one (with PostID, if a previous attempt got that far).
	ClaimSlot(ctx context.Context, key SlotKey, due time.Time, owner string, at time.Time, lease time.Duration, maxAttempts int) (bool, SlotClaim, error)
	// SetSlotPost links a claimed slot to the post it is creating, before the post is sent.
	SetSlotPost(ctx context.Context, key SlotKey, postID int64) error
	// FinishSlot records the outcome of a claim.
	FinishSlot(ctx context.Context, key SlotKey, state SlotState, note string) error
	// SkipSlot records a slot that will not be posted. It returns false when the slot was already
	// recorded (claimed, posted or skipped), so a skip is logged once.
	SkipSlot(ctx context.Context, key SlotKey, due time.Time, note string, at time.Time) (bool, error)
	// LastSlot is the due time of the newest recorded slot of a channel's job; zero when none.
	LastSlot(ctx context.Context, channelID int64, job Job) (time.Time, error)
	// Slots lists a channel's recorded slots of a job, oldest first (for tests and diagnostics).
	Slots(ctx context.Context, channelID int64, job Job) ([]SlotClaim, error)

	// OpenChallenges lists open posts made by the debug job.
	OpenChallenges(ctx context.Context) ([]Challenge, error)
	// RecordHint notes that hint n (1-based) of a post was shown at `at`.
	RecordHint(ctx context.Context, postID int64, n int, at time.Time) error
	// Hints returns when each shown hint of a post was posted, by hint number.
	Hints(ctx context.Context, postID int64) (map[int]time.Time, error)

	// SetSkipDate adds (skip) or removes a date (YYYY-MM-DD, channel zone) on which no job runs.
	SetSkipDate(ctx context.Context, channelID int64, day string, skip bool) error
	// SkipDates lists the channel's skip dates, in order.
	SkipDates(ctx context.Context, channelID int64) ([]string, error)
}
