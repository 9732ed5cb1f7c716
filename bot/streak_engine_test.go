package bot_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
)

// TestFreezesThroughCommands plays a week through the typed commands on a real database: five
// question days answered earn Ann a freeze, the sixth she misses spends it, and on the seventh her
// streak bonus still counts the five days before; `/pyq me` states the rule with the real reveal
// time, from the channel and from a DM.
func TestFreezesThroughCommands(t *testing.T) {
	t.Parallel()
	h := newHarness(t, testQuestions()[:1]) // Monday 16 November 2026, 09:00 UTC
	for day := 0; day < 5; day++ {
		h.dayOfAnswers(map[string]string{"Ann": "answer C", "Bob": "answer C"})
	}
	// Saturday: the question is up and Ann has a freeze banked.
	h.postOnly()
	me := h.as("Ann", false, "me").Post.Text
	mustContain(t, me, "Streak 5 · 1 freeze · answer before Sat 17:00 UTC (in 8h 0m) to keep it without spending a freeze",
		"Every 5 question days answered in a row earn a freeze (2 at most); a missed question day spends one and the streak goes on.",
		"Next freeze: 5 more question days in a row.")
	h.as("Bob", false, "answer C")
	h.as("lead", true, "reveal") // Ann missed Saturday
	h.clock.Advance(24 * time.Hour)

	// Sunday: the freeze was spent, the streak goes on at 5 and the next miss would end it.
	h.postOnly()
	me = h.as("Ann", false, "me").Post.Text
	mustContain(t, me, "Streak 5 · 0 freezes · answer before Sun 17:00 UTC (in 8h 0m) to keep it\n")
	h.as("Ann", false, "answer C")
	h.as("Bob", false, "answer C")
	mustContain(t, h.as("Ann", false, "me").Post.Text, "Streak 5 · 0 freezes · the open question is answered: the streak is safe")
	h.as("lead", true, "reveal")
	answers, err := h.store.Answers(context.Background(), 7)
	if err != nil || len(answers) != 2 {
		t.Fatalf("Sunday's answers = %v, %v", answers, err)
	}
	for _, a := range answers {
		// Both are on a 6-day streak: Ann's frozen Saturday kept hers. The bonus caps at +5.
		if a.Points != bot.CorrectPoints+bot.MaxStreakBonus {
			t.Errorf("%s earned %d on Sunday, want %d", a.User.Name, a.Points, bot.CorrectPoints+bot.MaxStreakBonus)
		}
	}
	board := h.as("Ann", false, "leaderboard").Post.Table
	if board == nil || len(board.Rows) != 2 {
		t.Fatalf("leaderboard = %+v", board)
	}
	streaks := map[string]string{}
	for _, row := range board.Rows {
		streaks[row[1]] = row[4]
	}
	if fmt.Sprint(streaks) != "map[Ann:6 Bob:7]" {
		t.Errorf("leaderboard streaks = %v, want Ann 6 (Saturday frozen), Bob 7", streaks)
	}
	mustContain(t, h.as("Bob", false, "me").Post.Text, "Streak 7 · 1 freeze", "Next freeze: 3 more question days in a row.")

	// Monday, asked from a DM: the rule is the team channel's, with its open question's reveal.
	h.clock.Advance(24 * time.Hour)
	h.postOnly()
	dm := h.engine.Handle(context.Background(), bot.Event{
		Conv: bot.Conversation{Platform: h.conv.Platform, Workspace: h.conv.Workspace, Channel: "D-ann"},
		User: bot.User{ID: "ann", Name: "Ann"}, Text: "me"})
	mustContain(t, dm.Post.Text, "Streak 6 · 0 freezes · answer before Mon 17:00 UTC (in 8h 0m) to keep it")

	// Monday missed too, with no freeze left: the streak ends.
	h.as("Bob", false, "answer C")
	h.as("lead", true, "reveal")
	h.clock.Advance(24 * time.Hour)
	mustContain(t, h.as("Ann", false, "me").Post.Text,
		"Streak 0 · 0 freezes · answer the next question before its reveal to start one")
}

// `/pyq me` states the deadline the channel's reveal job really has, after an admin moved it.
func TestMeStreakDeadlineFollowsTheRevealJob(t *testing.T) {
	t.Parallel()
	clk := testkit.NewFakeClock(time.Date(2026, 11, 18, 9, 0, 0, 0, time.UTC)) // a Wednesday
	p := newSchedProc(t, clk, schedOpts{path: filepath.Join(t.TempDir(), "bot.db"), schedules: []bot.Schedule{
		{Job: bot.JobReveal, Spec: "0 17 * * 1-5", Enabled: true}}})
	if got := p.say("lead", true, "today"); got != "" {
		t.Fatalf("/pyq today replied %q", got)
	}
	p.say("ann", false, "practice")
	p.say("ann", false, "answer p1 A") // so that `/pyq me` has a record to show
	mustContain(t, p.say("ann", false, "me"), "Streak 0 · 0 freezes · answer before Wed 17:00 UTC (in 8h 0m) to start one")
	p.say("lead", true, `schedule set reveal "30 18 * * 1-5"`)
	mustContain(t, p.say("ann", false, "me"), "answer before Wed 18:30 UTC (in 9h 30m) to start one")
	p.say("lead", true, "schedule off reveal")
	mustContain(t, p.say("ann", false, "me"), "answer before an admin reveals it to start one")
}
