package storage

import (
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

func TestEnsureChannel(t *testing.T) {
	forEachFixture(t, func(t *testing.T, f *fixture) {
		conv := bot.Conversation{Platform: "slack", Workspace: "T1", Channel: "C1"}
		first, err := f.db.EnsureChannel(f.ctx, conv, "Europe/Berlin")
		if err != nil {
			t.Fatalf("EnsureChannel: %v", err)
		}
		if first.ID == 0 || first.WorkspaceID == 0 {
			t.Fatalf("EnsureChannel = %+v, want non-zero ids", first)
		}
		if first.Conv != conv || first.TimeZone != "Europe/Berlin" {
			t.Fatalf("EnsureChannel = %+v, want conv %+v in Europe/Berlin", first, conv)
		}

		tests := []struct {
			name          string
			conv          bot.Conversation
			sameChannel   bool
			sameWorkspace bool
		}{
			{"same conversation again keeps its zone", conv, true, true},
			{"another channel in the workspace", bot.Conversation{Platform: "slack", Workspace: "T1", Channel: "C2"}, false, true},
			{"same ids on another platform", bot.Conversation{Platform: "discord", Workspace: "T1", Channel: "C1"}, false, false},
			{"another workspace", bot.Conversation{Platform: "slack", Workspace: "T2", Channel: "C1"}, false, false},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				ch, err := f.db.EnsureChannel(f.ctx, tt.conv, "Asia/Tokyo")
				if err != nil {
					t.Fatalf("EnsureChannel: %v", err)
				}
				again, err := f.db.EnsureChannel(f.ctx, tt.conv, "America/New_York")
				if err != nil {
					t.Fatalf("EnsureChannel again: %v", err)
				}
				if !reflect.DeepEqual(again, ch) {
					t.Errorf("second EnsureChannel = %+v, want the first %+v", again, ch)
				}
				if got := ch.ID == first.ID; got != tt.sameChannel {
					t.Errorf("channel id %d vs first %d: same = %v, want %v", ch.ID, first.ID, got, tt.sameChannel)
				}
				if got := ch.WorkspaceID == first.WorkspaceID; got != tt.sameWorkspace {
					t.Errorf("workspace id %d vs first %d: same = %v, want %v", ch.WorkspaceID, first.WorkspaceID, got, tt.sameWorkspace)
				}
				wantZone := "Asia/Tokyo"
				if tt.sameChannel {
					wantZone = "Europe/Berlin"
				}
				if ch.TimeZone != wantZone || ch.Conv != tt.conv {
					t.Errorf("EnsureChannel = %+v, want conv %+v in %s", ch, tt.conv, wantZone)
				}
			})
		}
		if got := f.count(`SELECT COUNT(*) FROM channels`); got != 4 {
			t.Errorf("%d channel rows, want 4", got)
		}
		if got := f.count(`SELECT COUNT(*) FROM workspaces`); got != 3 {
			t.Errorf("%d workspace rows, want 3", got)
		}
	})
}

func TestPosts(t *testing.T) {
	forEachChannel(t, func(t *testing.T, f *fixture, ch bot.Channel) {
		other := f.channel("T1", "C2")

		in := bot.PostedQuestion{
			ChannelID: ch.ID, WorkspaceID: ch.WorkspaceID, QuestionID: "closures-late-binding", Kind: bot.KindOutput,
			Topic: "closures", PostedAt: t0.Add(123 * time.Millisecond), Day: day(0), RevealAt: t0.Add(8 * time.Hour),
		}
		p1, err := f.db.CreatePost(f.ctx, in)
		want := readsBackAsCreated(t, f, "Post", in, p1, err, func(p *bot.PostedQuestion) *int64 { return &p.ID }, f.db.Post)

		ref := bot.MessageRef{Channel: "C1", ID: "1700000000.000100", Thread: "th-9"}
		if err := f.db.SetPostRef(f.ctx, p1.ID, ref); err != nil {
			t.Fatalf("SetPostRef: %v", err)
		}
		want.Ref = ref
		if got, err := f.db.Post(f.ctx, p1.ID); err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("after SetPostRef, Post = %+v, %v; want %+v", got, err, want)
		}

		if _, err := f.db.Post(f.ctx, p1.ID+1000); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("Post(unknown) error = %v, want ErrNotFound", err)
		}

		if _, err := f.db.LatestPost(f.ctx, other.ID); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("LatestPost(channel without posts) error = %v, want ErrNotFound", err)
		}

		p2 := f.post(ch, 1, bot.KindDebug, "exceptions")
		p3 := f.post(ch, 2, bot.KindReview, "generators")
		f.post(other, 3, bot.KindOutput, "closures")
		f.close(p2, nil)
		f.close(p3, nil)
		if got, err := f.db.LatestPost(f.ctx, ch.ID); err != nil || got.ID != p3.ID || got.Open() {
			t.Errorf("LatestPost = %+v, %v; want the closed post %d", got, err, p3.ID)
		}
		p3 = f.post(ch, 2, bot.KindReview, "generators")

		open, err := f.db.OpenPosts(f.ctx, ch.ID)
		if err != nil {
			t.Fatalf("OpenPosts: %v", err)
		}
		if got, want := postIDs(open), []int64{p3.ID, p1.ID}; !slices.Equal(got, want) {
			t.Errorf("OpenPosts = %v, want %v (newest first, closed and other channels left out)", got, want)
		}

		closed, err := f.db.Post(f.ctx, p2.ID)
		if err != nil {
			t.Fatalf("Post: %v", err)
		}
		if !closed.ClosedAt.Equal(p2.RevealAt) || closed.Open() {
			t.Errorf("closed post ClosedAt = %v, want %v", closed.ClosedAt, p2.RevealAt)
		}

		hist, err := f.db.History(f.ctx, ch.ID)
		if err != nil {
			t.Fatalf("History: %v", err)
		}
		var gotHist []string
		for _, s := range hist {
			gotHist = append(gotHist, s.QuestionID)
		}
		if want := []string{"q-generators", "q-generators", "q-exceptions", "closures-late-binding"}; !slices.Equal(gotHist, want) {
			t.Errorf("History = %v, want %v", gotHist, want)
		}
	})
}

func postIDs(ps []bot.PostedQuestion) []int64 {
	var ids []int64
	for _, p := range ps {
		ids = append(ids, p.ID)
	}
	return ids
}

func TestDiscardPost(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be backend) {
		tests := []struct {
			name     string
			answered bool
			closed   bool
			wantErr  error
		}{
			{"unanswered post is removed", false, false, nil},
			{"answered post is refused", true, false, bot.ErrClosed},
			{"answered and revealed post is refused", true, true, bot.ErrClosed},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				f := newFixture(t, be)
				ch := f.channel("T1", "C1")
				p := f.post(ch, 0, bot.KindOutput, "closures")
				if tt.answered {
					f.answer(p, "U1", "Ann", t0, "A")
				}
				if tt.closed {
					f.close(p, nil)
				}
				err := f.db.DiscardPost(f.ctx, p.ID)
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("DiscardPost error = %v, want %v", err, tt.wantErr)
				}
				_, err = f.db.Post(f.ctx, p.ID)
				if tt.wantErr == nil && !errors.Is(err, bot.ErrNotFound) {
					t.Errorf("after discard, Post error = %v, want ErrNotFound", err)
				}
				if tt.wantErr != nil {
					if err != nil {
						t.Errorf("refused discard removed the post: Post error = %v", err)
					}
					if n := len(f.answers(p.ID)); n != 1 {
						t.Errorf("refused discard left %d answers, want 1", n)
					}
				}
			})
		}
	})
}

func TestRecordAnswer(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be backend) {
		ann := bot.User{ID: "U1", Name: "Ann"}
		tests := []struct {
			name string
			// setup prepares the post (and earlier answers) and returns the post id to answer.
			setup       func(f *fixture, ch bot.Channel) int64
			wantErr     error
			wantKeys    []string // keys stored for Ann afterwards; nil for no answer
			wantReturns []string // keys of the answer RecordAnswer returns
		}{
			{
				name:        "first answer is recorded",
				setup:       func(f *fixture, ch bot.Channel) int64 { return f.post(ch, 0, bot.KindOutput, "closures").ID },
				wantKeys:    []string{"B", "D"},
				wantReturns: []string{"B", "D"},
			},
			{
				name: "second answer is refused and the first one is returned",
				setup: func(f *fixture, ch bot.Channel) int64 {
					p := f.post(ch, 0, bot.KindOutput, "closures")
					f.answer(p, ann.ID, ann.Name, t0.Add(-time.Minute), "A")
					return p.ID
				},
				wantErr:     bot.ErrAlreadyAnswered,
				wantKeys:    []string{"A"},
				wantReturns: []string{"A"},
			},
			{
				name: "closed question is refused",
				setup: func(f *fixture, ch bot.Channel) int64 {
					p := f.post(ch, 0, bot.KindOutput, "closures")
					f.close(p, nil)
					return p.ID
				},
				wantErr: bot.ErrClosed,
			},
			{
				name:    "unknown post",
				setup:   func(f *fixture, ch bot.Channel) int64 { return 4242 },
				wantErr: bot.ErrNotFound,
			},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				f := newFixture(t, be)
				ch := f.channel("T1", "C1")
				postID := tt.setup(f, ch)
				at := t0.Add(time.Minute)
				got, err := f.db.RecordAnswer(f.ctx, bot.Answer{PostID: postID, User: ann, Keys: []string{"B", "D"}, AnsweredAt: at})
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("RecordAnswer error = %v, want %v", err, tt.wantErr)
				}
				if tt.wantReturns != nil && !slices.Equal(got.Keys, tt.wantReturns) {
					t.Errorf("RecordAnswer returned keys %v, want %v", got.Keys, tt.wantReturns)
				}
				stored := f.answers(postID)
				if tt.wantKeys == nil {
					if len(stored) != 0 {
						t.Errorf("Answers = %+v, want none", stored)
					}
					return
				}
				if len(stored) != 1 {
					t.Fatalf("Answers = %+v, want one answer", stored)
				}
				a := stored[0]
				if a.User != ann || !slices.Equal(a.Keys, tt.wantKeys) || a.Graded || a.PostID != postID {
					t.Errorf("stored answer = %+v, want Ann's ungraded answer %v", a, tt.wantKeys)
				}
				if got.ID != a.ID {
					t.Errorf("RecordAnswer returned id %d, stored answer has id %d", got.ID, a.ID)
				}
			})
		}
	})
}

func TestRecordAnswerKeepsFieldsAndOrder(t *testing.T) {
	forEachChannel(t, func(t *testing.T, f *fixture, ch bot.Channel) {
		p := f.post(ch, 0, bot.KindDesign, "architecture")
		late := bot.Answer{PostID: p.ID, User: bot.User{ID: "U2", Name: "Bob"}, Text: "a queue, with idempotent consumers", AnsweredAt: t0.Add(2*time.Hour + 7*time.Millisecond)}
		early := bot.Answer{PostID: p.ID, User: bot.User{ID: "U1", Name: "Ann"}, Text: "shard by tenant", AnsweredAt: t0.Add(time.Hour)}
		for _, a := range []bot.Answer{late, early} { // recorded out of order
			if _, err := f.db.RecordAnswer(f.ctx, a); err != nil {
				t.Fatalf("RecordAnswer: %v", err)
			}
		}
		got := f.answers(p.ID)
		if len(got) != 2 {
			t.Fatalf("Answers = %+v, want 2", got)
		}
		for i, want := range []bot.Answer{early, late} {
			g := got[i]
			if g.User != want.User || g.Text != want.Text || !g.AnsweredAt.Equal(want.AnsweredAt) || len(g.Keys) != 0 {
				t.Errorf("Answers[%d] = %+v, want %+v", i, g, want)
			}
		}
	})
}

func TestRecordAnswerRefreshesDisplayName(t *testing.T) {
	forEachChannel(t, func(t *testing.T, f *fixture, ch bot.Channel) {
		p1 := f.post(ch, 0, bot.KindOutput, "closures")
		p2 := f.post(ch, 1, bot.KindOutput, "closures")
		f.answer(p1, "U1", "Ann", t0, "A")
		f.answer(p2, "U1", "Ann Lee", t0.AddDate(0, 0, 1), "A")
		for _, p := range []bot.PostedQuestion{p1, p2} {
			if got := f.answers(p.ID); len(got) != 1 || got[0].User != (bot.User{ID: "U1", Name: "Ann Lee"}) {
				t.Errorf("Answers(%d) = %+v, want one by U1 under the new name Ann Lee", p.ID, got)
			}
		}
		if got := f.count(`SELECT COUNT(*) FROM users`); got != 1 {
			t.Errorf("%d user rows, want 1: a new name must not make a new user", got)
		}
	})
}

func TestCloseAndGrade(t *testing.T) {
	forEachChannel(t, func(t *testing.T, f *fixture, ch bot.Channel) {
		p := f.post(ch, 0, bot.KindOutput, "closures")
		other := f.post(ch, 0, bot.KindOutput, "generators")
		f.answer(p, "U1", "Ann", t0.Add(1*time.Minute), "B")
		f.answer(p, "U2", "Bob", t0.Add(2*time.Minute), "C")
		f.answer(p, "U3", "Cat", t0.Add(3*time.Minute), "B")
		f.answer(other, "U1", "Ann", t0.Add(4*time.Minute), "B")

		calls := 0
		grade := func(a bot.Answer, streak int) bot.Grade {
			calls++
			if slices.Equal(a.Keys, []string{"B"}) {
				return bot.Grade{Correct: true, Points: 10 + streak}
			}
			return bot.Grade{Points: 1}
		}
		closeAt := t0.Add(8 * time.Hour)
		graded, err := f.db.CloseAndGrade(f.ctx, p.ID, closeAt, grade)
		if err != nil {
			t.Fatalf("CloseAndGrade: %v", err)
		}
		want := []struct {
			user    string
			correct bool
			points  int
		}{{"U1", true, 11}, {"U2", false, 1}, {"U3", true, 11}}
		check := func(what string, got []bot.Answer) {
			t.Helper()
			if len(got) != len(want) {
				t.Fatalf("%s: %d answers, want %d: %+v", what, len(got), len(want), got)
			}
			for i, w := range want {
				g := got[i]
				if g.User.ID != w.user || !g.Graded || g.Correct != w.correct || g.Points != w.points {
					t.Errorf("%s[%d] = %+v, want %s graded correct=%v points=%d", what, i, g, w.user, w.correct, w.points)
				}
			}
		}
		check("CloseAndGrade result", graded)
		check("stored answers", f.answers(p.ID))
		if calls != 3 {
			t.Errorf("grade called %d times, want 3", calls)
		}
		if got := f.answers(other.ID); len(got) != 1 || got[0].Graded {
			t.Errorf("answers to another open post = %+v, want one ungraded", got)
		}
		post, err := f.db.Post(f.ctx, p.ID)
		if err != nil || !post.ClosedAt.Equal(closeAt) {
			t.Errorf("Post after close = %+v, %v; want ClosedAt %v", post, err, closeAt)
		}

		t.Run("second close", func(t *testing.T) {
			calls = 0
			_, err := f.db.CloseAndGrade(f.ctx, p.ID, closeAt.Add(time.Hour), func(bot.Answer, int) bot.Grade {
				calls++
				return bot.Grade{Points: 99}
			})
			if !errors.Is(err, bot.ErrClosed) {
				t.Errorf("second CloseAndGrade error = %v, want ErrClosed", err)
			}
			if calls != 0 {
				t.Errorf("second close called grade %d times, want 0", calls)
			}
			check("stored answers after second close", f.answers(p.ID))
			if post, _ := f.db.Post(f.ctx, p.ID); !post.ClosedAt.Equal(closeAt) {
				t.Errorf("second close moved ClosedAt to %v, want %v", post.ClosedAt, closeAt)
			}
		})
		t.Run("unknown post", func(t *testing.T) {
			if _, err := f.db.CloseAndGrade(f.ctx, 4242, closeAt, grade); !errors.Is(err, bot.ErrNotFound) {
				t.Errorf("CloseAndGrade(unknown) error = %v, want ErrNotFound", err)
			}
		})
		t.Run("no answers", func(t *testing.T) {
			empty := f.post(ch, 1, bot.KindOutput, "exceptions")
			if got := f.close(empty, grade); len(got) != 0 {
				t.Errorf("CloseAndGrade = %+v, want no answers", got)
			}
			if post, _ := f.db.Post(f.ctx, empty.ID); post.Open() {
				t.Error("post with no answers is still open after CloseAndGrade")
			}
		})
	})
}

// streakStep is one question in a streak scenario: posted on question day offset, answered by U1
// or not, left open or closed. U2 answers every question.
type streakStep struct {
	offset   int
	answered bool
	open     bool
	otherWS  bool // posted in another workspace, where U1 is a different person
}

func TestCloseAndGradeStreak(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be backend) {
		tests := []struct {
			name        string
			steps       []streakStep
			wantStreaks []int // streak passed to grade for U1's answers in workspace T1, in close order
			wantStreak  int   // Streak(T1, U1) afterwards
		}{
			{
				name:        "consecutive question days",
				steps:       []streakStep{{offset: 0, answered: true}, {offset: 1, answered: true}, {offset: 2, answered: true}},
				wantStreaks: []int{1, 2, 3}, wantStreak: 3,
			},
			{
				name:        "days without a question do not break it",
				steps:       []streakStep{{offset: 0, answered: true}, {offset: 1, answered: true}, {offset: 4, answered: true}, {offset: 9, answered: true}},
				wantStreaks: []int{1, 2, 3, 4}, wantStreak: 4,
			},
			{
				name:        "a missed question day breaks it",
				steps:       []streakStep{{offset: 0, answered: true}, {offset: 1}, {offset: 2, answered: true}, {offset: 3, answered: true}},
				wantStreaks: []int{1, 1, 2}, wantStreak: 2,
			},
			{
				name: "five days in a row earn a freeze that a missed day spends",
				steps: []streakStep{{offset: 0, answered: true}, {offset: 1, answered: true}, {offset: 2, answered: true},
					{offset: 3, answered: true}, {offset: 4, answered: true}, {offset: 5}, {offset: 6, answered: true}, {offset: 7}},
				wantStreaks: []int{1, 2, 3, 4, 5, 6}, wantStreak: 0,
			},
			{
				name: "a frozen day keeps the streak for the scoring bonus",
				steps: []streakStep{{offset: 0, answered: true}, {offset: 1, answered: true}, {offset: 2, answered: true},
					{offset: 3, answered: true}, {offset: 4, answered: true}, {offset: 5}, {offset: 6, answered: true}},
				wantStreaks: []int{1, 2, 3, 4, 5, 6}, wantStreak: 6,
			},
			{
				name:        "missing the latest question day ends it",
				steps:       []streakStep{{offset: 0, answered: true}, {offset: 1, answered: true}, {offset: 2}},
				wantStreaks: []int{1, 2}, wantStreak: 0,
			},
			{
				name:        "a question still open is not a question day yet",
				steps:       []streakStep{{offset: 0, answered: true}, {offset: 1, open: true}, {offset: 2, answered: true}},
				wantStreaks: []int{1, 2}, wantStreak: 2,
			},
			{
				name:        "another workspace's questions do not count",
				steps:       []streakStep{{offset: 0, answered: true}, {offset: 1, otherWS: true}, {offset: 2, answered: true}},
				wantStreaks: []int{1, 2}, wantStreak: 2,
			},
			{
				name:        "two questions on one day are one question day",
				steps:       []streakStep{{offset: 0, answered: true}, {offset: 1, answered: true}, {offset: 1, answered: true}, {offset: 2, answered: true}},
				wantStreaks: []int{1, 2, 2, 3}, wantStreak: 3,
			},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				f := newFixture(t, be)
				ch := f.channel("T1", "C1")
				otherCh := f.channel("T2", "C1")
				var streaks []int
				for _, s := range tt.steps {
					c := ch
					if s.otherWS {
						c = otherCh
					}
					p := f.post(c, s.offset, bot.KindOutput, "closures")
					at := p.PostedAt.Add(time.Hour)
					f.answer(p, "U2", "Bob", at, "A")
					if s.answered || s.otherWS {
						f.answer(p, "U1", "Ann", at, "A")
					}
					if s.open {
						continue
					}
					f.close(p, func(a bot.Answer, streak int) bot.Grade {
						if a.User.ID == "U1" && !s.otherWS {
							streaks = append(streaks, streak)
						}
						return bot.Grade{Correct: true, Points: 10}
					})
				}
				if !slices.Equal(streaks, tt.wantStreaks) {
					t.Errorf("streaks passed to grade = %v, want %v", streaks, tt.wantStreaks)
				}
				got, err := f.db.Streak(f.ctx, ch.WorkspaceID, "U1")
				if err != nil || got != tt.wantStreak {
					t.Errorf("Streak(U1) = %d, %v; want %d", got, err, tt.wantStreak)
				}
			})
		}
	})
}

func TestStreakUnknownUser(t *testing.T) {
	forEachChannel(t, func(t *testing.T, f *fixture, ch bot.Channel) {
		p := f.post(ch, 0, bot.KindOutput, "closures")
		f.answer(p, "U1", "Ann", t0, "A")
		f.close(p, nil)
		if got, err := f.db.Streak(f.ctx, ch.WorkspaceID, "nobody"); err != nil || got != 0 {
			t.Errorf("Streak(nobody) = %d, %v; want 0", got, err)
		}
		if got, err := f.db.Streak(f.ctx, ch.WorkspaceID, "U1"); err != nil || got != 1 {
			t.Errorf("Streak(U1) = %d, %v; want 1", got, err)
		}
	})
}

func TestLeaderboard(t *testing.T) {
	forEachChannel(t, func(t *testing.T, f *fixture, ch bot.Channel) {
		from := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC) // Monday
		to := from.AddDate(0, 0, 7)

		grades := map[string]bot.Grade{}
		grade := func(a bot.Answer, _ int) bot.Grade { return grades[a.User.Name] }

		// The Sunday before the week.
		before := f.post(ch, -1, bot.KindOutput, "closures")
		f.answer(before, "U1", "Ann", from.Add(-time.Millisecond), "A")
		f.answer(before, "U5", "Eve", from.Add(-time.Hour), "A")
		grades["Ann"], grades["Eve"] = bot.Grade{Correct: true, Points: 10}, bot.Grade{Correct: true, Points: 10}
		f.close(before, grade)

		// Monday: Dan answers before Ann so that insertion order is not name order.
		mon := f.post(ch, 0, bot.KindOutput, "closures")
		f.answer(mon, "U4", "Dan", from.Add(time.Hour), "A")
		f.answer(mon, "U1", "Ann", from, "A") // exactly at from: inside
		f.answer(mon, "U2", "Bob", from.Add(2*time.Hour), "A")
		f.answer(mon, "U3", "Cat", from.Add(3*time.Hour), "A")
		grades = map[string]bot.Grade{"Ann": {Correct: true, Points: 10}, "Dan": {Correct: true, Points: 10},
			"Bob": {Points: 5}, "Cat": {}}
		f.close(mon, grade)

		// Sunday, last day of the week.
		sun := f.post(ch, 6, bot.KindReview, "generators")
		f.answer(sun, "U1", "Ann", to.Add(-time.Millisecond), "A") // last instant inside
		f.answer(sun, "U2", "Bob", to.Add(-time.Hour), "A")
		f.answer(sun, "U4", "Dan", to.Add(-2*time.Hour), "A")
		f.answer(sun, "U5", "Eve", to, "A") // exactly at to: outside
		grades = map[string]bot.Grade{"Ann": {}, "Bob": {Points: 5}, "Dan": {}, "Eve": {Correct: true, Points: 10}}
		f.close(sun, grade)

		// Wednesday, still open: Cat's answer is not graded, so it does not count.
		wed := f.post(ch, 2, bot.KindOutput, "exceptions")
		f.answer(wed, "U3", "Cat", from.AddDate(0, 0, 2).Add(time.Hour), "A")

		// Another workspace in the same week.
		elsewhere := f.post(f.channel("T2", "C1"), 1, bot.KindOutput, "closures")
		f.answer(elsewhere, "U9", "Zed", from.AddDate(0, 0, 1).Add(time.Hour), "A")
		grades = map[string]bot.Grade{"Zed": {Correct: true, Points: 50}}
		f.close(elsewhere, grade)

		standing := func(id, name string, points, correct, answered int) bot.Standing {
			return bot.Standing{User: bot.User{ID: id, Name: name}, Points: points, Correct: correct, Judged: answered}
		}
		tests := []struct {
			name     string
			from, to time.Time
			want     []bot.Standing
		}{
			{
				name: "week: from included, to excluded, ties by correct then name",
				from: from, to: to,
				want: []bot.Standing{
					standing("U1", "Ann", 10, 1, 2),
					standing("U4", "Dan", 10, 1, 2),
					standing("U2", "Bob", 10, 0, 2),
					standing("U3", "Cat", 0, 0, 1),
				},
			},
			{
				name: "all time",
				from: time.Unix(0, 0), to: time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC),
				want: []bot.Standing{
					standing("U1", "Ann", 20, 2, 3),
					standing("U5", "Eve", 20, 2, 2),
					standing("U4", "Dan", 10, 1, 2),
					standing("U2", "Bob", 10, 0, 2),
					standing("U3", "Cat", 0, 0, 1),
				},
			},
			{
				name: "one millisecond at to",
				from: to, to: to.Add(time.Millisecond),
				want: []bot.Standing{standing("U5", "Eve", 10, 1, 1)},
			},
			{
				name: "empty range",
				from: from.AddDate(0, 1, 0), to: from.AddDate(0, 2, 0),
				want: nil,
			},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := f.db.Leaderboard(f.ctx, ch.WorkspaceID, tt.from, tt.to)
				if err != nil {
					t.Fatalf("Leaderboard: %v", err)
				}
				if !reflect.DeepEqual(got, tt.want) {
					t.Errorf("Leaderboard =\n%+v\nwant\n%+v", got, tt.want)
				}
			})
		}
	})
}

func TestUserStats(t *testing.T) {
	forEachChannel(t, func(t *testing.T, f *fixture, ch bot.Channel) {
		right := func(bot.Answer, int) bot.Grade { return bot.Grade{Correct: true, Points: 10} }
		wrong := func(bot.Answer, int) bot.Grade { return bot.Grade{Points: 0} }
		design := func(bot.Answer, int) bot.Grade { return bot.Grade{Unjudged: true, Points: 5} }

		teams := []struct {
			kind  bot.Kind
			topic string
			grade bot.GradeFunc
		}{
			{bot.KindOutput, "closures", right},
			{bot.KindDebug, "closures", wrong},
			{bot.KindDesign, "architecture", design},
			{bot.KindReview, "generators", wrong},
		}
		for i, q := range teams {
			p := f.post(ch, i, q.kind, q.topic)
			f.answer(p, "U1", "Ann", p.PostedAt, "A")
			f.answer(p, "U2", "Bob", p.PostedAt, "A")
			f.close(p, q.grade)
		}
		open := f.post(ch, 9, bot.KindOutput, "closures") // not graded yet: pending, out of the totals
		f.answer(open, "U1", "Ann", open.PostedAt, "A")

		// The same platform user id in another workspace is another person.
		elsewhere := f.post(f.channel("T2", "C1"), 0, bot.KindOutput, "closures")
		f.answer(elsewhere, "U1", "Ann", elsewhere.PostedAt, "A")
		f.close(elsewhere, right)

		practices := []struct {
			kind     bot.Kind
			topic    string
			answered bool
			correct  bool
		}{
			{bot.KindOutput, "closures", true, true},
			{bot.KindConcept, "generators", true, false},
			{bot.KindDesign, "architecture", true, true},
			{bot.KindOutput, "decorators", false, false},
		}
		for _, q := range practices {
			p, err := f.db.CreatePractice(f.ctx, bot.Practice{WorkspaceID: ch.WorkspaceID, User: bot.User{ID: "U1", Name: "Ann"},
				QuestionID: "q-" + q.topic, Topic: q.topic, Kind: q.kind, AskedAt: t0})
			if err != nil {
				t.Fatalf("CreatePractice: %v", err)
			}
			if q.answered {
				if _, err := f.db.AnswerPractice(f.ctx, p.ID, []string{"A"}, q.correct, t0.Add(time.Minute)); err != nil {
					t.Fatalf("AnswerPractice: %v", err)
				}
			}
		}

		got, err := f.db.UserStats(f.ctx, ch.WorkspaceID, "U1", bot.UnjudgedKinds())
		if err != nil {
			t.Fatalf("UserStats: %v", err)
		}
		want := bot.UserStats{
			Points: 15, Answered: 4, Pending: 1, Judged: 3, Correct: 1,
			PracticeAnswered: 3, PracticeJudged: 2, PracticeCorrect: 1,
			Topics: []bot.TopicStat{
				{Topic: "closures", Answered: 3, Correct: 2},
				{Topic: "generators", Answered: 2, Correct: 0},
			},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("UserStats =\n%+v\nwant (design answers out of accuracy)\n%+v", got, want)
		}

		if got, err := f.db.UserStats(f.ctx, ch.WorkspaceID, "nobody", bot.UnjudgedKinds()); err != nil || !reflect.DeepEqual(got, bot.UserStats{}) {
			t.Errorf("UserStats(nobody) = %+v, %v; want zero", got, err)
		}
	})
}

func TestPractice(t *testing.T) {
	forEachChannel(t, func(t *testing.T, f *fixture, ch bot.Channel) {
		in := bot.Practice{WorkspaceID: ch.WorkspaceID, User: bot.User{ID: "U1", Name: "Ann"}, QuestionID: "gen-send",
			Topic: "generators", Kind: bot.KindOutput, AskedAt: t0}
		p, err := f.db.CreatePractice(f.ctx, in)
		want := readsBackAsCreated(t, f, "Practice", in, p, err, func(p *bot.Practice) *int64 { return &p.ID }, f.db.Practice)

		answeredAt := t0.Add(90 * time.Second)
		answered := want
		answered.AnsweredAt, answered.Keys, answered.Correct = answeredAt, []string{"A", "C"}, true

		tests := []struct {
			name    string
			id      int64
			keys    []string
			correct bool
			wantErr error
			want    bot.Practice // stored afterwards
		}{
			{"first answer", p.ID, []string{"A", "C"}, true, nil, answered},
			{"second answer is refused", p.ID, []string{"B"}, false, bot.ErrAlreadyAnswered, answered},
			{"unknown practice", p.ID + 100, []string{"B"}, false, bot.ErrNotFound, bot.Practice{}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				at := answeredAt
				if tt.wantErr != nil {
					at = answeredAt.Add(time.Hour)
				}
				got, err := f.db.AnswerPractice(f.ctx, tt.id, tt.keys, tt.correct, at)
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("AnswerPractice error = %v, want %v", err, tt.wantErr)
				}
				if err == nil && !reflect.DeepEqual(got, tt.want) {
					t.Errorf("AnswerPractice = %+v, want %+v", got, tt.want)
				}
				stored, err := f.db.Practice(f.ctx, tt.id)
				if tt.wantErr == bot.ErrNotFound {
					if !errors.Is(err, bot.ErrNotFound) {
						t.Errorf("Practice(unknown) error = %v, want ErrNotFound", err)
					}
					return
				}
				if err != nil || !reflect.DeepEqual(stored, tt.want) {
					t.Errorf("stored practice = %+v, %v; want %+v", stored, err, tt.want)
				}
			})
		}
		if st, err := f.db.Leaderboard(f.ctx, ch.WorkspaceID, time.Unix(0, 0), t0.AddDate(1, 0, 0)); err != nil || len(st) != 0 {
			t.Errorf("Leaderboard after practice = %+v, %v; want empty: practice never counts", st, err)
		}
	})
}

func TestCountAnswers(t *testing.T) {
	forEachChannel(t, func(t *testing.T, f *fixture, ch bot.Channel) {
		p := f.post(ch, 0, bot.KindOutput, "closures")
		for i, name := range []string{"Ann", "Bob", "Cat"} {
			if n, err := f.db.CountAnswers(f.ctx, p.ID); err != nil || n != i {
				t.Fatalf("CountAnswers before %s = %d, %v; want %d", name, n, err, i)
			}
			f.answer(p, "U"+name, name, p.PostedAt, "A")
		}
		if n, _ := f.db.CountAnswers(f.ctx, p.ID+1); n != 0 {
			t.Errorf("CountAnswers of an unknown post = %d, want 0", n)
		}
	})
}

// A post that never reached the platform may have had a reminder claimed for it (the reminder loop
// reads every open post): discarding it removes that claim too. The delete failed on the claim's
// foreign key, and the post stayed for good, every discard of it failing the same way.
func TestDiscardPostWithAReminderClaim(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be backend) {
		f := newFixture(t, be)
		ch := f.channel("T1", "C1")
		p := f.post(ch, 0, bot.KindOutput, "closures")
		if err := f.db.SetReminder(f.ctx, ch.WorkspaceID, bot.User{ID: "U1", Name: "Ann"},
			bot.ReminderSetting{On: true, Lead: time.Hour, ChannelID: ch.ID, UpdatedAt: t0}); err != nil {
			t.Fatal(err)
		}
		if won, err := f.db.ClaimReminder(f.ctx, ch.WorkspaceID, "U1", day(0), p.ID, "a", t0.Add(7*time.Hour), 3); err != nil || !won {
			t.Fatalf("ClaimReminder = %v, %v", won, err)
		}
		if err := f.db.DiscardPost(f.ctx, p.ID); err != nil {
			t.Fatalf("DiscardPost of a post with a reminder claim: %v", err)
		}
		if _, err := f.db.Post(f.ctx, p.ID); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("after discard, Post error = %v, want ErrNotFound", err)
		}
		if claims, err := f.db.ReminderClaims(f.ctx, ch.WorkspaceID, "U1"); err != nil || len(claims) != 0 {
			t.Errorf("after discard, reminder claims = %+v, %v; want none", claims, err)
		}
	})
}

// A report made about a post that never reached the platform (a bare `/pyq report` is about the
// channel's latest post) stays, about the question, when the post is discarded. The delete failed on
// the report's foreign key, and the post stayed for good.
func TestDiscardPostWithAReport(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be backend) {
		f := newFixture(t, be)
		ch := f.channel("T1", "C1")
		p := f.post(ch, 0, bot.KindOutput, "closures")
		if _, err := f.db.CreateReport(f.ctx, ch.WorkspaceID, bot.Report{QuestionID: p.QuestionID, PostID: p.ID,
			User: bot.User{ID: "U1", Name: "Ann"}, Text: "the answer should be B", CreatedAt: t0}); err != nil {
			t.Fatal(err)
		}
		if err := f.db.DiscardPost(f.ctx, p.ID); err != nil {
			t.Fatalf("DiscardPost of a reported post: %v", err)
		}
		if _, err := f.db.Post(f.ctx, p.ID); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("after discard, Post error = %v, want ErrNotFound", err)
		}
		reports, err := f.db.OpenReports(f.ctx, ch.WorkspaceID)
		if err != nil || len(reports) != 1 || reports[0].QuestionID != p.QuestionID || reports[0].PostID != 0 {
			t.Errorf("after discard, open reports = %+v, %v; want the report, about the question, with no post", reports, err)
		}
	})
}

// DiscardPost unlinks the slot claim that made the post (slot_claims.post_id has no foreign key):
// on SQLite the next post can take the discarded one's id, and the stale link made it the slot's
// post, a debugging challenge (OpenChallenges) though another job or `/pyq today` posted it.
func TestDiscardPostUnlinksItsSlot(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be backend) {
		f := newFixture(t, be)
		ch := f.channel("T1", "C1")
		key := bot.SlotKey{ChannelID: ch.ID, Job: bot.JobDebug, Slot: "2026-03-04T10:00 UTC"}
		if _, _, err := f.db.ClaimSlot(f.ctx, key, t0, "me", t0, time.Minute, 3); err != nil {
			t.Fatal(err)
		}
		p := f.post(ch, 0, bot.KindDebug, "closures")
		if err := f.db.SetSlotPost(f.ctx, key, p.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.db.DiscardPost(f.ctx, p.ID); err != nil {
			t.Fatalf("DiscardPost: %v", err)
		}
		slots, err := f.db.Slots(f.ctx, ch.ID, bot.JobDebug)
		if err != nil || len(slots) != 1 || slots[0].PostID != 0 {
			t.Fatalf("after discard, slots = %+v, %v; want the claim with no post", slots, err)
		}
		next := f.post(ch, 0, bot.KindOutput, "closures")
		if err := f.db.SetPostRef(f.ctx, next.ID, bot.MessageRef{Channel: "C1", ID: "m1"}); err != nil {
			t.Fatal(err)
		}
		if cs, err := f.db.OpenChallenges(f.ctx, bot.JobDebug); err != nil || len(cs) != 0 {
			t.Fatalf("open challenges %+v (%v), want none: post %d (discarded %d) is no slot's", cs, err, next.ID, p.ID)
		}
	})
}
