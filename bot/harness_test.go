package bot_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
	"github.com/pyqbot/pyqbot/storage"
)

// testQuestions is a small bank with one question of each answering mode.
func testQuestions() []bot.Question {
	choices := []bot.Choice{{Key: "A", Text: "1"}, {Key: "B", Text: "2"}, {Key: "C", Text: "3"}, {Key: "D", Text: "4"}}
	return []bot.Question{
		{ID: "out-one", Kind: bot.KindOutput, Topic: "closures", Difficulty: bot.Warmup, Title: "Output one",
			Prompt: "What prints?", Code: "print(3)", Choices: choices, Answer: []string{"C"}, Explanation: "Because."},
		{ID: "review-one", Kind: bot.KindReview, Topic: "security", Difficulty: bot.Senior, Title: "Review one",
			Prompt: "Pick all", Code: "x = 1", Choices: choices, Answer: []string{"A", "C"}, Explanation: "Two real problems."},
		{ID: "design-one", Kind: bot.KindDesign, Topic: "concurrency", Difficulty: bot.Senior, Title: "Design one",
			Prompt: "Threads or asyncio?", Rubric: []string{"GIL", "I/O bound", "backpressure", "cancellation"}, Explanation: "It depends."},
	}
}

// sent is one post or edit the kit's recorder received.
type sent = testkit.Sent

// testConv is the channel the bot tests play in, on the kit's recorder.
var testConv = bot.Conversation{Platform: testkit.RecorderPlatform, Workspace: "T1", Channel: "C1"}

// harness is a testkit engine (real engine, SQLite file, fake clock, recording adapter) seen from
// one channel, conv.
type harness struct {
	t      testing.TB
	engine *bot.Engine
	store  *storage.DB
	out    *testkit.Recorder
	clock  *testkit.FakeClock
	path   string
	conv   bot.Conversation
}

func newKitHarness(t testing.TB, o testkit.Options) *harness {
	t.Helper()
	k := testkit.NewEngine(t, o)
	return &harness{t: t, engine: k.Engine, store: k.Store, out: k.Recorder, clock: k.Clock, path: k.Path, conv: testConv}
}

// newHarness is the kit on questions, its clock at testkit.Monday, no scheduling.
func newHarness(t testing.TB, questions []bot.Question) *harness {
	t.Helper()
	return newKitHarness(t, testkit.Options{Questions: questions})
}

// newVoteHarness is newHarness with scheduling on (so Tick closes votes), on the database at path
// (a new one when empty), with a schedule that never fires during the tests.
func newVoteHarness(t testing.TB, questions []bot.Question, path string, c *testkit.FakeClock) *harness {
	t.Helper()
	h := newKitHarness(t, testkit.Options{Questions: questions, Path: path, Clock: c,
		Schedules: []bot.Schedule{{Job: bot.JobLeaderboard, Spec: "0 16 1 1 *", Enabled: true}}})
	if _, err := h.engine.EnsureChannel(context.Background(), h.conv); err != nil {
		t.Fatal(err)
	}
	return h
}

func (h *harness) as(user string, admin bool, text string) bot.Reply {
	h.t.Helper()
	return h.engine.Handle(context.Background(), bot.Event{
		Conv: h.conv, User: bot.User{ID: strings.ToLower(user), Name: user}, Admin: admin, Text: text})
}

// settled is the text of the reply to user's text once the engine is idle: the footer refresh an
// answer starts has run too.
func (h *harness) settled(user, text string) string {
	h.t.Helper()
	r := h.as(user, false, text)
	h.engine.WaitIdle()
	return r.Post.Text
}

func (h *harness) count() int { return len(h.out.Sent()) }

// last is the latest message sent.
func (h *harness) last() sent {
	h.t.Helper()
	return h.latest(h.out.Sent(), "sent")
}

// lastEdit is the latest edit of a sent message.
func (h *harness) lastEdit() sent {
	h.t.Helper()
	return h.latest(h.out.Edits(), "edited")
}

func (h *harness) latest(all []sent, what string) sent {
	h.t.Helper()
	if len(all) == 0 {
		h.t.Fatalf("nothing was %s", what)
	}
	return all[len(all)-1]
}

// postOnly posts today's question, which must be the bank's only question.
func (h *harness) postOnly() sent {
	h.t.Helper()
	before := h.count()
	if r := h.as("lead", true, "today"); !r.Empty() {
		h.t.Fatalf("today replied %q, want the question posted silently", bot.PlainText(r.Post))
	}
	if h.count() != before+1 {
		h.t.Fatalf("today sent %d messages, want 1", h.count()-before)
	}
	return h.last()
}

// dayOfAnswers plays one question day: post, the given answers, reveal, then the next morning.
func (h *harness) dayOfAnswers(answers map[string]string) {
	h.t.Helper()
	h.postOnly()
	for user, text := range answers {
		h.as(user, false, text)
	}
	h.as("lead", true, "reveal")
	h.clock.Advance(24 * time.Hour)
}

// titled is the last message sent whose title starts with prefix.
func (h *harness) titled(prefix string) sent {
	h.t.Helper()
	all := h.out.Sent()
	for i := len(all) - 1; i >= 0; i-- {
		if strings.HasPrefix(all[i].Post.Title, prefix) {
			return all[i]
		}
	}
	h.t.Fatalf("no message titled %q was sent", prefix)
	return sent{}
}

func (h *harness) tick(at time.Time) {
	h.t.Helper()
	h.clock.Set(at)
	if err := h.engine.Tick(context.Background(), at); err != nil {
		h.t.Fatalf("Tick(%v): %v", at, err)
	}
}

func (h *harness) threadMessages() []sent {
	var out []sent
	for _, s := range h.out.Sent() {
		if s.Post.Thread != nil {
			out = append(out, s)
		}
	}
	return out
}

func (h *harness) points(user string, period string) int {
	h.t.Helper()
	board := h.as("someone", false, "leaderboard "+period)
	if board.Post.Table == nil {
		return 0
	}
	for _, row := range board.Post.Table.Rows {
		if row[1] == user {
			var n int
			fmt.Sscan(row[2], &n)
			return n
		}
	}
	return 0
}

// privateStep is a command a user types and what the reply, private, must say.
type privateStep struct{ user, text, want string }

// expectPrivate runs the steps in order: each reply must be private and say its want and every one
// of also.
func (h *harness) expectPrivate(steps []privateStep, also ...string) {
	h.t.Helper()
	for _, s := range steps {
		r := h.as(s.user, false, s.text)
		if !r.Private {
			h.t.Errorf("%s %q: reply is public", s.user, s.text)
		}
		mustContain(h.t, r.Post.Text, append([]string{s.want}, also...)...)
	}
}

// mustContain checks text as a reader sees it: without the marks around user text (usertext.go),
// which each adapter renders its own way.
func mustContain(t testing.TB, got string, wants ...string) {
	t.Helper()
	got = bot.StripUserText(got)
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("missing %q in:\n%s", w, got)
		}
	}
}

func mustNotContain(t testing.TB, got string, nots ...string) {
	t.Helper()
	got = bot.StripUserText(got)
	for _, n := range nots {
		if strings.Contains(got, n) {
			t.Errorf("unexpected %q in:\n%s", n, got)
		}
	}
}

// checkGolden compares got with testdata/name; -update rewrites the file first.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	golden := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./bot -run %s -update to create it)", err, t.Name())
	}
	if got != string(want) {
		t.Errorf("%s differs (rerun with -update if the change is intended):\n--- got\n%s\n--- want\n%s", golden, got, want)
	}
}
