package main

import "testing"

// The terminal plays the rubric checklist end to end through the built binary: a design reveal
// offers it, the answerer sees the checklist and ticks it, /pyq me shows the coverage, and someone
// who did not answer, or an item the rubric lacks, is refused.
func TestConsoleChecksADesignAnswerAgainstTheRubric(t *testing.T) {
	t.Parallel()
	s := designConsole(t)
	s.send(
		"/as Alice", "/pyq rubric #1",
		"/pyq answer I would use asyncio because the work waits on the network",
		"/as Bob", "/pyq answer A bounded queue between them, so a slow consumer pushes back",
		"/as lead", "/pyq reveal",
		"/as Alice", "/pyq rubric", "/pyq rubric 1 3", "/pyq rubric #1 99", "/pyq me",
		"/as Carol", "/pyq rubric #1 1",
		"/pyq leaderboard")
	out := s.finish()
	mustContain(t, out,
		"#1 is not revealed yet: its rubric is shown at the reveal",
		"Check my answer against the rubric: /pyq rubric #1",
		"== Rubric for #1: ", "Your answer: I would use asyncio because the work waits on the network",
		"Tick what your answer covered:\n[ ] 1. ", "Tick with: /pyq rubric #1 <numbers, e.g. 1 3>",
		"Recorded for #1: your answer covered 2 of ",
		"There is no item 99 on #1's rubric",
		"Design rubric: ",
		"You did not answer #1, so there is no answer of yours to check.",
	)
	points := leaderboardPoints(out)
	if points["Alice"] != "5" || points["Bob"] != "5" {
		t.Errorf("leaderboard points = %v, want 5 each: a rubric check earns nothing\n%s", points, out)
	}
}
