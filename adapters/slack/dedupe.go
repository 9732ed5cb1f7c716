package slack

import (
	"context"
	"sync"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

// eventMemory is how long an Events API event_id is remembered: Slack retries a delivery
// immediately, after 1 minute and after 5 minutes.
const eventMemory = 10 * time.Minute

// seenEvents remembers ids (request signatures, event ids) for a while, in memory and bounded. The
// adapter keeps one for the signature of every signed request, so a byte-identical replay is
// refused before its body is parsed; the database's replay memory (bot.ReplayStore) is the one
// that holds across restarts and processes.
type seenEvents struct {
	mu    sync.Mutex
	ttl   time.Duration
	limit int
	at    map[string]time.Time
	order []string // insertion order, for expiry and the size bound
}

func newSeenEvents(ttl time.Duration, limit int) *seenEvents {
	return &seenEvents{ttl: ttl, limit: limit, at: map[string]time.Time{}}
}

// first reports whether id has not been seen within the TTL, and records it.
func (s *seenEvents) first(id string, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.order) > 0 && (now.Sub(s.at[s.order[0]]) > s.ttl || len(s.order) >= s.limit) {
		delete(s.at, s.order[0])
		s.order = s.order[1:]
	}
	if _, ok := s.at[id]; ok {
		return false
	}
	s.at[id] = now
	s.order = append(s.order, id)
	return true
}

// memoryReplays is the stand-in ReplayStore when the adapter is given none (tests, tools): event
// ids are then remembered in this process only.
type memoryReplays struct{ seen *seenEvents }

var _ bot.ReplayStore = memoryReplays{}

func (m memoryReplays) ClaimReplay(_ context.Context, kind, key string, at time.Time, _ time.Duration) (bool, error) {
	return m.seen.first(kind+":"+key, at), nil
}
