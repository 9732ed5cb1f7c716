package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

// This file owns the shutdown. The first stop signal (or the first part to stop, such as the
// terminal at end of input) stops intake: the adapters stop reading, the HTTP server stops
// accepting and answers 503 on connections still open. Work already in flight (bot.Inflight lists
// it) then has [bot] shutdown_grace to finish. If it does, the exit status is 0. If it does not,
// what is left is cancelled, each user whose command was cut off is told where the platform still
// takes a reply (and logged at WARN with platform and user id in any case), one ERROR line says how
// many operations were abandoned and of which kind, and the exit status is 1, so a supervisor or an
// operator sees that the stop lost work.

// defaultShutdownGrace is [bot] shutdown_grace's default. With noticeWindow it keeps a stop under
// the 10 seconds Docker and systemd give by default before they kill the process.
const defaultShutdownGrace = "8s"

// noticeWindow is how long abandoned work gets, once cancelled, to hand its "not completed" replies
// to the adapters and for them to be sent.
const noticeWindow = 2 * time.Second

// errAbandoned means the shutdown ran out of grace and dropped work; it has been logged, exit 1.
var errAbandoned = fmt.Errorf("%w: the shutdown abandoned work in flight", errFailed)

func parseShutdownGrace(where, value string) (time.Duration, error) {
	d, err := time.ParseDuration(value)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s is not a positive duration: use Go's form, such as \"8s\" (keep it under the "+
			"time your supervisor waits before it kills the process, 10 s for Docker and systemd by default, minus %s)",
			where, noticeWindow)
	}
	return d, nil
}

// part is one thing serve runs until its context ends: an adapter, the HTTP server, the scheduler.
type part struct {
	name string
	run  func(ctx context.Context) error
}

// serve runs every adapter, and the HTTP server when something registered routes, and the
// scheduler, until ctx ends or the first of them stops; then it shuts down as described above.
// The console adapter stops at end of input, which ends the program.
// ln is the HTTP server's bound listener, nil when nothing registered routes.
func (m *Main) serve(ctx context.Context, cfg *Config, log *slog.Logger, engine *bot.Engine, inflight *bot.Inflight, adapters []bot.Adapter, mux *routes, ln net.Listener) error {
	h := inflight.Handler(engine)
	var parts []part
	for _, a := range adapters {
		parts = append(parts, part{a.Name() + " adapter", func(ctx context.Context) error {
			if err := a.Run(ctx, h); err != nil {
				return fmt.Errorf("%s adapter: %w", a.Name(), err)
			}
			return nil
		}})
	}
	if ln != nil {
		parts = append(parts, part{"http server", func(ctx context.Context) error {
			return serveHTTP(ctx, ln, mux, log)
		}})
	}
	if engine.Scheduling() {
		// The scheduler stops starting ticks at the signal; a tick in progress finishes within the
		// grace (see bot.Inflight.Outlive), and the database stays open until it has.
		parts = append(parts, part{"scheduler", engine.RunScheduler})
	}
	s := supervisor{log: log, inflight: inflight, grace: cfg.shutdown, notice: noticeWindow, after: time.After}
	return s.run(ctx, parts)
}

// supervisor runs the parts and shuts them down.
type supervisor struct {
	log      *slog.Logger
	inflight *bot.Inflight
	grace    time.Duration
	notice   time.Duration
	after    func(time.Duration) <-chan time.Time // tests fire the grace and the notice window by hand
}

type partDone struct {
	i   int
	err error
}

// run starts every part and returns when all have stopped and nothing is in flight (the first
// real error, or nil), or when the grace runs out (errAbandoned).
func (s *supervisor) run(ctx context.Context, parts []part) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan partDone, len(parts))
	left := map[int]bool{}
	for i, p := range parts {
		left[i] = true
		go func() { done <- partDone{i, p.run(ctx)} }()
	}
	var first error
	// stopping is ctx.Done() until it fires, then nil so the select stops choosing it. (Reassigning
	// ctx instead would race with the goroutines above, which read ctx when they start.)
	stopping := ctx.Done()
	var deadline <-chan time.Time
	startGrace := func() {
		if deadline == nil {
			deadline = s.after(s.grace)
			s.log.Info("shutdown: stopped taking new work; waiting for work in flight",
				"in_flight", len(s.inflight.Running()), "grace", s.grace)
		}
	}
	for len(left) > 0 {
		select {
		case d := <-done:
			delete(left, d.i)
			if d.err != nil && first == nil {
				first = d.err
			}
			cancel()
		case <-stopping:
			stopping = nil
			startGrace()
		case <-deadline:
			return s.abandon(parts, left, done)
		}
	}
	// Every part has stopped; work they started in the background (a late reply, a name refresh)
	// may still be listed, and gets the rest of the grace.
	startGrace()
	idle := make(chan struct{})
	waitCtx, stopWait := context.WithCancel(context.Background())
	defer stopWait()
	go func() {
		if s.inflight.Wait(waitCtx) {
			close(idle)
		}
	}()
	select {
	case <-idle:
		return first
	case <-deadline:
		return s.abandon(parts, left, done)
	}
}

// abandon cancels what is still in flight, gives it the notice window to tell its users, and
// reports what was lost.
func (s *supervisor) abandon(parts []part, left map[int]bool, done <-chan partDone) error {
	ops := s.inflight.Abandon()
	for _, op := range ops {
		args := []any{"platform", op.Conv.Platform, "workspace", op.Conv.Workspace, "channel", op.Conv.Channel,
			"kind", string(op.Kind), "what", op.What, "running_for", time.Since(op.Started).Round(time.Millisecond)}
		if op.UserRequest() {
			s.log.Warn("shutdown: abandoned a user's command; they are told it was not completed where the platform still takes a reply",
				append(args, "user", op.User)...)
		} else {
			if op.User != "" {
				args = append(args, "user", op.User) // whom a late reply or name refresh was for
			}
			s.log.Warn("shutdown: abandoned work in flight", args...)
		}
	}
	window := s.after(s.notice)
wait:
	for len(left) > 0 {
		select {
		case d := <-done:
			delete(left, d.i)
		case <-window:
			break wait
		}
	}
	refused := s.inflight.Refused()
	for _, op := range refused {
		s.log.Warn("shutdown: refused a user's command that arrived after the grace; they are told it was not run",
			"platform", op.Conv.Platform, "workspace", op.Conv.Workspace, "channel", op.Conv.Channel, "user", op.User, "what", op.What)
	}
	var still []string
	for i, p := range parts {
		if left[i] {
			still = append(still, p.name)
		}
	}
	s.log.Error(abandonedSummary(ops, refused, still), "grace", s.grace, "still_running", strings.Join(still, ", "))
	return errAbandoned
}

// abandonedSummary is the one line an operator greps for: how many operations were dropped and of
// which kind.
func abandonedSummary(ops, refused []bot.Op, still []string) string {
	count := map[bot.OpKind]int{}
	for _, op := range ops {
		count[op.Kind]++
	}
	msg := fmt.Sprintf("shutdown: %d operations abandoned (%d answers, %d other commands, %d scheduled jobs, %d background platform calls",
		len(ops)+len(refused), count[bot.OpAnswer], count[bot.OpCommand], count[bot.OpScheduled], count[bot.OpBackground])
	if len(refused) > 0 {
		msg += fmt.Sprintf(", %d commands refused after the grace", len(refused))
	}
	msg += ")"
	if len(still) > 0 {
		msg += "; still running: " + strings.Join(still, ", ")
	}
	return msg
}

// storeCloser closes the database once. After an abandoned shutdown a query may still be waiting
// for another process's lock, and database/sql's Close waits for it: closeWithin stops waiting
// after a bound (the process is exiting; SQLite rolls back what was not committed).
type storeCloser struct {
	close func() error
	once  chan struct{}
	done  chan error
	given bool
}

func newStoreCloser(close func() error) *storeCloser {
	return &storeCloser{close: close, once: make(chan struct{}, 1), done: make(chan error, 1)}
}

func (c *storeCloser) start() {
	select {
	case c.once <- struct{}{}:
		go func() { c.done <- c.close() }()
	default:
	}
}

// Close closes and waits, unless closeWithin already gave up waiting.
func (c *storeCloser) Close() error {
	c.start()
	if c.given {
		return nil
	}
	err := <-c.done
	c.done <- err // a second Close sees the same result
	return err
}

// closeWithin closes and waits at most d.
func (c *storeCloser) closeWithin(d time.Duration, log *slog.Logger) {
	c.start()
	select {
	case err := <-c.done:
		c.done <- err
	case <-time.After(d):
		c.given = true
		log.Warn("shutdown: the database is still busy with abandoned work; exiting without waiting for it", "waited", d)
	}
}
