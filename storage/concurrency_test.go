package storage

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

// forEachHandleCount runs fn per backend with one and with two handles on one database (as one
// process and as two), f on the first.
func forEachHandleCount(t *testing.T, fn func(t *testing.T, f *fixture, dbs []*DB)) {
	t.Helper()
	forEachBackend(t, func(t *testing.T, be backend) {
		for _, handles := range []int{1, 2} {
			t.Run(fmt.Sprintf("%d handles", handles), func(t *testing.T) {
				dbs := openHandles(t, be, handles)
				fn(t, &fixture{tb: t, ctx: context.Background(), db: dbs[0]}, dbs)
			})
		}
	})
}

// openHandles opens n *DB handles on one database, as n processes would.
func openHandles(t *testing.T, be backend, n int) []*DB {
	path := be.Target(t)
	dbs := make([]*DB, n)
	for i := range dbs {
		dbs[i] = mustOpenPath(t, path)
	}
	return dbs
}

func TestConcurrentAnswers(t *testing.T) {
	const users = 64
	forEachHandleCount(t, func(t *testing.T, f *fixture, dbs []*DB) {
		ctx := f.ctx
		p := f.post(f.channel("T1", "C1"), 0, bot.KindOutput, "closures")

		start := make(chan struct{})
		errs := make([]error, users)
		var wg sync.WaitGroup
		for i := range users {
			wg.Go(func() {
				db := dbs[i%len(dbs)]
				<-start
				// Each goroutine also creates its user and reads the channel, as a command does.
				if _, err := db.EnsureChannel(ctx, bot.Conversation{Platform: "slack", Workspace: "T1", Channel: "C1"}, "UTC"); err != nil {
					errs[i] = err
					return
				}
				_, errs[i] = db.RecordAnswer(ctx, bot.Answer{PostID: p.ID, User: bot.User{ID: fmt.Sprintf("U%d", i), Name: "user"},
					Keys: []string{"A"}, AnsweredAt: t0.Add(time.Duration(i) * time.Millisecond)})
			})
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("user U%d: RecordAnswer: %v", i, err)
			}
		}
		got := map[string]bool{}
		for _, a := range f.answers(p.ID) {
			got[a.User.ID] = true
		}
		for i := range users {
			if !got[fmt.Sprintf("U%d", i)] {
				t.Errorf("answer of U%d missing", i)
			}
		}
		if len(got) != users {
			t.Errorf("%d distinct answerers stored, want %d", len(got), users)
		}
	})
}

// One user pressing several choices at once, through one handle or two (replicas): one answer is
// stored, and every other press is refused with that first answer, whichever batch or replica it
// went through.
func TestOneUserPressingManyAtOnce(t *testing.T) {
	const presses = 24
	forEachHandleCount(t, func(t *testing.T, f *fixture, dbs []*DB) {
		p := f.post(f.channel("T1", "C1"), 0, bot.KindOutput, "closures")
		start := make(chan struct{})
		errs := make([]error, presses)
		got := make([]bot.Answer, presses)
		var wg sync.WaitGroup
		for i := range presses {
			wg.Go(func() {
				<-start
				got[i], errs[i] = dbs[i%len(dbs)].RecordAnswer(f.ctx, bot.Answer{PostID: p.ID, User: bot.User{ID: "U1", Name: "ann"},
					Keys: []string{string(rune('A' + i%4))}, AnsweredAt: t0})
			})
		}
		close(start)
		wg.Wait()
		stored := f.answers(p.ID)
		if len(stored) != 1 {
			t.Fatalf("%d answers stored for one user, want 1", len(stored))
		}
		first := stored[0].Keys[0]
		taken := 0
		for i, err := range errs {
			switch {
			case err == nil:
				taken++
			case !errors.Is(err, bot.ErrAlreadyAnswered):
				t.Errorf("press %d: %v", i, err)
			case len(got[i].Keys) != 1 || got[i].Keys[0] != first:
				t.Errorf("press %d refused with %v, want the stored first answer %s", i, got[i].Keys, first)
			}
		}
		if taken != 1 {
			t.Errorf("%d presses were told they were recorded, want 1", taken)
		}
	})
}

// TestCloseRacesAnswers closes a question while answers arrive: each answer is either graded by the
// close or refused with ErrClosed, never stored ungraded.
func TestCloseRacesAnswers(t *testing.T) {
	const users = 40
	forEachHandleCount(t, func(t *testing.T, f *fixture, dbs []*DB) {
		ctx := f.ctx
		ch := f.channel("T1", "C1")
		for round := range 3 {
			p := f.post(ch, round, bot.KindOutput, "closures")
			start := make(chan struct{})
			errs := make([]error, users)
			var graded []bot.Answer
			var closeErr error
			var wg sync.WaitGroup
			for i := range users {
				wg.Go(func() {
					<-start
					_, errs[i] = dbs[i%len(dbs)].RecordAnswer(ctx, bot.Answer{PostID: p.ID,
						User: bot.User{ID: fmt.Sprintf("U%d", i), Name: "user"}, Keys: []string{"A"}, AnsweredAt: p.PostedAt})
				})
				if i == users/2 {
					wg.Go(func() {
						<-start
						graded, closeErr = dbs[len(dbs)-1].CloseAndGrade(ctx, p.ID, p.RevealAt, func(bot.Answer, int) bot.Grade {
							return bot.Grade{Correct: true, Points: 10}
						})
					})
				}
			}
			close(start)
			wg.Wait()
			if closeErr != nil {
				t.Fatalf("round %d: CloseAndGrade: %v", round, closeErr)
			}

			gradedBy := map[string]bool{}
			for _, a := range graded {
				gradedBy[a.User.ID] = true
			}
			accepted := 0
			for i, err := range errs {
				id := fmt.Sprintf("U%d", i)
				switch {
				case err == nil:
					accepted++
					if !gradedBy[id] {
						t.Errorf("round %d: %s's answer was accepted but not graded by the close", round, id)
					}
				case errors.Is(err, bot.ErrClosed):
					if gradedBy[id] {
						t.Errorf("round %d: %s's answer was refused as closed but graded", round, id)
					}
				default:
					t.Errorf("round %d: %s: RecordAnswer: %v", round, id, err)
				}
			}
			t.Logf("round %d: %d answers graded, %d refused as late", round, accepted, users-accepted)
			if len(graded) != accepted {
				t.Errorf("round %d: close graded %d answers, %d were accepted", round, len(graded), accepted)
			}
			stored := f.answers(p.ID)
			for _, a := range stored {
				if !a.Graded || a.Points != 10 {
					t.Errorf("round %d: stored answer %+v left ungraded", round, a)
				}
			}
			if len(stored) != accepted {
				t.Errorf("round %d: %d answers stored, %d accepted", round, len(stored), accepted)
			}
		}
	})
}
