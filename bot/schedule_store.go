package bot

import (
	"context"
	"time"

	"github.com/pyqbot/pyqbot/bot/scheduler"
)

// The slot types are the scheduler's (package scheduler); the store contract names them here too.
type (
	SlotState = scheduler.State
	SlotKey   = scheduler.Key
	SlotClaim = scheduler.Claim
)

// ErrSlotTakenOver is what FinishSlot says to an attempt whose slot another took over.
var ErrSlotTakenOver = scheduler.ErrTakenOver

const (
	SlotClaimed = scheduler.Claimed
	SlotPosted  = scheduler.Posted
	SlotSkipped = scheduler.Skipped
	SlotFailed  = scheduler.Failed
)

// Challenge is an open debugging challenge posted by the debug job: its hints are still to come.
type Challenge struct {
	Post    PostedQuestion
	Channel Channel
}

// ScheduleStore keeps schedules and slot claims. It is separate from Store so the scheduler can grow
// without touching the game's store contract; storage.DB implements both.
type ScheduleStore interface {
	// Slot claims: ClaimSlot, FinishSlot, SkipSlot, LastSlot.
	scheduler.Store

	// Channels lists every channel the bot has seen, except those of paused (uninstalled) workspaces.
	Channels(ctx context.Context) ([]Channel, error)
	// SetChannelZone changes the zone the channel's periods and default schedule zone use, and
	// marks the jobs without a zone of their own changed at `at` (Schedule.UpdatedAt), as their
	// timetable moves with it.
	SetChannelZone(ctx context.Context, channelID int64, zone string, at time.Time) error

	// SeedSchedules gives the channel (every channel when channelID is 0) each default job it has
	// no row for. A job turned off keeps its row, so it is never turned back on by a restart.
	SeedSchedules(ctx context.Context, channelID int64, defaults []Schedule, at time.Time) error
	// Schedules lists the jobs of the channel (every channel when channelID is 0), on or off.
	Schedules(ctx context.Context, channelID int64) ([]Schedule, error)
	// SetSchedule creates or replaces one job of a channel.
	SetSchedule(ctx context.Context, s Schedule) error

	// SetSlotPost links a claimed slot to the post it is creating, before the post is sent, or a
	// reveal slot to the question whose reveal the platform refused (runReveal); 0 unlinks it.
	SetSlotPost(ctx context.Context, key SlotKey, postID int64) error
	// Slots lists a channel's recorded slots of a job, oldest first (for tests and diagnostics).
	Slots(ctx context.Context, channelID int64, job Job) ([]SlotClaim, error)

	// OpenChallenges lists open posts made by the job (the debug job's challenges) that reached the
	// platform.
	OpenChallenges(ctx context.Context, job Job) ([]Challenge, error)
	// RecordHint notes that hint n (1-based) of a post was shown at `at`.
	RecordHint(ctx context.Context, postID int64, n int, at time.Time) error
	// Hints returns when each shown hint of a post was posted, by hint number.
	Hints(ctx context.Context, postID int64) (map[int]time.Time, error)

	// SetSkipDate adds (skip) or removes a date (YYYY-MM-DD, channel zone) on which no job runs.
	SetSkipDate(ctx context.Context, channelID int64, day string, skip bool) error
	// SkipDates lists the channel's skip dates, in order.
	SkipDates(ctx context.Context, channelID int64) ([]string, error)
}
