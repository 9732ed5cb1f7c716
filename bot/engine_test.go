package bot_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
	"github.com/pyqbot/pyqbot/storage"
)

// recorder is an adapter that remembers what the engine sent, like hubot's DummyAdapter.
type recorder struct {
	mu      sync.Mutex
	sent    []sent
	edits   []sent
	failing error // when set, Send fails with it
}

type sent struct {
	to   bot.Conversation
	ref  bot.MessageRef
	post bot.Post
}

var (
	_ bot.Adapter = (*recorder)(nil)
	_ bot.Editor  = (*recorder)(nil)
)

func (r *recorder) Name() string                                 { return "test" }
func (r *recorder) Run(ctx context.Context, _ bot.Handler) error { <-ctx.Done(); return nil }

func (r *recorder) Send(_ context.Context, to bot.Conversation, p bot.Post) (bot.MessageRef, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failing != nil {
		return bot.MessageRef{}, r.failing
	}
	ref := bot.MessageRef{Channel: to.Channel, ID: fmt.Sprintf("msg-%d", len(r.sent)+1)}
	r.sent = append(r.sent, sent{to: to, ref: ref, post: p})
	return ref, nil
}

func (r *recorder) Edit(_ context.Context, to bot.Conversation, ref bot.MessageRef, p bot.Post) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.edits = append(r.edits, sent{to: to, ref: ref, post: p})
	return nil
}

func (r *recorder) last() sent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.sent[len(r.sent)-1]
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.sent)
}

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

type harness struct {
	t      testing.TB
	engine *bot.Engine
	store  *storage.DB
	out    *recorder
	clock  *testkit.FakeClock
	path   string
	conv   bot.Conversation
}

func newHarness(t testing.TB, questions []bot.Question) *harness {
	t.Helper()
	bank, err := bot.NewBank(questions)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "pyqbot.db")
	store, err := storage.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	// Monday 16 November 2026, 09:00 UTC.
	c := testkit.NewFakeClock(time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC))
	store.Now = c.Now
	e := bot.New(bot.Config{Store: store, Bank: bank, Now: c.Now, Seed: 1})
	rec := &recorder{}
	e.AddAdapter(rec)
	return &harness{t: t, engine: e, store: store, out: rec, clock: c, path: path,
		conv: bot.Conversation{Platform: "test", Workspace: "T1", Channel: "C1"}}
}

func (h *harness) as(user string, admin bool, text string) bot.Reply {
	h.t.Helper()
	return h.engine.Handle(context.Background(), bot.Event{
		Conv: h.conv, User: bot.User{ID: strings.ToLower(user), Name: user}, Admin: admin, Text: text})
}

// postOnly posts today's question, which must be the bank's only question.
func (h *harness) postOnly() sent {
	h.t.Helper()
	before := h.out.count()
	if r := h.as("lead", true, "today"); !r.Empty() {
		h.t.Fatalf("today replied %q, want the question posted silently", bot.PlainText(r.Post))
	}
	if h.out.count() != before+1 {
		h.t.Fatalf("today sent %d messages, want 1", h.out.count()-before)
	}
	return h.out.last()
}

// mustContain checks text as a reader sees it: without the marks around user text (usertext.go),
// which each adapter renders its own way.
func mustContain(t *testing.T, got string, wants ...string) {
	t.Helper()
	got = bot.StripUserText(got)
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("missing %q in:\n%s", w, got)
		}
	}
}

func mustNotContain(t *testing.T, got string, nots ...string) {
	t.Helper()
	got = bot.StripUserText(got)
	for _, n := range nots {
		if strings.Contains(got, n) {
			t.Errorf("unexpected %q in:\n%s", n, got)
		}
	}
}

func TestDayLoop(t *testing.T) {
	h := newHarness(t, testQuestions()[:1])
	q := h.postOnly()
	if q.post.Answer == nil || len(q.post.Answer.Choices) != 4 || q.post.Answer.Ref != "#1" {
		t.Fatalf("question post has answer form %+v, want 4 choices for #1", q.post.Answer)
	}
	mustContain(t, bot.PlainText(q.post), "Output one", "print(3)", "[A] 1", "[C] 3", "/pyq answer #1 <A|B|C|D>")

	h.clock.Advance(time.Hour)
	r := h.as("Alice", false, "answer C")
	if !r.Private {
		t.Error("answer confirmation is public; it must be private")
	}
	mustContain(t, r.Post.Text, "Recorded your answer C to #1", "revealed Mon 17:00 UTC (in 7h 0m)")
	mustNotContain(t, strings.ToLower(r.Post.Text), "right", "wrong", "correct")
	h.as("Bob", false, "answer b")
	h.as("Carol", false, "answer #1 C")

	// The answer is committed before the confirmation: a second handle on the file sees it.
	other, err := storage.Open(context.Background(), h.path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	answers, err := other.Answers(context.Background(), 1)
	if err != nil || len(answers) != 3 {
		t.Fatalf("second handle sees %d answers (err %v), want 3", len(answers), err)
	}

	// The question's footer counts the answers so far, through (coalesced) edits of the question.
	h.engine.WaitIdle()
	if n := len(h.out.edits); n == 0 || n > 3 {
		t.Fatalf("%d footer edits for 3 answers, want 1 to 3", n)
	}
	counted := h.out.edits[len(h.out.edits)-1]
	if counted.ref != q.ref || counted.post.Closed || counted.post.Answer == nil {
		t.Fatalf("footer edit = %+v, want the open question", counted)
	}
	mustContain(t, counted.post.Footer, "· 3 answered ·")
	mustContain(t, q.post.Footer, "· 0 answered ·")

	h.clock.Advance(time.Hour)
	if r := h.as("lead", true, "reveal"); !r.Empty() {
		t.Fatalf("reveal replied %q", r.Post.Text)
	}
	reveal := h.out.last()
	if reveal.post.Thread == nil || reveal.post.Thread.ID != q.ref.ID {
		t.Fatalf("reveal went to thread %+v, want the question's thread %s", reveal.post.Thread, q.ref.ID)
	}
	mustContain(t, bot.PlainText(reveal.post), "The answer was C: 3", "Because.",
		"How the 3 answers spread: A 0 · B 1 · C 2 · D 0", "Got it: Alice +10, Carol +10")
	last := h.out.edits[len(h.out.edits)-1]
	if !last.post.Closed || last.ref != q.ref || last.post.Answer != nil {
		t.Fatalf("last edit = %+v, want the question marked closed with no way to answer", last)
	}

	late := h.as("Dave", false, "answer C")
	mustContain(t, late.Post.Text, "#1 is closed", "The answer was C: 3")

	board := h.as("Bob", false, "leaderboard")
	if board.Post.Table == nil {
		t.Fatalf("leaderboard has no table: %q", board.Post.Text)
	}
	want := [][]string{{"1", "Alice", "10", "1/1", "1"}, {"1", "Carol", "10", "1/1", "1"}, {"3", "Bob", "0", "0/1", "1"}}
	if got := board.Post.Table.Rows; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("leaderboard rows = %v, want %v", got, want)
	}
}

func TestAnswerProblemsGetClearReplies(t *testing.T) {
	h := newHarness(t, testQuestions())
	tests := []struct {
		name, text, want string
	}{
		{"nothing open", "answer B", "No question is open in this channel"},
		{"no choice given", "answer", "Say which choice"},
		{"unknown question number", "answer #99 B", "There is no question #99 in this channel"},
		{"not a number", "answer #x B", `"#x" is not a question number`},
		{"unknown practice", "answer p42 B", "You have no practice question p42"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.as("Alice", false, tt.text)
			mustContain(t, r.Post.Text, tt.want)
		})
	}
}

func TestChoiceValidation(t *testing.T) {
	h := newHarness(t, testQuestions()[:1])
	h.postOnly()
	tests := []struct{ text, want string }{
		{"answer E", `There is no choice "E" in #1: pick one of A, B, C, D.`},
		{"answer A B", "#1 takes one choice"},
		{"answer #1", "Say which choice for #1"},
	}
	for _, tt := range tests {
		r := h.as("Alice", false, tt.text)
		mustContain(t, r.Post.Text, tt.want)
	}
	answers, _ := h.store.Answers(context.Background(), 1)
	if len(answers) != 0 {
		t.Fatalf("invalid answers were recorded: %+v", answers)
	}
	h.as("Alice", false, "answer A")
	r := h.as("Alice", false, "answer C")
	mustContain(t, r.Post.Text, "You already answered #1 with A. Your first answer counts.")
}

func TestUnknownWordsSuggest(t *testing.T) {
	h := newHarness(t, testQuestions())
	tests := []struct{ text, want string }{
		{"tody", "Did you mean `today`?"},
		{"leaderbord", "Did you mean `leaderboard`?"},
		{"leaderboard yearly", `There is no leaderboard period "yearly"`},
		{"practice closurez", "Did you mean `closures`?"},
		{"help scorign", "Did you mean `scoring`?"},
		{"xyzzy", "Try one of:"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			mustContain(t, h.as("Alice", false, tt.text).Post.Text, tt.want)
		})
	}
	mustContain(t, h.as("Alice", false, "help").Post.Text, "/pyq today", "/pyq answer", "/pyq leaderboard", "/pyq practice")
	mustContain(t, h.as("Alice", false, "help scoring").Post.Text, "10 points", "at most +5", "5 points")
}

func TestRevealNeedsAdmin(t *testing.T) {
	h := newHarness(t, testQuestions()[:1])
	h.postOnly()
	r := h.as("Mallory", false, "reveal")
	mustContain(t, r.Post.Text, "Only workspace admins can run `/pyq reveal`")
	if open, _ := h.store.OpenPosts(context.Background(), 1); len(open) != 1 {
		t.Fatal("a non-admin reveal closed the question")
	}
}

func TestTodayPointsToOpenQuestion(t *testing.T) {
	h := newHarness(t, testQuestions())
	h.postOnly()
	r := h.as("Alice", false, "today")
	mustContain(t, r.Post.Text, "Question #1 is still open")
	if h.out.count() != 1 {
		t.Fatalf("sent %d posts, want 1", h.out.count())
	}
}

func TestFailedPostIsDiscarded(t *testing.T) {
	h := newHarness(t, testQuestions())
	h.out.failing = errors.New("not_in_channel")
	r := h.as("lead", true, "today")
	mustContain(t, r.Post.Text, "Something went wrong")
	if open, _ := h.store.OpenPosts(context.Background(), 1); len(open) != 0 {
		t.Fatalf("a question the platform refused is still open: %+v", open)
	}
	h.out.failing = nil
	h.postOnly()
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

func TestStreakBonusGrowsAndCaps(t *testing.T) {
	qs := testQuestions()[:1]
	h := newHarness(t, qs)
	h.clock.Set(time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC))
	var got []int
	for day := 0; day < 8; day++ {
		h.dayOfAnswers(map[string]string{"Alice": "answer C"})
		answers, err := h.store.Answers(context.Background(), int64(day+1))
		if err != nil || len(answers) != 1 {
			t.Fatalf("day %d: answers %v, err %v", day, answers, err)
		}
		got = append(got, answers[0].Points)
	}
	if want := []int{10, 11, 12, 13, 14, 15, 15, 15}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("points by day = %v, want %v", got, want)
	}
	// Her five days in a row earned a freeze: a question day without Alice spends it, and her next
	// right answer keeps the capped bonus.
	h.dayOfAnswers(map[string]string{"Bob": "answer C"})
	h.dayOfAnswers(map[string]string{"Alice": "answer C"})
	answers, _ := h.store.Answers(context.Background(), 10)
	if answers[0].Points != 15 {
		t.Errorf("after a missed day covered by a freeze Alice earned %d, want 15", answers[0].Points)
	}
	// With the freeze spent, the next missed day breaks the streak: the base only.
	h.dayOfAnswers(map[string]string{"Bob": "answer C"})
	h.dayOfAnswers(map[string]string{"Alice": "answer C"})
	answers, _ = h.store.Answers(context.Background(), 12)
	if answers[0].Points != 10 {
		t.Errorf("after a missed day without a freeze Alice earned %d, want 10", answers[0].Points)
	}
}

func TestReviewAndDesignScoring(t *testing.T) {
	qs := testQuestions()
	h := newHarness(t, []bot.Question{qs[1]})
	h.dayOfAnswers(map[string]string{"Exact": "answer A,C", "Half": "answer a", "Wrong": "answer A,B", "Letters": "answer CA"})
	answers, _ := h.store.Answers(context.Background(), 1)
	points := map[string]int{}
	for _, a := range answers {
		points[a.User.Name] = a.Points
	}
	if want := map[string]int{"Exact": 10, "Half": 5, "Wrong": 0, "Letters": 10}; fmt.Sprint(points) != fmt.Sprint(want) {
		t.Errorf("review points = %v, want %v", points, want)
	}
	mustContain(t, bot.PlainText(h.out.sent[1].post), "The real problems were:", "Partly right: Half +5")

	d := newHarness(t, []bot.Question{qs[2]})
	d.postOnly()
	mustContain(t, d.as("Alice", false, "answer").Post.Text, "Say which choice")
	mustContain(t, d.as("Alice", false, "answer #1").Post.Text, "design question: write your answer")
	mustContain(t, d.as("Alice", false, "answer #1 asyncio, because <!channel> it is I/O bound").Post.Text, "Recorded your answer")
	d.as("lead", true, "reveal")
	reveal := bot.PlainText(d.out.last().post)
	mustContain(t, reveal, "A strong answer mentions:", "• backpressure", "Alice: asyncio, because <!channel> it is I/O bound")
	answers, _ = d.store.Answers(context.Background(), 1)
	if len(answers) != 1 || answers[0].Points != bot.DesignPoints || !answers[0].Unjudged || answers[0].Correct {
		t.Errorf("design answer graded %+v, want %d points, neither right nor wrong", answers, bot.DesignPoints)
	}
	// Design answers earn points but stay out of accuracy.
	board := d.as("Alice", false, "leaderboard")
	if board.Post.Table == nil || fmt.Sprint(board.Post.Table.Rows[0]) != fmt.Sprint([]string{"1", "Alice", "5", "0/0", "1"}) {
		t.Errorf("leaderboard after a design answer: %+v", board.Post.Table)
	}
	mustContain(t, d.as("Alice", false, "me").Post.Text, "Team questions: 1 answered, 0 of 0 right")
}

func TestPracticeStaysOffTheLeaderboard(t *testing.T) {
	h := newHarness(t, testQuestions())
	r := h.as("Alice", false, "practice closures warmup")
	if !r.Private || r.Post.Answer == nil || r.Post.Answer.Ref != "p1" {
		t.Fatalf("practice reply = %+v, want a private question p1", r)
	}
	mustContain(t, h.as("Alice", false, "answer p1 B").Post.Title, "p1 Not quite.")
	mustContain(t, h.as("Alice", false, "answer p1 C").Post.Text, "You already answered p1")
	mustContain(t, h.as("Bob", false, "answer p1 C").Post.Text, "You have no practice question p1")
	mustContain(t, h.as("Alice", false, "practice security").Post.Footer, "p2")
	mustContain(t, h.as("Alice", false, "answer p2 A,C").Post.Title, "p2 Right!")
	mustContain(t, h.as("Alice", false, "leaderboard").Post.Text, "No points yet")
	me := h.as("Alice", false, "me")
	mustContain(t, me.Post.Text, "Practice: 2 answered, 1 of 2 right (50%)", "Weakest topic: closures (0 of 1 right)")
	if h.out.count() != 0 {
		t.Errorf("practice posted %d channel messages, want none", h.out.count())
	}
}

func TestChannelSeesWholeBankBeforeRepeats(t *testing.T) {
	qs := testQuestions()
	h := newHarness(t, qs)
	seen := map[string]int{}
	var order []string
	for day := 0; day < 2*len(qs); day++ {
		post := h.postOnly()
		id := post.post.Footer[strings.LastIndex(post.post.Footer, "id ")+3:]
		seen[id]++
		order = append(order, id)
		h.as("lead", true, "reveal")
		h.clock.Advance(24 * time.Hour)
		if day == len(qs)-1 && len(seen) != len(qs) {
			t.Fatalf("after %d posts the channel saw %v, want every question once", day+1, seen)
		}
	}
	// Second round: the oldest-seen come back first, so the order repeats.
	for i := range qs {
		if order[i] != order[i+len(qs)] {
			t.Fatalf("second round order %v does not repeat the first %v", order[len(qs):], order[:len(qs)])
		}
	}
}

func TestLeaderboardWeekFollowsChannelZone(t *testing.T) {
	qs := testQuestions()[:1]
	h := newHarness(t, qs)
	ctx := context.Background()
	// Sunday 22 November 2026 23:30 in Berlin is 22:30 UTC: still last week in Berlin.
	h.clock.Set(time.Date(2026, 11, 22, 22, 30, 0, 0, time.UTC))
	berlin := bot.Conversation{Platform: "test", Workspace: "T1", Channel: "berlin"}
	ch, err := h.store.EnsureChannel(ctx, berlin, "Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	h.conv = berlin
	h.postOnly()
	h.as("Alice", false, "answer C")
	h.as("lead", true, "reveal")
	post, err := h.engine.LeaderboardPost(ctx, ch, bot.Week, "alice")
	if err != nil || post.Table == nil || len(post.Table.Rows) != 1 {
		t.Fatalf("same local week: %+v, err %v", post, err)
	}
	mustContain(t, post.Title, "since Mon 16 Nov")
	// 23:30 UTC is already Monday 00:30 in Berlin: a new week with no points.
	h.clock.Set(time.Date(2026, 11, 22, 23, 30, 0, 0, time.UTC))
	post, _ = h.engine.LeaderboardPost(ctx, ch, bot.Week, "alice")
	if post.Table != nil {
		t.Errorf("new Berlin week still shows %v", post.Table.Rows)
	}
	mustContain(t, post.Title, "since Mon 23 Nov")
}

func TestEmptyUserIsRefused(t *testing.T) {
	h := newHarness(t, testQuestions())
	r := h.engine.Handle(context.Background(), bot.Event{Conv: h.conv, User: bot.User{ID: " "}, Text: "today"})
	mustContain(t, r.Post.Text, "could not tell who sent that command")
	if h.out.count() != 0 {
		t.Fatal("an anonymous command posted a question")
	}
}

func TestChannelFilterRestrictsPicks(t *testing.T) {
	h := newHarness(t, testQuestions())
	tests := []struct {
		user  string
		admin bool
		text  string
		want  string
	}{
		{"Alice", false, "filter", "Topics: all\nKinds: all\nDifficulty: all"},
		{"Alice", false, "filter topics security", "Only workspace admins can change"},
		{"lead", true, "filter topics securty", "Did you mean `security`?"},
		{"lead", true, "filter kinds quiz", `There is no kind "quiz"`},
		{"lead", true, "filter difficulty expert", `There is no difficulty "expert"`},
		{"lead", true, "filter topics closures kinds", `There is no topic "kinds"`},
		{"lead", true, "filter topics security,closures", "come from 2 of 3 in the bank.\nTopics: security, closures"},
		{"lead", true, "filter kinds design", "No question in the bank matches that combination"},
		{"lead", true, "filter difficulty senior", "come from 1 of 3"},
		{"lead", true, "filter colour red", "is not a setting"},
	}
	for _, tt := range tests {
		mustContain(t, h.as(tt.user, tt.admin, tt.text).Post.Text, tt.want)
	}
	for day := 0; day < 3; day++ {
		post := h.postOnly()
		mustContain(t, post.post.Footer, "id review-one")
		h.as("lead", true, "reveal")
		h.clock.Advance(24 * time.Hour)
	}
	mustContain(t, h.as("lead", true, "filter clear").Post.Text, "come from 3 of 3")
}

// TestFooterEditsNeverReopenARevealedQuestion races answers against the reveal: whatever order the
// edits land in, the question ends closed.
func TestFooterEditsNeverReopenARevealedQuestion(t *testing.T) {
	for round := 0; round < 5; round++ {
		h := newHarness(t, testQuestions()[:1])
		h.postOnly()
		var wg sync.WaitGroup
		for i := 0; i < 30; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				h.as(fmt.Sprintf("user%d", i), false, "answer C")
			}()
			if i == 15 {
				h.as("lead", true, "reveal")
			}
		}
		wg.Wait()
		h.engine.WaitIdle()
		h.out.mu.Lock()
		last := h.out.edits[len(h.out.edits)-1]
		h.out.mu.Unlock()
		if !last.post.Closed {
			t.Fatalf("round %d: the last edit reopened the question: %+v", round, last.post)
		}
	}
}

// titled is the last message sent whose title starts with prefix.
func (h *harness) titled(prefix string) sent {
	h.t.Helper()
	h.out.mu.Lock()
	defer h.out.mu.Unlock()
	for i := len(h.out.sent) - 1; i >= 0; i-- {
		if strings.HasPrefix(h.out.sent[i].post.Title, prefix) {
			return h.out.sent[i]
		}
	}
	h.t.Fatalf("no message titled %q was sent", prefix)
	return sent{}
}
