package slack

import (
	"sync"
	"time"
)

// seenEvents remembers Events API event ids for a while, so Slack's retries of an event already
// handled change nothing. It lives in memory: after a restart a retry of an event from before the
// restart is handled again (for app_home_opened that only republishes the Home tab).
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
