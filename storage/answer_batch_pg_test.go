package storage

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

// waitingOn waits until n sessions on the database wait for a lock of this kind ("advisory", or
// "transactionid" for a row another transaction changed): the test's way to know a batch is
// where it means it to be, without sleeping.
func waitingOn(t *testing.T, f *fixture, kind string, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var got int
		if err := f.db.db.QueryRowContext(f.ctx, `SELECT COUNT(*) FROM pg_locks WHERE NOT granted AND locktype = $1`, kind).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d sessions wait for a %s lock, want %d", got, kind, n)
		}
		time.Sleep(time.Millisecond)
	}
}

// One answer whose statement breaks a rule of the database (here its post is deleted under it)
// aborts a PostgreSQL transaction; the batch then records each answer on its own, so only that
// one fails and an answer to another question in the same batch is stored.
func TestOneAnswersFaultDoesNotFailItsBatch(t *testing.T) {
	postgresOnly(t)
	f := newFixture(t, postgresBackend)
	ch := f.channel("T1", "C1")
	x := f.post(ch, 0, bot.KindOutput, "hold")
	open := f.post(ch, 0, bot.KindOutput, "open")
	gone := f.post(ch, 0, bot.KindOutput, "gone")
	var queued atomic.Int32
	f.db.answers.queued = func() { queued.Add(1) }
	release := holdAnswers(t, f, x.ID)
	del, err := f.db.db.BeginTx(f.ctx, nil) // a delete of gone, not yet committed
	if err != nil {
		t.Fatal(err)
	}
	if _, err := del.ExecContext(f.ctx, `DELETE FROM posts WHERE id = $1`, gone.ID); err != nil {
		t.Fatal(err)
	}
	errs := make([]error, 3)
	var wg sync.WaitGroup
	rec := func(i int, p bot.PostedQuestion, user string) {
		wg.Go(func() {
			_, errs[i] = f.db.RecordAnswer(f.ctx, bot.Answer{PostID: p.ID, User: bot.User{ID: user, Name: user}, Keys: []string{"A"}, AnsweredAt: t0})
		})
	}
	rec(0, x, "ULEAD") // leads, and waits for x's lock
	waitingOn(t, f, "advisory", 1)
	rec(1, open, "UANN")
	rec(2, gone, "UBOB")
	for queued.Load() < 3 {
		time.Sleep(time.Millisecond)
	}
	release()
	waitingOn(t, f, "transactionid", 1) // Bob's insert checks its post, which the delete holds
	if err := del.Commit(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if errs[1] != nil {
		t.Errorf("Ann's answer to #%d failed with the batch: %v", open.ID, errs[1])
	}
	if errs[2] == nil {
		t.Errorf("Bob's answer to the deleted #%d was taken", gone.ID)
	}
	if n := len(f.answers(open.ID)); n != 1 {
		t.Errorf("%d answers stored for #%d, want Ann's", n, open.ID)
	}
}

// Two replicas' batches in which one user (Discord ids are global) answers in two workspaces lock
// the user's two rows in the same order, so PostgreSQL finds no deadlock between them.
func TestReplicasBatchesLockUsersInOneOrder(t *testing.T) {
	postgresOnly(t)
	dbs := openHandles(t, postgresBackend, 2)
	f := &fixture{tb: t, ctx: t.Context(), db: dbs[0]}
	c1, c2 := f.channel("T1", "C1"), f.channel("T2", "C1")
	f.answer(f.post(c1, 0, bot.KindOutput, "x"), "U1", "Ann", t0, "A") // U1 has a row in each workspace
	f.answer(f.post(c2, 0, bot.KindOutput, "x"), "U1", "Ann", t0, "A")
	deadlocks := func() (n int64) {
		if err := f.db.db.QueryRowContext(f.ctx, `SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := deadlocks()
	for round := range 5 {
		x := f.post(c1, 0, bot.KindOutput, "hold")
		a1, b1 := f.post(c1, 0, bot.KindOutput, "a1"), f.post(c2, 0, bot.KindOutput, "b1")
		a2, b2 := f.post(c1, 0, bot.KindOutput, "a2"), f.post(c2, 0, bot.KindOutput, "b2")
		var queued atomic.Int32
		for _, d := range dbs {
			d.answers.queued = func() { queued.Add(1) }
		}
		release := holdAnswers(t, f, x.ID)
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		rec := func(d *DB, p bot.PostedQuestion, user string) {
			wg.Go(func() {
				if _, err := d.RecordAnswer(f.ctx, bot.Answer{PostID: p.ID, User: bot.User{ID: user, Name: "Ann"}, Keys: []string{"A"}, AnsweredAt: t0}); err != nil {
					errs <- fmt.Errorf("round %d, #%d: %w", round, p.ID, err)
				}
			})
		}
		rec(dbs[0], x, fmt.Sprint("L0-", round)) // each replica's leader waits for x
		rec(dbs[1], x, fmt.Sprint("L1-", round))
		waitingOn(t, f, "advisory", 2)
		rec(dbs[0], b1, "U1") // arrival order: T2's row, then T1's
		rec(dbs[0], a2, "U1")
		rec(dbs[1], a1, "U1") // T1's row, then T2's
		rec(dbs[1], b2, "U1")
		for queued.Load() < 6 {
			time.Sleep(time.Millisecond)
		}
		release()
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
	}
	if after := deadlocks(); after != before {
		t.Errorf("PostgreSQL found %d deadlocks between the replicas' batches, want 0", after-before)
	}
}
