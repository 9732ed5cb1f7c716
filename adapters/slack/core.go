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

// idleQuiet is how long nothing a user waits for must have been in flight before background work
// starts. An instant with nothing in flight is not the end of a burst: on two CPUs the requests of
// a burst of 150 arrive fractions of a millisecond apart, and a refresh let in by every such gap
// took the CPU from the answers behind it (in pyqbot-load's BenchmarkSlashServer three in four
// refreshes ran inside the burst, and an answer took 2.5 times as long). Names that trail a burst
// by this much more matter to no one.
const idleQuiet = 50 * time.Millisecond

// whenIdle returns once nothing a user waits for has been in flight for idleQuiet (see
// idleSignal), after maxIdleWait, or when ctx ends. Work nobody waits for (refreshing display
// names) calls it first, so a burst of answers and their confirmations is served before it:
// waiting for the core alone let refreshes slip into the gaps of a burst, while requests were
// still being read and verified or confirmations were on their way. Once a quiet spell is seen,
// the next callers go at once until a user's work arrives again, so a backlog of refreshes drains
// without a pause each.
func (a *Adapter) whenIdle(ctx context.Context) {
	var limit *time.Timer // real time: how long Slack's users wait is not the adapter's clock's
	for {
		idle, gen, calm := a.idle.state()
		if calm {
			return
		}
		if limit == nil {
			limit = time.NewTimer(maxIdleWait)
			defer limit.Stop()
		}
		if idle == nil {
			// Nothing in flight this instant: quiet only if nothing arrives for idleQuiet.
			quiet, stop := a.idle.quietTimer()
			select {
			case <-quiet:
				if a.idle.settle(gen) {
					return
				}
				continue
			case <-limit.C:
				stop()
				return
			case <-ctx.Done():
				stop()
				return
			}
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
	// gen counts enter calls; calm is gen as of the last quiet spell whenIdle saw (see settle):
	// while they are equal nothing has arrived since.
	gen, calm uint64
	// waiting (nil but in tests) hears each time whenIdle starts to wait for work in flight.
	waiting func()
	// quiet (nil but in tests) stands in for the idleQuiet timer.
	quiet func() <-chan time.Time
}

func (s *idleSignal) quietTimer() (<-chan time.Time, func()) {
	if s.quiet != nil {
		return s.quiet(), func() {}
	}
	t := time.NewTimer(idleQuiet)
	return t.C, func() { t.Stop() }
}

func (s *idleSignal) enter() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.busy++
	s.gen++
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

// state returns nil when nothing is in flight, else a channel closed when the count next falls to
// zero; with the count of arrivals so far, and whether nothing has arrived since the last quiet
// spell.
func (s *idleSignal) state() (idle <-chan struct{}, gen uint64, calm bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.busy == 0 {
		return nil, s.gen, s.gen == s.calm
	}
	if s.ch == nil {
		s.ch = make(chan struct{})
	}
	return s.ch, s.gen, false
}

// settle records a quiet spell if nothing has arrived since state returned gen, and says whether
// it did.
func (s *idleSignal) settle(gen uint64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.busy != 0 || s.gen != gen {
		return false
	}
	s.calm = gen
	return true
}
