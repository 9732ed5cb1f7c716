package bot

import (
	"context"
	"errors"
	"time"
)

// Degraded is what Adapter.Send returns, beside a valid MessageRef, when the post went out but
// something around it failed: a Discord thread that could not be started (missing permission), so
// hints and the reveal will land in the channel instead. The engine treats the post as sent and
// keeps the problem for admins to see in `/pyq schedule`.
type Degraded struct {
	Problem string // what went wrong and how to fix it, e.g. "grant Create Public Threads"
}

func (d *Degraded) Error() string { return d.Problem }

// ChannelProblem is something that went wrong around a channel's posts, kept for admins.
type ChannelProblem struct {
	At   time.Time
	Text string
}

// send posts p through a, accepting a Degraded post as sent and recording its problem.
func (e *Engine) send(ctx context.Context, a Adapter, ch Channel, p Post) (MessageRef, error) {
	ref, err := a.Send(ctx, ch.Conv, p)
	var d *Degraded
	if !errors.As(err, &d) {
		return ref, err
	}
	e.log.Warn("posted, with a problem", convArgs(ch.Conv, "problem", d.Problem)...)
	if rerr := e.store.RecordProblem(context.WithoutCancel(ctx), ch.ID, e.now(), d.Problem); rerr != nil {
		e.log.Error("recording a channel problem failed", convArgs(ch.Conv, "err", rerr)...)
	}
	return ref, nil
}
