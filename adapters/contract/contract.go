package contract

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
)

// The people of the suite. Names are plain so that each platform shows them the same way.
var (
	Lead  = User{Name: "Lead", Admin: true}
	Alice = User{Name: "Alice"}
	Bob   = User{Name: "Bob"}
	Carol = User{Name: "Carol"}
	Dave  = User{Name: "Dave"}
	Erin  = User{Name: "Erin"}
)

// Users are everyone the suite acts as, for harnesses that must register them with their fake.
var Users = []User{Lead, Alice, Bob, Carol, Dave, Erin}

// OutputQuestion is the suite's output question (three choices, B right); adapter tests use it too.
func OutputQuestion() bot.Question {
	return bot.Question{ID: "late-binding", Kind: bot.KindOutput, Topic: "closures", Difficulty: bot.Warmup,
		Title: "Lambdas in a loop", Prompt: "What does this print?", Code: "fs = [lambda: i for i in range(3)]\nprint([f() for f in fs])",
		Choices: []bot.Choice{{Key: "A", Text: "[0, 1, 2]"}, {Key: "B", Text: "[2, 2, 2]"}, {Key: "C", Text: "[0, 0, 0]"}},
		Answer:  []string{"B"}, Explanation: "The lambdas close over the variable i, not its value."}
}

// DesignQuestion is the suite's design question (free text, a three-item rubric).
func DesignQuestion() bot.Question {
	return bot.Question{ID: "design-queue", Kind: bot.KindDesign, Topic: "concurrency", Difficulty: bot.Senior,
		Title: "A queue between two services", Prompt: "Bounded or unbounded?", Explanation: "It depends on who should wait.",
		Rubric: []string{"backpressure", "memory", "latency"}}
}

// RubricQuestion is the adapters' rubric-checklist question (a four-item rubric), for their own
// tests of the checklist control.
func RubricQuestion() bot.Question {
	return bot.Question{ID: "threads-or-asyncio", Kind: bot.KindDesign, Topic: "concurrency", Difficulty: bot.Senior,
		Title: "Threads or asyncio?", Prompt: "A service calls 200 slow HTTP APIs per request. Threads or asyncio, and why?",
		Rubric:      []string{"I/O bound, so the GIL matters little", "bounded concurrency (a semaphore)", "timeouts and cancellation", "what the libraries support"},
		Explanation: "Either can work; the answer is in the trade-offs."}
}

// weeklyLeaderboard is the scheduled public leaderboard: Fridays 16:00 in the channel's zone (UTC).
var weeklyLeaderboard = bot.Schedule{Job: bot.JobLeaderboard, Spec: "0 16 * * 5", Enabled: true}

// Run runs the contract against the adapter newHarness builds; each case gets a fresh harness,
// engine and database, and runs in parallel with the others.
func Run(t *testing.T, newHarness func(t *testing.T) Harness) {
	t.Run("question, private answer, reveal in thread, closed, scheduled leaderboard", func(t *testing.T) {
		t.Parallel()
		questionDay(t, newHarness(t))
	})
	t.Run("explanations and votes, user text pings nobody", func(t *testing.T) {
		t.Parallel()
		votesAndMentions(t, newHarness(t))
	})
	t.Run("rubric checklist after a design reveal, private, not points", func(t *testing.T) {
		t.Parallel()
		rubricChecklist(t, newHarness(t))
	})
}

// play starts h with the real engine on a file, its scheduler on h's clock.
func play(t *testing.T, h Harness, q bot.Question) *testkit.Kit {
	t.Helper()
	k := testkit.NewEngine(t, testkit.Options{Questions: []bot.Question{q}, Adapters: []bot.Adapter{h.Adapter()},
		Clock: h.Clock(), Schedules: []bot.Schedule{weeklyLeaderboard}})
	h.Start(t, k.Engine)
	return k
}

func questionDay(t *testing.T, h Harness) {
	k := play(t, h, OutputQuestion())
	h.Command(t, Lead, "today")
	top := topLevel(h.Messages(t))
	if len(top) != 1 {
		t.Fatalf("after /pyq today the channel has %d messages, want the question:\n%s", len(top), dump(top))
	}
	q := top[0]
	if !slices.Equal(q.Choices, []string{"A", "B", "C"}) {
		t.Errorf("the question's answer controls are %v, want A, B, C:\n%s", q.Choices, q.Text)
	}
	mustShow(t, "the question", q.Text, "Lambdas in a loop", "What does this print?", "[0, 1, 2]", "[2, 2, 2]", "[0, 0, 0]")

	// Answers are confirmed to the one who answered, whether by the control or typed, and to nobody else.
	mustBePrivateTo(t, "Alice's press of B", h.Answer(t, Alice, q, "B"), Alice, "Recorded your answer B to #1")
	mustBePrivateTo(t, "Bob's typed answer", h.Command(t, Bob, "answer #1 A"), Bob, "Recorded your answer A to #1")
	for _, m := range h.Messages(t) {
		if strings.Contains(m.Text, "Recorded your answer") {
			t.Errorf("an answer's confirmation is in the channel for everyone:\n%s", m.Text)
		}
	}

	h.Command(t, Lead, "reveal")
	msgs := h.Messages(t)
	if top := topLevel(msgs); len(top) != 1 {
		t.Errorf("the reveal went to the channel, want only the question there:\n%s", dump(top))
	}
	thread := inThread(msgs, q.ID)
	if len(thread) == 0 || !strings.Contains(thread[0].Text, "Answer to #1") {
		t.Fatalf("the question's thread holds %d messages, want the reveal first:\n%s\nall messages:\n%s", len(thread), dump(thread), dump(msgs))
	}
	mustShow(t, "the reveal", thread[0].Text, "[2, 2, 2]", "Alice")
	closed := byID(msgs, q.ID)
	if !closed.Closed || len(closed.Choices) != 0 {
		t.Errorf("after the reveal the question shows closed=%v with controls %v, want closed without controls:\n%s", closed.Closed, closed.Choices, closed.Text)
	}

	// The public leaderboard is the scheduled job's post, in the channel.
	k.Tick(nextFriday16(h.Clock().Now()))
	msgs = h.Messages(t)
	top = topLevel(msgs)
	if len(top) != 2 || !strings.Contains(top[1].Text, "Weekly leaderboard") {
		t.Fatalf("after Friday 16:00 the channel has:\n%s\nwant the question and the weekly leaderboard", dump(top))
	}
	mustShow(t, "the weekly leaderboard", top[1].Text, "Alice", "Bob")
	for _, m := range msgs {
		if len(m.Pings) > 0 {
			t.Errorf("message %s would ping %v:\n%s", m.ID, m.Pings, m.Text)
		}
	}
}

// Mentions that users type: each platform's everyone-ping spellings.
const (
	aliceAnswer = "@everyone <!channel> <@here> a bounded queue, so producers slow down"
	bobAnswer   = "<!everyone> @here unbounded: memory is cheap"
	carolAnswer = "drop the oldest items when it is full"
)

func votesAndMentions(t *testing.T, h Harness) {
	play(t, h, DesignQuestion())
	h.Command(t, Lead, "today")
	top := topLevel(h.Messages(t))
	if len(top) != 1 {
		t.Fatalf("after /pyq today the channel has:\n%s\nwant the question", dump(top))
	}
	q := top[0]
	var replies []Reply
	for _, a := range []struct {
		u    User
		text string
	}{{Alice, aliceAnswer}, {Bob, bobAnswer}, {Carol, carolAnswer}} {
		r := h.Command(t, a.u, "answer #1 "+a.text)
		mustBePrivateTo(t, a.u.Name+"'s design answer", r, a.u, "Recorded your answer")
		replies = append(replies, r)
	}
	h.Command(t, Lead, "reveal")
	msgs := h.Messages(t)
	thread := inThread(msgs, q.ID)
	var reveal, vote *Message
	for i := range thread {
		if strings.Contains(thread[i].Text, "Answer to #1") && reveal == nil {
			reveal = &thread[i]
		}
		if len(thread[i].Votes) > 0 {
			vote = &thread[i]
		}
	}
	if reveal == nil || vote == nil {
		t.Fatalf("the question's thread lacks the reveal or a vote control:\n%s", dump(thread))
	}
	// What people typed reaches the reveal as they typed it, mention spellings and all.
	var all strings.Builder
	for _, m := range thread {
		all.WriteString(m.Text + "\n")
	}
	mustShow(t, "the reveal's thread", all.String(), "Alice", aliceAnswer, "Bob", bobAnswer, carolAnswer)
	if !slices.Equal(vote.Votes, []int{1, 2, 3}) {
		t.Errorf("the vote control offers %v, want explanations 1, 2, 3", vote.Votes)
	}

	if r, ok := h.Vote(t, Dave, *vote, 1); ok {
		mustBePrivateTo(t, "Dave's vote by the control", r, Dave, "Recorded your vote on #1 for explanation 1")
		replies = append(replies, r)
	}
	r := h.Command(t, Erin, "vote #1 2")
	mustBePrivateTo(t, "Erin's typed vote", r, Erin, "Recorded your vote on #1 for explanation 2")
	replies = append(replies, r)
	r = h.Command(t, Alice, "vote #1 1")
	mustBePrivateTo(t, "Alice's vote for herself", r, Alice, "your own")
	replies = append(replies, r)

	for _, m := range h.Messages(t) {
		if len(m.Pings) > 0 {
			t.Errorf("message %s would ping %v:\n%s", m.ID, m.Pings, m.Text)
		}
	}
	for _, r := range replies {
		if len(r.Pings) > 0 {
			t.Errorf("the reply to %s would ping %v:\n%s", r.To, r.Pings, r.Text)
		}
	}
}

// rubricChecklist: after a design reveal the answerer checks their answer against the rubric with
// the typed command, which every platform has; every reply is theirs alone, and points do not move.
func rubricChecklist(t *testing.T, h Harness) {
	play(t, h, DesignQuestion())
	h.Command(t, Lead, "today")
	mustBePrivateTo(t, "Alice's design answer", h.Command(t, Alice, "answer #1 a bounded queue, so producers slow down"), Alice, "Recorded your answer")
	mustBePrivateTo(t, "Bob's design answer", h.Command(t, Bob, "answer #1 unbounded, memory is cheap"), Bob, "Recorded your answer")
	mustBePrivateTo(t, "Alice's check before the reveal", h.Command(t, Alice, "rubric #1"), Alice, "#1 is not revealed yet")
	h.Command(t, Lead, "reveal")
	var reveal Message
	for _, m := range h.Messages(t) {
		if strings.Contains(m.Text, "Answer to #1") {
			reveal = m
		}
	}
	mustShow(t, "the reveal", reveal.Text, "A strong answer mentions:", "backpressure")
	board := h.Command(t, Alice, "leaderboard").Text
	if rc, ok := h.(RubricControl); ok {
		r, ok := rc.OpenRubric(t, Alice, reveal)
		if !ok {
			t.Fatalf("the design reveal has no rubric control:\n%s", reveal.Text)
		}
		mustBePrivateTo(t, "Alice's press of the rubric control", r, Alice, "Tick what your answer covered:")
		mustShow(t, "the checklist the control opened", r.Text, "Rubric for #1", "backpressure", "latency")
		r, _ = rc.OpenRubric(t, Carol, reveal)
		mustBePrivateTo(t, "Carol's press of the rubric control", r, Carol, "You did not answer #1")
	}

	r := h.Command(t, Alice, "rubric")
	mustBePrivateTo(t, "Alice's checklist", r, Alice, "Tick what your answer covered:")
	mustShow(t, "Alice's checklist", r.Text, "Rubric for #1", "a bounded queue, so producers slow down", "1. backpressure", "2. memory", "3. latency")
	mustBePrivateTo(t, "Alice's ticks", h.Command(t, Alice, "rubric #1 1 3"), Alice, "Recorded for #1: your answer covered 2 of 3 (67%): backpressure; latency.")
	mustBePrivateTo(t, "Alice's changed ticks", h.Command(t, Alice, "rubric #1 1"), Alice, "covered 1 of 3 (33%): backpressure.")
	mustBePrivateTo(t, "Alice's tick out of range", h.Command(t, Alice, "rubric #1 4"), Alice, "There is no item 4 on #1's rubric")
	mustBePrivateTo(t, "Carol's check", h.Command(t, Carol, "rubric #1 1"), Carol, "You did not answer #1")
	mustBePrivateTo(t, "Alice's record", h.Command(t, Alice, "me"), Alice, "Design rubric: 33% covered over 1 question.")
	if after := h.Command(t, Alice, "leaderboard").Text; after != board {
		t.Errorf("the leaderboard changed after rubric checks:\n%s\nwas:\n%s", after, board)
	}
	for _, m := range h.Messages(t) {
		if strings.Contains(m.Text, "Recorded for #1") || strings.Contains(m.Text, "Tick what your answer covered") {
			t.Errorf("a rubric reply is in the channel for everyone:\n%s", m.Text)
		}
	}
}

func mustBePrivateTo(t *testing.T, what string, r Reply, u User, want string) {
	t.Helper()
	if !r.Private || r.To != u.Name {
		t.Errorf("%s: the reply is private=%v to %q, want shown only to %s:\n%s", what, r.Private, r.To, u.Name, r.Text)
	}
	if !strings.Contains(r.Text, want) {
		t.Errorf("%s: the reply lacks %q:\n%s", what, want, r.Text)
	}
}

func mustShow(t *testing.T, what, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("%s does not show %q:\n%s", what, w, text)
		}
	}
}

func topLevel(ms []Message) []Message {
	var out []Message
	for _, m := range ms {
		if m.Thread == "" {
			out = append(out, m)
		}
	}
	return out
}

func inThread(ms []Message, id string) []Message {
	var out []Message
	for _, m := range ms {
		if m.Thread == id {
			out = append(out, m)
		}
	}
	return out
}

func byID(ms []Message, id string) Message {
	for _, m := range ms {
		if m.ID == id {
			return m
		}
	}
	return Message{}
}

func dump(ms []Message) string {
	var b strings.Builder
	for _, m := range ms {
		fmt.Fprintf(&b, "--- %s (thread of %q) choices=%v votes=%v closed=%v pings=%v\n%s\n", m.ID, m.Thread, m.Choices, m.Votes, m.Closed, m.Pings, m.Text)
	}
	return b.String()
}

// nextFriday16 is the first Friday 16:00 UTC after now: the weekly leaderboard's slot.
func nextFriday16(now time.Time) time.Time {
	at := bot.NextLocalTime(now, time.UTC, 16, 0)
	for at.Weekday() != time.Friday {
		at = bot.NextLocalTime(at, time.UTC, 16, 0)
	}
	return at
}

// CheckUndelivered fails unless blocked's `/pyq me` in conv says their reminders could not be
// delivered, with each of wants (the platform's reason and what to do), and fine's does not.
func CheckUndelivered(t *testing.T, kit *testkit.Kit, conv bot.Conversation, blocked, fine string, wants ...string) {
	t.Helper()
	me := bot.PlainText(kit.As(conv, blocked, false, "me").Post)
	for _, w := range append([]string{"Reminders could not be delivered"}, wants...) {
		if !strings.Contains(me, w) {
			t.Errorf("%s's /pyq me lacks %q:\n%s", blocked, w, me)
		}
	}
	if me := bot.PlainText(kit.As(conv, fine, false, "me").Post); strings.Contains(me, "could not be delivered") {
		t.Errorf("%s's /pyq me says their reminder failed:\n%s", fine, me)
	}
}

// CheckLoggedOnce fails unless exactly one line of log (slog's text output) mentions failure,
// and that line carries each of attrs (key=value): a failure is logged once, where it is decided,
// with the conversation it concerns.
func CheckLoggedOnce(t *testing.T, log, failure string, attrs ...string) {
	t.Helper()
	var lines []string
	for _, line := range strings.Split(log, "\n") {
		if strings.Contains(line, failure) {
			lines = append(lines, line)
		}
	}
	if len(lines) != 1 {
		t.Fatalf("%q is logged %d times, want once:\n%s", failure, len(lines), log)
	}
	for _, attr := range attrs {
		if !strings.Contains(lines[0], attr) {
			t.Errorf("the line lacks %s: %s", attr, lines[0])
		}
	}
}
