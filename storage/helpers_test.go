package storage

import (
	"context"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

// t0 is a Monday morning; question days in the tests are counted from it.
var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// mustOpen opens a fresh database of the backend and closes it when the test ends.
func mustOpen(tb testing.TB, be backend) *DB {
	tb.Helper()
	return mustOpenPath(tb, be.Target(tb))
}

// mustOpenPath opens the database at path and closes it when the test ends.
func mustOpenPath(tb testing.TB, path string) *DB {
	tb.Helper()
	db, err := Open(context.Background(), path)
	if err != nil {
		tb.Fatalf("Open(%q): %v", path, err)
	}
	db.Now = func() time.Time { return t0 }
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("Close(%q): %v", path, err)
		}
	})
	return db
}

// day is the question day offset days after t0, as stored in posts.day.
func day(offset int) string { return t0.AddDate(0, 0, offset).Format(time.DateOnly) }

// fixture drives one database through the Store methods, failing the test on unexpected errors.
type fixture struct {
	tb  testing.TB
	ctx context.Context
	db  *DB
}

func newFixture(tb testing.TB, be backend) *fixture {
	return &fixture{tb: tb, ctx: context.Background(), db: mustOpen(tb, be)}
}

func (f *fixture) channel(workspace, channel string) bot.Channel {
	f.tb.Helper()
	ch, err := f.db.EnsureChannel(f.ctx, bot.Conversation{Platform: "slack", Workspace: workspace, Channel: channel}, "UTC")
	if err != nil {
		f.tb.Fatalf("EnsureChannel(%s/%s): %v", workspace, channel, err)
	}
	return ch
}

// post creates an open question in ch on the question day offset days after t0.
func (f *fixture) post(ch bot.Channel, offset int, kind bot.Kind, topic string) bot.PostedQuestion {
	f.tb.Helper()
	at := t0.AddDate(0, 0, offset)
	p, err := f.db.CreatePost(f.ctx, bot.PostedQuestion{
		ChannelID: ch.ID, WorkspaceID: ch.WorkspaceID, QuestionID: "q-" + topic, Kind: kind, Topic: topic,
		PostedAt: at, Day: day(offset), RevealAt: at.Add(8 * time.Hour),
	})
	if err != nil {
		f.tb.Fatalf("CreatePost: %v", err)
	}
	return p
}

func (f *fixture) answer(p bot.PostedQuestion, userID, name string, at time.Time, keys ...string) bot.Answer {
	f.tb.Helper()
	a, err := f.db.RecordAnswer(f.ctx, bot.Answer{PostID: p.ID, User: bot.User{ID: userID, Name: name}, Keys: keys, AnsweredAt: at})
	if err != nil {
		f.tb.Fatalf("RecordAnswer(post %d, %s): %v", p.ID, userID, err)
	}
	return a
}

func (f *fixture) close(p bot.PostedQuestion, grade bot.GradeFunc) []bot.Answer {
	f.tb.Helper()
	if grade == nil {
		grade = func(bot.Answer, int) bot.Grade { return bot.Grade{} }
	}
	graded, err := f.db.CloseAndGrade(f.ctx, p.ID, p.RevealAt, grade)
	if err != nil {
		f.tb.Fatalf("CloseAndGrade(post %d): %v", p.ID, err)
	}
	return graded
}

func (f *fixture) answers(postID int64) []bot.Answer {
	f.tb.Helper()
	as, err := f.db.Answers(f.ctx, postID)
	if err != nil {
		f.tb.Fatalf("Answers(%d): %v", postID, err)
	}
	return as
}

// count runs a COUNT(*) query written with `?` placeholders.
func (f *fixture) count(query string, args ...any) int {
	f.tb.Helper()
	var n int
	if err := f.db.db.QueryRowContext(f.ctx, query, args...).Scan(&n); err != nil {
		f.tb.Fatalf("%s: %v", query, err)
	}
	return n
}

// vote opens a round on cands at opened, casts votes (voter ID -> candidate number; the candidate's
// own author is skipped as the core would refuse it) and closes it at closed with bot.Award.
func (f *fixture) vote(p bot.PostedQuestion, cands []bot.Answer, opened, closed time.Time, votes map[string]int) bot.VoteOutcome {
	f.tb.Helper()
	ids := make([]int64, len(cands))
	for i, a := range cands {
		ids[i] = a.ID
	}
	if err := f.db.OpenVote(f.ctx, p.ID, ids, opened, opened.Add(bot.VoteWindow)); err != nil {
		f.tb.Fatalf("OpenVote(post %d): %v", p.ID, err)
	}
	for voter, n := range votes {
		if cands[n-1].User.ID == voter {
			continue
		}
		if _, err := f.db.CastVote(f.ctx, p.ID, bot.User{ID: voter, Name: "Voter " + voter}, n, opened.Add(time.Hour)); err != nil {
			f.tb.Fatalf("CastVote(post %d, %s, %d): %v", p.ID, voter, n, err)
		}
	}
	out, err := f.db.CloseVote(f.ctx, p.ID, closed, bot.Award)
	if err != nil {
		f.tb.Fatalf("CloseVote(post %d): %v", p.ID, err)
	}
	return out
}

// forEachFixture runs fn as a subtest per backend, each on a fixture over a fresh database.
func forEachFixture(t *testing.T, fn func(t *testing.T, f *fixture)) {
	t.Helper()
	forEachBackend(t, func(t *testing.T, be backend) { fn(t, newFixture(t, be)) })
}

// forEachChannel runs fn like forEachFixture, handing it also the channel most tests play in
// (C1 of workspace T1), created before fn runs.
func forEachChannel(t *testing.T, fn func(t *testing.T, f *fixture, ch bot.Channel)) {
	t.Helper()
	forEachFixture(t, func(t *testing.T, f *fixture) { fn(t, f, f.channel("T1", "C1")) })
}

// readsBackAsCreated checks a Create call that stored in and returned (made, err): it succeeded,
// gave the row an id (the field id points at), and read returns in with that id. It returns that
// as the test's want.
func readsBackAsCreated[T any](t *testing.T, f *fixture, what string, in, made T, err error, id func(*T) *int64, read func(context.Context, int64) (T, error)) T {
	t.Helper()
	if err != nil {
		t.Fatalf("Create%s: %v", what, err)
	}
	newID := *id(&made)
	if newID == 0 {
		t.Fatalf("Create%s returned id 0", what)
	}
	want := in
	*id(&want) = newID
	if got, err := read(f.ctx, newID); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("%s(%d) = %+v, %v; want %+v", what, newID, got, err, want)
	}
	return want
}

// concurrentWins runs n claims at once (claim(i) for i in [0, n)) and counts the ones won; a
// claim's error fails the test.
func concurrentWins(t *testing.T, n int, claim func(i int) (bool, error)) int {
	t.Helper()
	var (
		mu   sync.Mutex
		wins int
		wg   sync.WaitGroup
	)
	for i := range n {
		wg.Go(func() {
			ok, err := claim(i)
			if err != nil {
				t.Errorf("claim %d of %d: %v", i+1, n, err)
			}
			if ok {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return wins
}
