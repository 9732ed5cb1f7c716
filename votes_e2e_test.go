package main

import (
	"regexp"
	"testing"
)

// The terminal plays the vote end to end through the built binary: a design question with three
// explanations, votes (one refused: your own), the channel's next reveal closing the vote, and the
// best-explanation bonus on the leaderboard.
func TestConsolePlaysAVoteForTheBestExplanation(t *testing.T) {
	t.Parallel()
	s := designConsole(t)
	s.send(
		"/as Alice", "/pyq answer I would use asyncio because the work waits on the network",
		"/as Bob", "/pyq answer A bounded queue between them, so a slow consumer pushes back on the producer",
		"/as Carol", "/pyq answer Threads with a pool sized to the database connections we have",
		"/as lead", "/pyq reveal",
		"/as Dave", "/pyq vote 2",
		"/as Erin", "/pyq vote #1 2",
		"/as Bob", "/pyq vote 2",
		"/as Alice", "/pyq vote 2",
		"/as lead", "/pyq today")
	s.until(regexp.MustCompile(`^-- #2 · `))
	s.send("/pyq reveal", "/as Dave", "/pyq vote #1 3", "/pyq leaderboard")
	out := s.finish()

	mustContain(t, out,
		"1. Alice: I would use asyncio", "2. Bob: A bounded queue", "3. Carol: Threads with a pool",
		"== Vote for the best explanation of #1 ==", "Vote with: /pyq vote #1 <1-3>",
		"Recorded your vote on #1 for explanation 2, by Bob",
		"Explanation 2 is your own",
		"closed: Vote closed: the best explanation of #1",
		"Voting on #1 closed",
	)
	points := leaderboardPoints(out)
	if points["Bob"] != "10" || points["Alice"] != "5" || points["Carol"] != "5" {
		t.Errorf("leaderboard points = %v, want Bob 5 + the 5-point bonus, Alice and Carol 5\n%s", points, out)
	}
}
