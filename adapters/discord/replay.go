package discord

import (
	"sync"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

// seenSignatures is the in-memory replay check of http mode: a signed request whose signature was
// already accepted within the window is refused before it is parsed. It is cheap and catches a
// byte-for-byte replay at once; the engine's database claim (bot.Event.ReplayKey) is what holds
// across restarts and processes for the commands that change shared state.
type seenSignatures struct {
	mu   sync.Mutex
	seen map[string]time.Time // signature (hex) -> when it was accepted
	last time.Time            // last prune
}

// first records sig at now and reports whether it is new. Entries older than bot.ReplayMemory
// are forgotten: by then the timestamp they were signed with is outside the freshness window.
func (s *seenSignatures) first(sig string, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen == nil {
		s.seen = map[string]time.Time{}
	}
	if now.Sub(s.last) > time.Minute {
		for k, at := range s.seen {
			if now.Sub(at) > bot.ReplayMemory {
				delete(s.seen, k)
			}
		}
		s.last = now
	}
	if at, ok := s.seen[sig]; ok && now.Sub(at) <= bot.ReplayMemory {
		return false
	}
	s.seen[sig] = now
	return true
}
