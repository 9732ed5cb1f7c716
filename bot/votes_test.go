package bot_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
)

// The whole rule set on one question: reasons recorded and confirmed, shown numbered at the reveal
// with one vote message in the thread, votes cast, changed and refused, and the close 24 h later
// (the reveal was on a Sunday) awarding the bonus in the week the vote closed.
func TestReasonsAreRevealedAndTheTeamVotes(t *testing.T) {
	c := testkit.NewFakeClock(time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)) // Sunday
	h := newVoteHarness(t, testQuestions()[:1], "", c)
	h.postOnly()
	r := h.as("Alice", false, "answer B because the default list is created once")
	mustContain(t, r.Post.Text, "Recorded your answer B to #1", "Your reason will be shown with your name in the thread at the reveal, where the team votes for the best explanation.")
	h.as("Bob", false, "answer #1 C BECAUSE print(3)\n prints   3")
	h.as("Carol", false, "answer C because C is three")
	h.as("Dave", false, "answer C")
	answers, err := h.store.Answers(context.Background(), 1)
	if err != nil || len(answers) != 4 {
		t.Fatalf("answers = %+v (%v)", answers, err)
	}
	if answers[1].Reason != "print(3) prints 3" || answers[1].Keys[0] != "C" {
		t.Errorf("Bob's answer = %+v, want C with the reason's spacing folded", answers[1])
	}

	topBefore := h.count() - len(h.threadMessages())
	h.clock.Set(time.Date(2026, 11, 22, 17, 0, 0, 0, time.UTC))
	h.as("lead", true, "reveal")
	reveal := h.titled("Answer to #1")
	mustContain(t, reveal.Post.Text, "Got it: Bob +10, Carol +10", "Why they chose it:",
		"1. Alice (B): the default list is created once", "2. Bob (C): print(3) prints 3", "3. Carol (C): C is three")
	mustNotContain(t, reveal.Post.Text, "Dave (C)")
	thread := h.threadMessages()
	if topAfter := h.count() - len(thread); topAfter != topBefore {
		t.Errorf("the reveal added %d top-level messages, want none", topAfter-topBefore)
	}
	if len(thread) != 2 {
		t.Fatalf("%d thread messages, want the reveal and one vote message", len(thread))
	}
	vote := thread[1]
	if vote.Post.Vote == nil || vote.Post.Vote.Ref != "#1" || len(vote.Post.Vote.Options) != 3 {
		t.Fatalf("vote message = %+v, want a vote form for #1 with 3 options", vote.Post)
	}
	if got := vote.Post.Vote.Options[1]; got.N != 2 || got.Label != "2 · Bob: print(3) prints 3" || vote.Post.Vote.Command(2) != "vote #1 2" {
		t.Errorf("option 2 = %+v (command %q)", got, vote.Post.Vote.Command(2))
	}
	mustContain(t, vote.Post.Text, "until Mon 17:00 UTC", "at least 2", "+5 points")

	steps := []privateStep{
		{"Dave", "vote 2", "Recorded your vote on #1 for explanation 2, by Bob. You can change it until Mon 17:00 UTC"},
		{"Dave", "vote #1 2", "Your vote on #1 is unchanged: explanation 2, by Bob."},
		{"Dave", "vote 3", "Your vote on #1 moved from explanation 2 to 3, by Carol."},
		{"Dave", "vote 2", "moved from explanation 3 to 2"},
		{"Bob", "vote 2", "Explanation 2 is your own"},
		{"Alice", "vote 2", "Recorded your vote"},
		{"Erin", "vote 2", "Recorded your vote"}, // a teammate who did not answer may judge too
		{"Carol", "vote 1", "Recorded your vote"},
		{"Erin", "vote 4", "There is no explanation 4 on #1: pick a number from 1 to 3. Nothing was recorded."},
		{"Erin", "vote 0", "There is no explanation 0"},
		{"Erin", "vote two", `"two" is not an explanation number`},
		{"Erin", "vote", "Say which explanation"},
		{"Erin", "vote #1 1 2", "Say which explanation"},
		{"Erin", "vote #9 1", "There is no question #9 in this channel"},
	}
	h.expectPrivate(steps)

	// Nothing closes before the window ends.
	h.tick(time.Date(2026, 11, 23, 16, 59, 0, 0, time.UTC))
	if edits := h.out.Edits(); len(edits) != 0 && edits[len(edits)-1].Ref == vote.Ref {
		t.Fatal("the vote closed before its 24 h")
	}
	h.tick(time.Date(2026, 11, 23, 17, 0, 0, 0, time.UTC))
	closed := h.lastEdit()
	if closed.Ref != vote.Ref || !closed.Post.Closed || closed.Post.Vote == nil || len(closed.Post.Vote.Options) != 0 {
		t.Fatalf("last edit = %+v, want the vote message closed without its control", closed)
	}
	mustContain(t, closed.Post.Text, "The best explanation: no. 2 by Bob, with 3 votes. +5 points.")
	mustContain(t, closed.Post.Footer, "4 votes · 1: 1 · 2: 3 · 3: 0")
	if len(h.threadMessages()) != 2 {
		t.Errorf("the close sent a message; it must only edit the vote message")
	}

	mustContain(t, h.as("Dave", false, "vote 3").Post.Text, "Voting on #1 closed")
	mustContain(t, h.as("Dave", false, "vote #1 3").Post.Text, "Voting on #1 closed")
	// The bonus counts in the week the vote closed (Monday 23 Nov), the answer in the one before.
	if got := h.points("Bob", "week"); got != 5 {
		t.Errorf("Bob has %d points in the week the vote closed, want the 5-point bonus", got)
	}
	if got := h.points("Bob", "all"); got != 15 {
		t.Errorf("Bob has %d points all time, want 10 + 5", got)
	}
	if got := h.points("Carol", "all"); got != 10 {
		t.Errorf("Carol has %d points all time, want 10 (no bonus)", got)
	}
	h.tick(time.Date(2026, 11, 24, 17, 0, 0, 0, time.UTC))
	if got := h.points("Bob", "all"); got != 15 {
		t.Errorf("after another tick Bob has %d points, want 15: the bonus is awarded once", got)
	}
	mustContain(t, h.as("Bob", false, "me").Post.Text, "15")
}

func TestReasonAndVoteBadInput(t *testing.T) {
	c := testkit.NewFakeClock(time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC))
	h := newVoteHarness(t, testQuestions()[:1], "", c)
	mustContain(t, h.as("Erin", false, "vote 1").Post.Text, "No vote is open in this channel")
	h.postOnly()
	tests := []struct{ name, text, want string }{
		{"reason over the limit", "answer B because " + strings.Repeat("é", bot.MaxReasonLen+1), fmt.Sprintf("Your reason is %d characters; keep it to %d. Nothing was recorded.", bot.MaxReasonLen+1, bot.MaxReasonLen)},
		{"empty reason", "answer B because   ", "Say why after `because`"},
		{"words without because", "answer B the list is shared", "to say why, add `because …`"},
		{"reason without a choice", "answer because it is", "Say which choice"},
	}
	for _, tt := range tests {
		r := h.as("Alice", false, tt.text)
		mustContain(t, r.Post.Text, tt.want)
		if n, _ := h.store.CountAnswers(context.Background(), 1); n != 0 {
			t.Fatalf("%s: %d answers recorded, want none", tt.name, n)
		}
	}
	// Exactly at the limit is fine, counted in characters.
	mustContain(t, h.as("Alice", false, "answer B because "+strings.Repeat("é", bot.MaxReasonLen)).Post.Text, "Recorded your answer B")
	// One explanation opens no vote: "best" needs a choice.
	h.as("lead", true, "reveal")
	if n := len(h.threadMessages()); n != 1 {
		t.Errorf("%d thread messages after a reveal with one reason, want only the reveal", n)
	}
	mustContain(t, h.titled("Answer to #1").Post.Text, "• Alice (B): ")
	mustContain(t, h.as("Erin", false, "vote #1 1").Post.Text, "Question #1 has no vote")
}

// The channel's next reveal closes the previous vote before its 24 h: two votes never run at once
// in a channel. Design answers are explanations too.
func TestNextRevealClosesTheVote(t *testing.T) {
	c := testkit.NewFakeClock(time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC))
	h := newVoteHarness(t, []bot.Question{testQuestions()[0], testQuestions()[2]}, "", c)
	first := h.as("lead", true, "today")
	if !first.Empty() {
		t.Fatal(first.Post.Text)
	}
	design := strings.Contains(h.last().Post.Title, "Design")
	say := func(user, why string) string {
		if design {
			return "answer I would pick threads " + why
		}
		return "answer C because " + why
	}
	h.as("Alice", false, say("Alice", "the work is I/O bound"))
	h.as("Bob", false, say("Bob", "backpressure keeps memory flat"))
	h.clock.Advance(8 * time.Hour)
	h.as("lead", true, "reveal")
	mustContain(t, h.titled("Answer to #1").Post.Text, "1. Alice", "2. Bob")
	h.as("Carol", false, "vote 2")
	h.as("Dave", false, "vote 2")

	h.clock.Advance(16 * time.Hour) // Tuesday 09:00: less than 24 h after the reveal
	h.as("lead", true, "today")
	h.as("Alice", false, say("Alice", "it is simplest to reason about"))
	h.as("Bob", false, say("Bob", "the GIL is released on I/O"))
	h.clock.Advance(time.Hour)
	h.as("lead", true, "reveal")
	edits := h.out.Edits()
	closed := edits[len(edits)-2] // the vote's result, then question #2 marked closed
	mustContain(t, closed.Post.Title, "Vote closed: the best explanation of #1")
	mustContain(t, closed.Post.Text, "no. 2 by Bob, with 2 votes")
	mustContain(t, h.as("Carol", false, "vote #1 1").Post.Text, "Voting on #1 closed")
	// The new vote is open and is the default target.
	mustContain(t, h.as("Carol", false, "vote 1").Post.Text, "Recorded your vote on #2 for explanation 1, by Alice")
}

// A tie rewards every tied explanation; a lone vote earns nothing.
func TestVoteTiesAndTooFewVotes(t *testing.T) {
	tests := []struct {
		name  string
		votes map[string]string // voter -> explanation
		want  string
		bonus map[string]int
	}{
		{"tie", map[string]string{"V1": "1", "V2": "1", "V3": "2", "V4": "2", "V5": "3"},
			"A tie at 2 votes: no. 1 by Alice and no. 2 by Bob each earn +5 points.", map[string]int{"Alice": 5, "Bob": 5}},
		{"one vote is not enough", map[string]string{"V1": "1", "V2": "2", "V3": "3"},
			"No explanation got 2 votes, so there is no bonus this time.", map[string]int{}},
		{"nobody voted", nil, "No explanation got 2 votes", map[string]int{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := testkit.NewFakeClock(time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC))
			h := newVoteHarness(t, testQuestions()[:1], "", c)
			h.postOnly()
			for _, u := range []string{"Alice", "Bob", "Carol"} {
				h.as(u, false, "answer B because "+u+" thinks so")
			}
			h.as("lead", true, "reveal")
			for voter, n := range tt.votes {
				mustContain(t, h.as(voter, false, "vote "+n).Post.Text, "Recorded")
			}
			h.tick(c.Now().Add(bot.VoteWindow))
			mustContain(t, h.lastEdit().Post.Text, tt.want)
			for _, u := range []string{"Alice", "Bob", "Carol"} {
				if got := h.points(u, "all"); got != tt.bonus[u] {
					t.Errorf("%s has %d points, want %d", u, got, tt.bonus[u])
				}
			}
		})
	}
}

// Two processes on one database tick at the close at once: the bonus is awarded once.
func TestVoteClosesOnceAcrossProcesses(t *testing.T) {
	c := testkit.NewFakeClock(time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC))
	h := newVoteHarness(t, testQuestions()[:1], "", c)
	other := newVoteHarness(t, testQuestions()[:1], h.path, c)
	voteIn(h) // Carol and Dave vote for Bob's explanation
	at := c.Now().Add(bot.VoteWindow)
	c.Set(at)
	var wg sync.WaitGroup
	for _, p := range []*harness{h, other, h, other} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := p.engine.Tick(context.Background(), at); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	var bonuses int
	if err := h.store.SQL().QueryRow(`SELECT COUNT(*) FROM bonuses`).Scan(&bonuses); err != nil {
		t.Fatal(err)
	}
	if bonuses != 1 {
		t.Fatalf("%d bonuses recorded, want 1", bonuses)
	}
	if got := h.points("Bob", "all"); got != 15 {
		t.Errorf("Bob has %d points, want 10 for his answer and one bonus of 5", got)
	}
}

func TestHelpMentionsReasonsAndVotes(t *testing.T) {
	c := testkit.NewFakeClock(time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC))
	h := newVoteHarness(t, testQuestions()[:1], "", c)
	mustContain(t, h.as("a", false, "help vote").Post.Text, "/pyq vote [#N] K", "never for your own", "24 h", "at least 2", "+5")
	mustContain(t, h.as("a", false, "help answer").Post.Text, "because …", fmt.Sprint(bot.MaxReasonLen), "best explanation")
	mustContain(t, h.as("a", false, "help scoring").Post.Text, "Best explanation", fmt.Sprintf("+%d points", bot.BestExplanationBonus),
		fmt.Sprintf("at least %d", bot.MinBonusVotes), "the week and month the vote closed")
}

// TestWeeklyLeaderboardNamesBestExplanations plays a week through the engine (answers with reasons,
// reveals, votes, closes by time and by the next reveal) and checks the leaderboard job's post, which
// names the best explanations closed that week. Run with -update to rewrite the golden file.
func TestWeeklyLeaderboardNamesBestExplanations(t *testing.T) {
	c := testkit.NewFakeClock(time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC)) // Monday
	h := newVoteHarness(t, schedQuestions()[:5], "", c)
	team := []string{"Ada", "Bo", "Cy", "Di"}
	for day := range 4 {
		c.Set(time.Date(2026, 11, 16+day, 9, 0, 0, 0, time.UTC))
		h.postOnly()
		for i, u := range team {
			answer := "answer A"
			if (i+day)%3 != 0 {
				answer += fmt.Sprintf(" because %s has a reason on day %d", u, day+1)
			}
			h.as(u, false, answer)
		}
		c.Set(time.Date(2026, 11, 16+day, 17, 0, 0, 0, time.UTC))
		h.as("lead", true, "reveal") // also closes yesterday's vote
		for i, u := range team {     // everyone votes for the next teammate's explanation, if it is one
			h.as(u, false, fmt.Sprintf("vote %d", 1+(i+day)%2))
		}
	}
	h.tick(time.Date(2026, 11, 20, 17, 0, 0, 0, time.UTC)) // Friday: Thursday's vote closes by time
	ch, err := h.store.EnsureChannel(context.Background(), h.conv, "UTC")
	if err != nil {
		t.Fatal(err)
	}
	post, err := h.engine.WeeklyLeaderboardPost(context.Background(), ch, time.Date(2026, 11, 20, 17, 30, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "weekly_leaderboard_votes.golden", bot.PlainText(post))
}

// The terminal shows each explanation of a vote with one number, the one the label carries (as
// Slack's and Discord's selects show it): it printed "(1) 1 · Alice: …".
func TestVoteOptionsShowOneNumberInTheTerminal(t *testing.T) {
	c := testkit.NewFakeClock(time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC))
	h := newVoteHarness(t, testQuestions()[:1], "", c)
	h.postOnly()
	h.as("Alice", false, "answer B because two")
	h.as("Bob", false, "answer C because three")
	h.as("lead", true, "reveal")
	thread := h.threadMessages()
	vote := thread[len(thread)-1]
	if vote.Post.Vote == nil {
		t.Fatalf("the last thread message is %+v, want the vote", vote.Post)
	}
	text := bot.PlainText(vote.Post)
	mustContain(t, text, "\n  1 · Alice: two\n  2 · Bob: three\n", "Vote with: /pyq vote #1 <1-2>")
	mustNotContain(t, text, "(1)", "(2)")
}
