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
	defer func() {
		<-a.cores
		if len(a.cores) == 0 {
			a.idle.signal()
		}
	}()
	return h.Handle(ctx, e)
}

// maxIdleWait bounds how long background work defers to commands in the core (whenCoreIdle): under
// load that never lets up, a name refresh still goes out.
const maxIdleWait = 2 * time.Second

// whenCoreIdle returns once no command is in the core, after maxIdleWait, or when ctx ends. Work
// nobody waits for (refreshing display names) calls it first, so a burst of answers is served
// before it.
func (a *Adapter) whenCoreIdle(ctx context.Context) {
	var limit *time.Timer // real time: how long Slack's users wait is not the adapter's clock's
	for len(a.cores) > 0 {
		idle := a.idle.wait()
		if len(a.cores) == 0 {
			return // the last command left before wait was set up
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

// idleSignal wakes whoever waits for the core to empty (whenCoreIdle).
type idleSignal struct {
	mu sync.Mutex
	ch chan struct{}
	// waiting (nil but in tests) hears each time whenCoreIdle starts to wait.
	waiting func()
}

// wait is closed at the next signal.
func (s *idleSignal) wait() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ch == nil {
		s.ch = make(chan struct{})
	}
	return s.ch
}

func (s *idleSignal) signal() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ch != nil {
		close(s.ch)
		s.ch = nil
	}
}
