package slack

import (
	"context"
	"sync"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

// handle calls the core with at most cap(a.cores) calls in flight. A burst of a thousand button
// presses then queues here, parked, instead of a thousand goroutines fighting over the CPU, which
// would slow every one of them. The bound is wide enough (16 a CPU) for the store's group commit to
// gather a burst's answers into few transactions: at 4 it held each batch to 4 answers. Each waits inside its own deadline: one
// that is late is acknowledged as pending and answered when its turn comes.
func (a *Adapter) handle(ctx context.Context, h bot.Handler, e bot.Event) bot.Reply {
	select {
	case a.cores <- struct{}{}:
	case <-ctx.Done():
		a.log.Error("slack command dropped: the core was busy until the deadline", "workspace", e.Conv.Workspace, "channel", e.Conv.Channel, "user", e.User.ID)
		return bot.Reply{Private: true, Post: bot.Post{Text: bot.BusyText}}
	}
	a.idle.enter()
	defer func() {
		<-a.cores
		a.idle.leave()
	}()
	return h.Handle(ctx, e)
}

// maxIdleWait bounds how long background work defers to the users' work (whenIdle): under load
// that never lets up, a name refresh still goes out.
const maxIdleWait = 2 * time.Second

// whenIdle returns once nothing a user waits for is in flight (see idleSignal), after maxIdleWait,
// or when ctx ends. Work nobody waits for (refreshing display names) calls it first, so a burst of
// answers and their confirmations is served before it: waiting for the core alone let refreshes
// slip into the gaps of a burst, while requests were still being read and verified or
// confirmations were on their way.
func (a *Adapter) whenIdle(ctx context.Context) {
	var limit *time.Timer // real time: how long Slack's users wait is not the adapter's clock's
	for {
		idle := a.idle.wait()
		if idle == nil {
			return
		}
		if limit == nil {
			limit = time.NewTimer(maxIdleWait)
			defer limit.Stop()
		}
		if a.idle.waiting != nil {
			a.idle.waiting()
		}
		select {
		case <-idle:
		case <-limit.C:
			return
		case <-ctx.Done():
			return
		}
	}
}

// idleSignal counts the work users wait for: a request from its arrival to its acknowledgement, a
// command in the core, and a reply on its way after the acknowledgement. It wakes whoever waits
// (whenIdle) when the count falls to zero.
type idleSignal struct {
	mu   sync.Mutex
	busy int
	ch   chan struct{}
	// waiting (nil but in tests) hears each time whenIdle starts to wait.
	waiting func()
}

func (s *idleSignal) enter() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.busy++
}

func (s *idleSignal) leave() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.busy--
	if s.busy == 0 && s.ch != nil {
		close(s.ch)
		s.ch = nil
	}
}

// wait returns nil when nothing is in flight, else a channel closed when the count next falls to
// zero.
func (s *idleSignal) wait() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.busy == 0 {
		return nil
	}
	if s.ch == nil {
		s.ch = make(chan struct{})
	}
	return s.ch
}
