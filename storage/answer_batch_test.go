package storage

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/pyqbot/pyqbot/bot"
)

// Answers that arrive while a commit runs are recorded together in the next transaction, each with
// its own verdict: new answers stored, a second answer by one user refused with the first, answers
// to a closed or missing question refused, and none of the refused ones leaves a row behind.
func TestConcurrentAnswersShareACommit(t *testing.T) {
	forEachBackend(t, testConcurrentAnswersShareACommit)
}

func testConcurrentAnswersShareACommit(t *testing.T, be backend) {
	f := newFixture(t, be)
	ch := f.channel("T1", "C1")
	open := f.post(ch, 0, bot.KindOutput, "closures")
	closed := f.post(ch, 1, bot.KindOutput, "iterators")
	f.close(closed, nil)

	type call struct {
		post int64
		user string
		key  string
	}
	var calls []call
	for i := range 60 {
		calls = append(calls, call{open.ID, fmt.Sprintf("U%02d", i), "A"})
	}
	calls = append(calls, call{open.ID, "U00", "B"}, call{closed.ID, "U01", "A"}, call{999, "U02", "A"})

	all := make(chan struct{})
	var n sync.WaitGroup
	n.Add(len(calls))
	f.db.answers.queued = func() { n.Done() }
	// Hold the write lock (SQLite) or the posts' locks (PostgreSQL) so that every answer queues
	// behind the first one's transaction.
	release := holdAnswers(t, f, open.ID, closed.ID, 999)
	results := make([]error, len(calls))
	got := make([]bot.Answer, len(calls))
	var done sync.WaitGroup
	for i, c := range calls {
		done.Add(1)
		go func() {
			defer done.Done()
			<-all
			got[i], results[i] = f.db.RecordAnswer(f.ctx, bot.Answer{PostID: c.post, User: bot.User{ID: c.user, Name: c.user}, Keys: []string{c.key}, AnsweredAt: t0})
		}()
	}
	close(all)
	n.Wait() // every answer is queued
	release()
	done.Wait()

	if b := f.db.answers.batches.Load(); b < 1 || b > 2 {
		t.Errorf("%d answers took %d transactions, want 1 or 2 (the first, then everyone queued behind it)", len(calls), b)
	}
	stored := 0
	for i, c := range calls[:60] {
		switch {
		case results[i] == nil:
			stored++
		case c.user == "U00" && errors.Is(results[i], bot.ErrAlreadyAnswered):
			// U00's B won the race: checked below
		default:
			t.Errorf("answer %d (%s): %v", i, c.user, results[i])
		}
	}
	dup := results[60]
	if stored == 60 && !errors.Is(dup, bot.ErrAlreadyAnswered) || stored == 59 && dup != nil {
		t.Errorf("U00 answered twice: first answers stored %d, the other got %v", stored, dup)
	}
	if errors.Is(dup, bot.ErrAlreadyAnswered) && got[60].Keys[0] != "A" {
		t.Errorf("the refused second answer came back with %v, want the first (A)", got[60].Keys)
	}
	if !errors.Is(results[61], bot.ErrClosed) || !errors.Is(results[62], bot.ErrNotFound) {
		t.Errorf("closed question: %v; missing question: %v", results[61], results[62])
	}
	if n := len(f.answers(open.ID)); n != 60 {
		t.Errorf("%d answers stored, want one per user (60)", n)
	}
	if n := len(f.answers(closed.ID)); n != 0 {
		t.Errorf("the closed question has %d answers", n)
	}
}

// A refused answer writes nothing: no new user, no new name. recordAnswerIn relies on it, since
// the batch keeps no savepoint to undo a refused answer's writes.
func TestRefusedAnswerLeavesNoTrace(t *testing.T) {
	forEachChannel(t, func(t *testing.T, f *fixture, ch bot.Channel) {
		open := f.post(ch, 0, bot.KindOutput, "closures")
		closed := f.post(ch, 1, bot.KindOutput, "iterators")
		f.answer(open, "U1", "Ann", t0, "A")
		f.close(closed, nil)
		for _, tt := range []struct {
			post int64
			user string
			want error
		}{
			{open.ID, "U1", bot.ErrAlreadyAnswered},
			{closed.ID, "U1", bot.ErrClosed},
			{closed.ID, "U2", bot.ErrClosed},
			{4242, "U3", bot.ErrNotFound},
		} {
			_, err := f.db.RecordAnswer(f.ctx, bot.Answer{PostID: tt.post, User: bot.User{ID: tt.user, Name: "Renamed"}, Keys: []string{"B"}, AnsweredAt: t0})
			if !errors.Is(err, tt.want) {
				t.Errorf("%s answering post %d: %v, want %v", tt.user, tt.post, err, tt.want)
			}
		}
		if got := f.count(`SELECT COUNT(*) FROM users`); got != 1 {
			t.Errorf("%d user rows, want 1 (Ann): a refused answer made a user", got)
		}
		if got := f.count(`SELECT COUNT(*) FROM users WHERE name = 'Ann'`); got != 1 {
			t.Errorf("Ann's name changed under a refused answer")
		}
		if got := f.count(`SELECT COUNT(*) FROM answers`); got != 1 {
			t.Errorf("%d answers stored, want Ann's first only", got)
		}
	})
}

// holdAnswers keeps answers to posts from committing until release is called: on SQLite by
// holding the write lock, on PostgreSQL by holding each post's lock exclusively, as a close does.
func holdAnswers(t *testing.T, f *fixture, posts ...int64) (release func()) {
	t.Helper()
	if f.db.dialect == sqliteDialect {
		f.db.writeMu.Lock()
		return f.db.writeMu.Unlock
	}
	tx, err := f.db.db.BeginTx(f.ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range posts {
		if _, err := tx.ExecContext(f.ctx, `SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.post'), CAST($1 AS INTEGER))`, int32(id^id>>32)); err != nil {
			t.Fatal(err)
		}
	}
	return func() {
		if err := tx.Commit(); err != nil {
			t.Error(err)
		}
	}
}
