package bot

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"
)

// This file keeps the list of work in flight, so that a shutdown knows what it would drop. Every
// user command, scheduled job and background platform call registers itself here while it runs
// (Inflight.Handler wraps the engine for the adapters; the scheduler and main's HTTP transport call
// Begin). A shutdown waits for the list to empty; when its grace runs out it calls Abandon, which
// cancels what is left and returns it, so the process can say how many operations it dropped and
// exit with a failure status instead of a silent 0.

// OpKind says what an operation in flight is, for the shutdown report.
type OpKind string

const (
	OpAnswer     OpKind = "answer"     // a user's answer (typed or a button press) not yet replied to
	OpCommand    OpKind = "command"    // any other user command not yet replied to
	OpScheduled  OpKind = "scheduled"  // a scheduled post, reveal or hint
	OpBackground OpKind = "background" // platform calls after a reply: late replies, name refreshes
)

// Op is one operation in flight.
type Op struct {
	Kind OpKind
	Conv Conversation
	User string // the platform's user id, for user requests
	What string // the command word, the job, or the platform call ("users.info")
	// Started is when Begin registered it.
	Started time.Time
}

// UserRequest reports whether a user is waiting for the operation's reply.
func (o Op) UserRequest() bool { return o.Kind == OpAnswer || o.Kind == OpCommand }

// ErrAbandoned is the cause of an operation's context ending because a shutdown ran out of time.
var ErrAbandoned = errors.New("abandoned: pyqbot is shutting down and the shutdown grace ran out")

// Inflight is the list of operations in flight. The zero value is not usable; call NewInflight.
// A nil *Inflight tracks nothing, so code paths that run without one (tests, tools) need no checks.
type Inflight struct {
	now func() time.Time

	mu        sync.Mutex
	next      uint64
	ops       map[uint64]*running
	idle      chan struct{} // closed while ops is empty
	abandoned bool
	stop      chan struct{} // closed by Abandon
	refused   []Op          // user requests that reached the engine after Abandon and were not run
}

type running struct {
	Op
	cancel context.CancelCauseFunc
}

// NewInflight returns an empty list; now stamps operations (default time.Now).
func NewInflight(now func() time.Time) *Inflight {
	if now == nil {
		now = time.Now
	}
	idle := make(chan struct{})
	close(idle)
	return &Inflight{now: now, ops: map[uint64]*running{}, idle: idle, stop: make(chan struct{})}
}

// inflightKey marks a context as belonging to an operation, so a platform call made by a command
// is part of that command, not a second operation. Its value is an opMarker.
type inflightKey struct{}

type opMarker struct {
	t  *Inflight
	id uint64
}

// Within reports whether ctx belongs to an operation registered in t that is still running (a
// footer edit a command left behind outlives it and counts on its own).
func (t *Inflight) Within(ctx context.Context) bool {
	m, _ := ctx.Value(inflightKey{}).(opMarker)
	return m.t == t && locked(t, func() bool {
		_, ok := t.ops[m.id]
		return ok
	})
}

// locked returns read's result under t's lock. A nil t tracks nothing, so what it reads is the
// zero value: no operation, not abandoned, nothing refused.
func locked[T any](t *Inflight, read func() T) T {
	if t == nil {
		var zero T
		return zero
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return read()
}

// Outlive returns a context that keeps ctx's values but not its cancellation, cancelled instead
// when t abandons its work, and its cancel function. The scheduler runs a tick under it, so a post
// that is going out when the stop signal comes gets the shutdown grace to finish. A nil t returns
// ctx itself: without a list there is no grace.
func (t *Inflight) Outlive(ctx context.Context) (context.Context, context.CancelFunc) {
	if t == nil {
		return ctx, func() {}
	}
	ctx, cancel := context.WithCancelCause(context.WithoutCancel(ctx))
	go func() {
		select {
		case <-t.stop:
			cancel(ErrAbandoned)
		case <-ctx.Done():
		}
	}()
	return ctx, func() { cancel(nil) }
}

// aboutKey carries whom background work is for (see About).
type aboutKey struct{}

type about struct {
	conv Conversation
	user string
}

// About marks ctx as work for user in conv. A platform call made under it outside any command (a
// late reply, a name refresh) is registered by the transport, which knows only the platform; with
// this the shutdown's log still names the workspace, channel and user the work was for.
func About(ctx context.Context, conv Conversation, user string) context.Context {
	return context.WithValue(ctx, aboutKey{}, about{conv: conv, user: user})
}

// Begin registers op and returns the context to run it under, cancelled with ErrAbandoned as its
// cause if the shutdown abandons it, and the function to call when it has finished (safe to call
// more than once). Work nested in an operation already registered (see Within) is not counted again.
// After Abandon, the context is cancelled from the start: the work is refused, not begun.
func (t *Inflight) Begin(ctx context.Context, op Op) (context.Context, func()) {
	if t == nil || t.Within(ctx) {
		return ctx, func() {}
	}
	op.Started = t.now()
	if ab, ok := ctx.Value(aboutKey{}).(about); ok {
		if op.Conv.Workspace == "" && op.Conv.Channel == "" && (op.Conv.Platform == "" || op.Conv.Platform == ab.conv.Platform) {
			op.Conv = ab.conv
		}
		if op.User == "" {
			op.User = ab.user
		}
	}
	t.mu.Lock()
	if t.abandoned {
		t.mu.Unlock()
		ctx, cancel := context.WithCancelCause(ctx)
		cancel(ErrAbandoned)
		return ctx, func() {}
	}
	t.next++
	id := t.next
	ctx, cancel := context.WithCancelCause(context.WithValue(ctx, inflightKey{}, opMarker{t: t, id: id}))
	if len(t.ops) == 0 {
		t.idle = make(chan struct{})
	}
	t.ops[id] = &running{Op: op, cancel: cancel}
	t.mu.Unlock()
	var once sync.Once
	return ctx, func() {
		once.Do(func() {
			t.mu.Lock()
			delete(t.ops, id)
			if len(t.ops) == 0 {
				close(t.idle)
			}
			t.mu.Unlock()
			cancel(nil)
		})
	}
}

// Wait blocks until nothing is in flight (true) or ctx ends (false).
func (t *Inflight) Wait(ctx context.Context) bool {
	if t == nil {
		return true
	}
	t.mu.Lock()
	idle := t.idle
	t.mu.Unlock()
	select {
	case <-idle:
		return true
	case <-ctx.Done():
		return false
	}
}

// Running is a snapshot of what is in flight, oldest first.
func (t *Inflight) Running() []Op { return locked(t, t.runningLocked) }

func (t *Inflight) runningLocked() []Op {
	ids := make([]uint64, 0, len(t.ops))
	for id := range t.ops {
		ids = append(ids, id)
	}
	slices.Sort(ids) // ids count up in the order Begin registered them
	ops := make([]Op, len(ids))
	for i, id := range ids {
		ops[i] = t.ops[id].Op
	}
	return ops
}

// Abandon cancels everything in flight with ErrAbandoned and returns it, oldest first. From then
// on Begin refuses new work. It is for a shutdown whose grace has run out.
func (t *Inflight) Abandon() []Op {
	return locked(t, func() []Op {
		ops := t.runningLocked()
		if !t.abandoned {
			close(t.stop)
		}
		t.abandoned = true
		for _, r := range t.ops {
			r.cancel(ErrAbandoned)
		}
		return ops
	})
}

// Abandoned reports whether Abandon has been called.
func (t *Inflight) Abandoned() bool { return locked(t, func() bool { return t.abandoned }) }

// refuse records a user request turned away after Abandon, for the shutdown report.
func (t *Inflight) refuse(op Op) {
	op.Started = t.now()
	t.mu.Lock()
	t.refused = append(t.refused, op)
	t.mu.Unlock()
}

// Refused is the user requests that reached the engine after Abandon and were not run.
func (t *Inflight) Refused() []Op { return locked(t, func() []Op { return slices.Clone(t.refused) }) }

// abandonedCh is closed by Abandon (never, for a nil list).
func (t *Inflight) abandonedCh() <-chan struct{} {
	if t == nil {
		return nil
	}
	return t.stop
}
