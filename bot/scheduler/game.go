package scheduler

import (
	"context"
	"time"
)

// Game is what the scheduler runs: the engine implements it. T is what the game wants handed back
// with each slot (its channel, say), so Run needs no lookup.
type Game[T any] interface {
	// Plan is everything scheduled as of now: the timetabled jobs and the one-off slots. A plan is
	// read once a tick, for finding what is due and when to wake next.
	Plan(ctx context.Context, now time.Time) (Plan[T], error)
	// Track wraps a slot's whole run, claim to finish, so a shutdown can wait for it or say it cut
	// it off; it returns the context to run with and a func to call when done.
	Track(ctx context.Context, d Due[T]) (context.Context, func())
	// Run does the work of a claimed slot and says how it ended. An error marks the claim failed;
	// it is retried after the lease while within the grace window.
	Run(ctx context.Context, d Due[T], claim Claim) (State, string, error)
	// BeforeSlots runs once a tick before that tick's slots (the game's own timed work that a slot
	// may read, such as what closed while the process was down). An error is returned with the
	// slots' but does not stop them.
	BeforeSlots(ctx context.Context, now time.Time) error
	// AfterSlots runs once a tick after that tick's slots (the game's own timed work).
	AfterSlots(ctx context.Context, now time.Time) error
	// NextWake is when the game's own timed work next needs a tick after now; zero for none.
	NextWake(ctx context.Context, now time.Time) (time.Time, error)
}

// Plan lists what is scheduled.
type Plan[T any] struct {
	Timed []Timed[T]
	Once  []Once[T]
}

// Timed is a job that runs at each slot of a timetable in one channel.
type Timed[T any] struct {
	Channel   int64
	Job       Job
	Timetable Timetable
	Loc       *time.Location
	Zone      string // named in slot keys
	// Since is when the job was set up or last changed: slots before it were never promised, so
	// they are neither run nor recorded as missed.
	Since time.Time
	// SkipDays are the channel's dates on which the job does not run.
	SkipDays SkipDays
	Meta[T]
}

// Once is a slot due once, at At (a challenge's hint).
type Once[T any] struct {
	Key Key
	At  time.Time
	Loc *time.Location // the zone its time is shown in; default UTC
	Meta[T]
}

// Meta travels with a slot: how it is bounded and logged, and the game's own value.
type Meta[T any] struct {
	// Group bounds concurrency: at most Config.Bound(Group) channels of a group run at once (a
	// platform's rate limits decide).
	Group string
	// Log are the attributes every log line about the slot carries (platform, workspace, channel).
	Log    []any
	Target T
}

// Due is one slot to run now.
type Due[T any] struct {
	Key Key
	At  time.Time      // when it was due
	Loc *time.Location // the zone its times are shown in
	// Late is true when the slot runs a minute or more after At (the process was down): the post
	// should say so.
	Late bool
	Now  time.Time // the tick's time
	Meta[T]
}
