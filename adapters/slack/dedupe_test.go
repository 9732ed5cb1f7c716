package slack

import (
	"testing"
	"time"
)

func TestSeenEventsForgetsAfterTTLAndStaysBounded(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_800_000_000, 0)
	s := newSeenEvents(10*time.Minute, 3)
	if !s.first("Ev1", now) || s.first("Ev1", now.Add(9*time.Minute)) {
		t.Fatal("a retry within 10 minutes was not recognised")
	}
	if !s.first("Ev1", now.Add(10*time.Minute+time.Second)) {
		t.Error("an event id was remembered past its TTL")
	}
	for _, id := range []string{"Ev2", "Ev3", "Ev4", "Ev5"} {
		s.first(id, now.Add(11*time.Minute))
	}
	if len(s.at) > 3 || len(s.order) > 3 {
		t.Errorf("holds %d ids, bound is 3", len(s.at))
	}
}
