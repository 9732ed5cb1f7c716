package bot_test

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
)

// countingStore counts the store calls the engine makes, by method.
type countingStore struct {
	bot.Store
	mu    sync.Mutex
	calls map[string]int
}

func (s *countingStore) count(method string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[method]++
}

// take returns the calls since the last take, as "Method×n" in name order.
func (s *countingStore) take() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for m, n := range s.calls {
		out = append(out, m+"×"+strconv.Itoa(n))
	}
	sort.Strings(out)
	s.calls = map[string]int{}
	return strings.Join(out, " ")
}

func (s *countingStore) ClaimReplay(ctx context.Context, kind, key string, at time.Time, keep time.Duration) (bool, error) {
	s.count("ClaimReplay")
	return s.Store.ClaimReplay(ctx, kind, key, at, keep)
}

func (s *countingStore) EnsureChannel(ctx context.Context, conv bot.Conversation, zone string) (bot.Channel, error) {
	s.count("EnsureChannel")
	return s.Store.EnsureChannel(ctx, conv, zone)
}

func (s *countingStore) SetChannelFilter(ctx context.Context, channelID int64, f bot.Filter) error {
	s.count("SetChannelFilter")
	return s.Store.SetChannelFilter(ctx, channelID, f)
}

func (s *countingStore) History(ctx context.Context, channelID int64) ([]bot.Seen, error) {
	s.count("History")
	return s.Store.History(ctx, channelID)
}

func (s *countingStore) CreatePost(ctx context.Context, p bot.PostedQuestion) (bot.PostedQuestion, error) {
	s.count("CreatePost")
	return s.Store.CreatePost(ctx, p)
}

func (s *countingStore) SetPostRef(ctx context.Context, postID int64, ref bot.MessageRef) error {
	s.count("SetPostRef")
	return s.Store.SetPostRef(ctx, postID, ref)
}

func (s *countingStore) DiscardPost(ctx context.Context, postID int64) error {
	s.count("DiscardPost")
	return s.Store.DiscardPost(ctx, postID)
}

func (s *countingStore) Post(ctx context.Context, postID int64) (bot.PostedQuestion, error) {
	s.count("Post")
	return s.Store.Post(ctx, postID)
}

func (s *countingStore) OpenPosts(ctx context.Context, channelID int64) ([]bot.PostedQuestion, error) {
	s.count("OpenPosts")
	return s.Store.OpenPosts(ctx, channelID)
}

func (s *countingStore) LatestPost(ctx context.Context, channelID int64) (bot.PostedQuestion, error) {
	s.count("LatestPost")
	return s.Store.LatestPost(ctx, channelID)
}

func (s *countingStore) RecordAnswer(ctx context.Context, a bot.Answer) (bot.Answer, error) {
	s.count("RecordAnswer")
	return s.Store.RecordAnswer(ctx, a)
}

func (s *countingStore) AnswerTarget(ctx context.Context, conv bot.Conversation, postID int64) (bot.Channel, bot.PostedQuestion, error) {
	s.count("AnswerTarget")
	return s.Store.AnswerTarget(ctx, conv, postID)
}

func (s *countingStore) RenameUser(ctx context.Context, conv bot.Conversation, u bot.User) (bool, error) {
	s.count("RenameUser")
	return s.Store.RenameUser(ctx, conv, u)
}

func (s *countingStore) RecordProblem(ctx context.Context, channelID int64, at time.Time, text string) error {
	s.count("RecordProblem")
	return s.Store.RecordProblem(ctx, channelID, at, text)
}

func (s *countingStore) Problems(ctx context.Context, channelID int64, since time.Time) ([]bot.ChannelProblem, error) {
	s.count("Problems")
	return s.Store.Problems(ctx, channelID, since)
}

func (s *countingStore) CountAnswers(ctx context.Context, postID int64) (int, error) {
	s.count("CountAnswers")
	return s.Store.CountAnswers(ctx, postID)
}

func (s *countingStore) Answers(ctx context.Context, postID int64) ([]bot.Answer, error) {
	s.count("Answers")
	return s.Store.Answers(ctx, postID)
}

func (s *countingStore) CloseAndGrade(ctx context.Context, postID int64, at time.Time, grade bot.GradeFunc) ([]bot.Answer, error) {
	s.count("CloseAndGrade")
	return s.Store.CloseAndGrade(ctx, postID, at, grade)
}

func (s *countingStore) Leaderboard(ctx context.Context, workspaceID int64, from time.Time, to time.Time) ([]bot.Standing, error) {
	s.count("Leaderboard")
	return s.Store.Leaderboard(ctx, workspaceID, from, to)
}

func (s *countingStore) Streak(ctx context.Context, workspaceID int64, userID string) (int, error) {
	s.count("Streak")
	return s.Store.Streak(ctx, workspaceID, userID)
}

func (s *countingStore) UserStats(ctx context.Context, workspaceID int64, userID string, unjudged []bot.Kind) (bot.UserStats, error) {
	s.count("UserStats")
	return s.Store.UserStats(ctx, workspaceID, userID, unjudged)
}

func (s *countingStore) CreatePractice(ctx context.Context, p bot.Practice) (bot.Practice, error) {
	s.count("CreatePractice")
	return s.Store.CreatePractice(ctx, p)
}

func (s *countingStore) Practice(ctx context.Context, id int64) (bot.Practice, error) {
	s.count("Practice")
	return s.Store.Practice(ctx, id)
}

func (s *countingStore) AnswerPractice(ctx context.Context, id int64, keys []string, correct bool, at time.Time) (bot.Practice, error) {
	s.count("AnswerPractice")
	return s.Store.AnswerPractice(ctx, id, keys, correct, at)
}

// An answer costs a fixed, small number of store calls, and a repeated answer reuses the first
// answer RecordAnswer returns instead of loading every answer to the question. Before this test
// the repeat also called Answers (all answers of the post): EnsureChannel×1 OpenPosts×1
// RecordAnswer×1 Answers×1. An answer naming its question (every button press) read the channel and
// then the post (EnsureChannel×1 Post×1) before AnswerTarget read both at once; within a second of
// that read, the next answer to the question reuses it (answer_cache.go), and after a second it
// reads again.
func TestStoreCallsPerAnswer(t *testing.T) {
	store := &countingStore{calls: map[string]int{}}
	h := newKitHarness(t, testkit.Options{Questions: testQuestions()[:1],
		WrapStore: func(db bot.Store) bot.Store { store.Store = db; return store }})
	say := h.settled
	say("lead", "today")
	store.take()

	tests := []struct {
		user, text, reply, calls string
		later                    time.Duration // the clock moves on by this first
	}{
		{"ann", "answer C", "Recorded your answer C to #1",
			"CountAnswers×1 EnsureChannel×1 OpenPosts×1 Post×1 RecordAnswer×1", 0},
		{"ann", "answer A", "You already answered #1 with C",
			"EnsureChannel×1 OpenPosts×1 RecordAnswer×1", 0},
		{"bob", "answer #1 B", "Recorded your answer B to #1",
			"AnswerTarget×1 CountAnswers×1 Post×1 RecordAnswer×1", 0},
		{"bob", "answer #1 A", "You already answered #1 with B",
			"RecordAnswer×1", 0},
		{"dan", "answer #1 A", "Recorded your answer A to #1",
			"AnswerTarget×1 CountAnswers×1 Post×1 RecordAnswer×1", time.Second},
		// A question the channel does not have: the one read finds nothing, the general path says so.
		{"cat", "answer #9 B", "There is no question #9 in this channel",
			"AnswerTarget×1 EnsureChannel×1 Post×1", 0},
	}
	for _, tt := range tests {
		h.clock.Advance(tt.later)
		if got := say(tt.user, tt.text); !strings.Contains(got, tt.reply) {
			t.Errorf("%s %q replied %q, want %q", tt.user, tt.text, got, tt.reply)
		}
		if got := store.take(); got != tt.calls {
			t.Errorf("%s %q: store calls %s, want %s", tt.user, tt.text, got, tt.calls)
		}
	}
}
