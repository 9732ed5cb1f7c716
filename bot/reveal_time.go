package bot

import (
	"context"
	"time"

	"github.com/pyqbot/pyqbot/bot/scheduler"
)

// When players are told a question is revealed, that must be when it really will be: the channel's
// own reveal job decides, and it can change after the question was posted (`/pyq schedule set
// reveal …`, `/pyq schedule off reveal`). So the time shown is computed from the job when it is
// shown. `[bot] reveal_time` only matters where there is no scheduling at all.

// revealTime is when p will be revealed: the next run of the channel's reveal job, or zero when the
// channel has none (only an admin's `/pyq reveal` closes it then). Without scheduling it is the time
// stored when p was posted.
func (e *Engine) revealTime(ctx context.Context, ch Channel, p PostedQuestion) time.Time {
	return e.revealTimeFrom(ctx, ch, p, e.nextRevealOf)
}

// revealTimeFrom is revealTime with the next reveal found by next (an answer's reply asks the
// answer cache).
func (e *Engine) revealTimeFrom(ctx context.Context, ch Channel, p PostedQuestion, next func(context.Context, Channel, time.Time) (time.Time, error)) time.Time {
	if !e.Scheduling() {
		return p.RevealAt
	}
	at, err := next(ctx, ch, e.now())
	if err != nil {
		e.log.Warn("loading the reveal schedule failed; showing the time stored with the question", convArgs(ch.Conv, "err", err)...)
		return p.RevealAt
	}
	return at
}

// nextRevealOf reads the channel's schedules and skip dates and finds its next reveal after now.
func (e *Engine) nextRevealOf(ctx context.Context, ch Channel, now time.Time) (time.Time, error) {
	schedules, err := e.schedules(ctx, ch.ID)
	if err != nil {
		return time.Time{}, err
	}
	skip, err := e.skipDays(ctx, ch)
	if err != nil {
		return time.Time{}, err
	}
	return e.nextReveal(ch, schedules, skip, now), nil
}

// revealFor is revealTime with the channel's schedules and skip dates already loaded (nil without
// scheduling), for callers that ask about several of its questions at once.
func (e *Engine) revealFor(ch Channel, p PostedQuestion, schedules []Schedule, skip scheduler.SkipDays, now time.Time) time.Time {
	if !e.Scheduling() {
		return p.RevealAt
	}
	return e.nextReveal(ch, schedules, skip, now)
}

// revealPhrase completes "revealed …": "Wed 17:00 UTC (in 3h 5m)", or how it will be revealed.
func (e *Engine) revealPhrase(ctx context.Context, ch Channel, p PostedQuestion) string {
	return whenRevealed(e.revealTime(ctx, ch, p), e.now(), ch.Location())
}

func whenRevealed(at, now time.Time, loc *time.Location) string {
	if at.IsZero() {
		return "when an admin runs `/pyq reveal`"
	}
	return formatWhen(at, now, loc)
}
