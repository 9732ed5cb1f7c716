package bot_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/storage"
)

func TestDayLoop(t *testing.T) {
	h := newHarness(t, testQuestions()[:1])
	q := h.postOnly()
	if q.Post.Answer == nil || len(q.Post.Answer.Choices) != 4 || q.Post.Answer.Ref != "#1" {
		t.Fatalf("question post has answer form %+v, want 4 choices for #1", q.Post.Answer)
	}
	mustContain(t, bot.PlainText(q.Post), "Output one", "print(3)", "[A] 1", "[C] 3", "/pyq answer #1 <A|B|C|D>")

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
	if n := len(h.out.Edits()); n == 0 || n > 3 {
		t.Fatalf("%d footer edits for 3 answers, want 1 to 3", n)
	}
	counted := h.lastEdit()
	if counted.Ref != q.Ref || counted.Post.Closed || counted.Post.Answer == nil {
		t.Fatalf("footer edit = %+v, want the open question", counted)
	}
	mustContain(t, counted.Post.Footer, "· 3 answered ·")
	mustContain(t, q.Post.Footer, "· 0 answered ·")

	h.clock.Advance(time.Hour)
	if r := h.as("lead", true, "reveal"); !r.Empty() {
		t.Fatalf("reveal replied %q", r.Post.Text)
	}
	reveal := h.last()
	if reveal.Post.Thread == nil || reveal.Post.Thread.ID != q.Ref.ID {
		t.Fatalf("reveal went to thread %+v, want the question's thread %s", reveal.Post.Thread, q.Ref.ID)
	}
	mustContain(t, bot.PlainText(reveal.Post), "The answer was C: 3", "Because.",
		"How the 3 answers spread: A 0 · B 1 · C 2 · D 0", "Got it: Alice +10, Carol +10")
	last := h.lastEdit()
	if !last.Post.Closed || last.Ref != q.Ref || last.Post.Answer != nil {
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
	if h.count() != 1 {
		t.Fatalf("sent %d posts, want 1", h.count())
	}
}

func TestFailedPostIsDiscarded(t *testing.T) {
	h := newHarness(t, testQuestions())
	h.out.Fail(errors.New("not_in_channel"))
	r := h.as("lead", true, "today")
	mustContain(t, r.Post.Text, "Something went wrong")
	if open, _ := h.store.OpenPosts(context.Background(), 1); len(open) != 0 {
		t.Fatalf("a question the platform refused is still open: %+v", open)
	}
	h.out.Fail(nil)
	h.postOnly()
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
	mustContain(t, bot.PlainText(h.out.Sent()[1].Post), "The real problems were:", "Partly right: Half +5")

	d := newHarness(t, []bot.Question{qs[2]})
	d.postOnly()
	mustContain(t, d.as("Alice", false, "answer").Post.Text, "Say which choice")
	mustContain(t, d.as("Alice", false, "answer #1").Post.Text, "design question: write your answer")
	mustContain(t, d.as("Alice", false, "answer #1 asyncio, because <!channel> it is I/O bound").Post.Text, "Recorded your answer")
	d.as("lead", true, "reveal")
	reveal := bot.PlainText(d.last().Post)
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
	if h.count() != 0 {
		t.Errorf("practice posted %d channel messages, want none", h.count())
	}
}

func TestChannelSeesWholeBankBeforeRepeats(t *testing.T) {
	qs := testQuestions()
	h := newHarness(t, qs)
	seen := map[string]int{}
	var order []string
	for day := 0; day < 2*len(qs); day++ {
		post := h.postOnly()
		id := post.Post.Footer[strings.LastIndex(post.Post.Footer, "id ")+3:]
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
	if h.count() != 0 {
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
		mustContain(t, post.Post.Footer, "id review-one")
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
		last := h.lastEdit()
		if !last.Post.Closed {
			t.Fatalf("round %d: the last edit reopened the question: %+v", round, last.Post)
		}
	}
}
