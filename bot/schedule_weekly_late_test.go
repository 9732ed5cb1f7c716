package bot_test

import (
	"strings"
	"testing"
	"time"
)

// A weekly leaderboard due late on Sunday and caught up after midnight, within the grace window,
// is the week it was due in: the week just ended, not the one that began at midnight. It was
// composed for the tick's week, so it came out "late" with an empty table.
func TestALateWeeklyLeaderboardAfterMidnightIsTheWeekItWasDueIn(t *testing.T) {
	h, _ := weeklyHarness(t, time.Date(2026, 11, 18, 9, 0, 0, 0, time.UTC), "0 23 * * 0") // Wednesday; Sundays 23:00
	h.dayOfAnswers(map[string]string{"Bob": "answer C because print(3) prints 3"})
	h.tick(time.Date(2026, 11, 23, 0, 30, 0, 0, time.UTC)) // Monday 00:30: the bot was down at 23:00
	weekly := h.weeklyPosts()
	if len(weekly) != 1 {
		t.Fatalf("%d weekly posts, want the late one", len(weekly))
	}
	if !strings.Contains(weekly[0], "week of Mon 16 Nov 2026") || strings.Contains(weekly[0], "Nobody has scored this week") {
		t.Fatalf("the late weekly post does not rank the week it was due in (Bob's right answer on Wednesday):\n%s", weekly[0])
	}
}
