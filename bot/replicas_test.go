package bot_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
	"github.com/pyqbot/pyqbot/storage"
	"github.com/pyqbot/pyqbot/storage/pgtest"
)

// replicas are engines on their own store handles to one PostgreSQL database, as two pyqbot
// processes behind a load balancer.
func replicas(t *testing.T, n int) ([]*bot.Engine, []*testkit.Recorder, *storage.DB) {
	t.Helper()
	engines, outs, first, _ := replicasWith(t, n, nil)
	return engines, outs, first
}

// replicasWith is replicas with scheduling on these schedules (nil: off), and their shared clock.
func replicasWith(t *testing.T, n int, schedules []bot.Schedule) ([]*bot.Engine, []*testkit.Recorder, *storage.DB, *testkit.FakeClock) {
	t.Helper()
	pgtest.Require(t)
	url := pgtest.URL(t)
	c := testkit.NewFakeClock(testkit.Monday)
	var engines []*bot.Engine
	var outs []*testkit.Recorder
	var first *storage.DB
	for range n {
		k := testkit.NewEngine(t, testkit.Options{Questions: testQuestions()[:1], Clock: c, Path: url, Schedules: schedules})
		if first == nil {
			first = k.Store
		}
		engines, outs = append(engines, k.Engine), append(outs, k.Recorder)
	}
	return engines, outs, first, c
}

func sentTotal(outs []*testkit.Recorder) int {
	n := 0
	for _, o := range outs {
		n += len(o.Sent())
	}
	return n
}

// 20 concurrent /pyq today sent to two replicas make one post; then two replicas revealing at once
// post one reveal and grade each answer once (the leaderboard counts it once).
func TestTwoReplicasPostOnceAndGradeOnce(t *testing.T) {
	engines, outs, store := replicas(t, 2)
	conv := testConv
	handle := func(i int, user, text string, admin bool) bot.Reply {
		return engines[i%len(engines)].Handle(context.Background(), bot.Event{Conv: conv, User: bot.User{ID: user, Name: user}, Admin: admin, Text: text})
	}
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() { handle(i, fmt.Sprintf("u%d", i), "today", false) })
	}
	wg.Wait()
	if n := sentTotal(outs); n != 1 {
		t.Fatalf("20 concurrent /pyq today on 2 replicas sent %d messages, want 1 post", n)
	}

	for i, user := range []string{"ann", "bob", "cy"} {
		if r := handle(i, user, "answer C", false); !r.Private {
			t.Fatalf("%s's answer: %q", user, bot.PlainText(r.Post))
		}
	}
	for _, e := range engines {
		e.WaitIdle()
	}
	before := sentTotal(outs)
	for i := range 6 {
		wg.Go(func() { handle(i, "lead", "reveal", true) })
	}
	wg.Wait()
	for _, e := range engines {
		e.WaitIdle()
	}
	if n := sentTotal(outs) - before; n != 1 {
		t.Errorf("6 concurrent reveals on 2 replicas sent %d messages, want 1 reveal", n)
	}
	board, err := store.Leaderboard(context.Background(), 1, time.Unix(0, 0), time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if len(board) != 3 {
		t.Fatalf("leaderboard = %+v, want 3 players", board)
	}
	for _, s := range board {
		if s.Judged != 1 || s.Correct != 1 {
			t.Errorf("%s graded %d times (%d right), want once", s.User.Name, s.Judged, s.Correct)
		}
	}
}
