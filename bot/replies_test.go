package bot_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
)

func (p *schedProc) say(user string, admin bool, text string) string {
	r := p.engine.Handle(context.Background(), bot.Event{Conv: schedConv, User: bot.User{ID: user, Name: user}, Admin: admin, Text: text})
	return bot.PlainText(r.Post)
}

// Wednesday has the daily question and the debugging challenge open together: a bare answer must not
// lock onto whichever is newest.
func TestBareAnswerWithSeveralOpenAsksWhichOne(t *testing.T) {
	t.Parallel()
	qs := schedQuestions()
	four := qs[0]
	four.Choices = []bot.Choice{{Key: "A", Text: "1"}, {Key: "B", Text: "2"}, {Key: "C", Text: "3"}, {Key: "D", Text: "4"}}
	wed := time.Date(2026, 11, 18, 9, 0, 0, 0, time.UTC)
	clk := testkit.NewFakeClock(wed.Add(-time.Hour))
	p := newSchedProc(t, clk, schedOpts{path: filepath.Join(t.TempDir(), "bot.db"), questions: []bot.Question{four, qs[len(qs)-1]},
		schedules: []bot.Schedule{
			{Job: bot.JobQuestion, Spec: "0 9 * * 1-5", Enabled: true},
			{Job: bot.JobDebug, Spec: "0 10 * * 3", Enabled: true},
			{Job: bot.JobReveal, Spec: "0 17 * * 1-5", Enabled: true},
		}})
	p.tickAt(t, wed)
	p.tickAt(t, wed.Add(time.Hour))
	if n := len(p.adapter.topLevel()); n != 2 {
		t.Fatalf("posted %d questions by 10:00 on Wednesday, want the question and the challenge", n)
	}
	got := p.say("ann", false, "answer B")
	mustContain(t, got, "2 questions are open here", "nothing was recorded", "#1 — output question: Output 1",
		"#2 — debugging challenge: Invoices share lines", "revealed Wed 17:00 UTC", "/pyq answer #2 B")
	for _, id := range []int64{1, 2} {
		if answers, _ := p.db.Answers(context.Background(), id); len(answers) != 0 {
			t.Fatalf("a refused bare answer was stored on #%d: %+v", id, answers)
		}
	}
	// A letter only one of them has goes to that one; #N always works.
	mustContain(t, p.say("ann", false, "answer D"), "Recorded your answer D to #1")
	mustContain(t, p.say("bob", false, "answer #2 A"), "Recorded your answer A to #2")
	mustContain(t, p.say("cat", false, "today"), "2 questions are open in this channel", "#1 — output question", "#2 — debugging challenge")
}

// The reveal time a player is shown is when the channel's reveal job will really run.
func TestShownRevealTimeFollowsTheRevealJob(t *testing.T) {
	t.Parallel()
	mon := time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC)
	clk := testkit.NewFakeClock(mon)
	p := newSchedProc(t, clk, schedOpts{path: filepath.Join(t.TempDir(), "bot.db"), schedules: []bot.Schedule{
		{Job: bot.JobReveal, Spec: "0 17 * * 1-5", Enabled: true}}})
	if got := p.say("lead", true, "today"); got != "" {
		t.Fatalf("/pyq today replied %q", got)
	}
	mustContain(t, bot.PlainText(p.adapter.topLevel()[0].post), "revealed Mon 17:00 UTC")
	mustContain(t, p.say("ann", false, "answer A"), "revealed Mon 17:00 UTC")
	mustContain(t, p.say("lead", true, `schedule set reveal "0 18 * * 1-5"`), "reveal")
	mustContain(t, p.say("bob", false, "answer A"), "revealed Mon 18:00 UTC")
	mustContain(t, p.say("cat", false, "today"), "revealed Mon 18:00 UTC")
	mustContain(t, p.say("lead", true, "schedule off reveal"), "reveal")
	got := p.say("dan", false, "answer A")
	mustContain(t, got, "revealed when an admin runs `/pyq reveal`")
	mustNotContain(t, got, "17:00", "18:00")
}

func TestDesignAnswerNeedsWords(t *testing.T) {
	t.Parallel()
	d := newHarness(t, []bot.Question{testQuestions()[2]})
	d.postOnly()
	for _, text := range []string{"answer 🐍🐍🐍", "answer asyncio!", "answer use threads"[:16]} {
		mustContain(t, d.as("Zed", false, text).Post.Text, "at least 3 words", "Nothing was recorded")
	}
	mustContain(t, d.as("Zed", false, "answer asyncio: it is I/O bound").Post.Text, "Recorded your answer")
}

// `/pyq me` right after answering says the answer is waiting, and names a weakest topic only when
// one is weaker than another.
func TestMeShowsPendingAndOnlyARealWeakestTopic(t *testing.T) {
	t.Parallel()
	h := newHarness(t, testQuestions()[:1])
	h.postOnly()
	h.as("Ann", false, "answer C")
	got := h.as("Ann", false, "me").Post.Text
	mustContain(t, got, "1 answer waiting for its reveal")
	mustNotContain(t, got, "Nothing yet")
	h.as("lead", true, "reveal")
	got = h.as("Ann", false, "me").Post.Text
	mustContain(t, got, "1 of 1 right (100%)")
	mustNotContain(t, got, "Weakest topic", "waiting")
}

// The weekly post singles out a streak only when it singles someone out, keeps every player tied for
// third, and rounds percentages.
func TestWeeklyPostTiesAndRounding(t *testing.T) {
	t.Parallel()
	h := newHarness(t, testQuestions()[:1])
	h.dayOfAnswers(map[string]string{"Ann": "answer C", "Bob": "answer C", "Cat": "answer A", "Dan": "answer B"})
	ch, err := h.engine.EnsureChannel(context.Background(), h.conv)
	if err != nil {
		t.Fatal(err)
	}
	post, err := h.engine.WeeklyLeaderboardPost(context.Background(), ch, h.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, post.Footer, "Everyone who has played is on a 1-question-day streak", "1. Ann 10", "1. Bob 10", "3. Cat 0", "3. Dan 0")
	mustNotContain(t, post.Footer, "Longest current streak: Ann, Bob, Cat, Dan")

	h.dayOfAnswers(map[string]string{"Ann": "answer C", "Bob": "answer A"})
	h.dayOfAnswers(map[string]string{"Ann": "answer A"})
	board := bot.PlainText(h.as("Ann", false, "leaderboard").Post)
	mustContain(t, board, "2/3")
	mustContain(t, h.as("Ann", false, "me").Post.Text, "2 of 3 right (67%)")
}
