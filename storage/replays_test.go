package storage

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

func TestClaimReplayOncePerWindowAcrossReopen(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be backend) {
		ctx := context.Background()
		path := be.Target(t)
		db := mustOpenPath(t, path)
		claim := func(db *DB, kind, key string, at time.Time) bool {
			t.Helper()
			ok, err := db.ClaimReplay(ctx, kind, key, at, bot.ReplayMemory)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		if !claim(db, bot.ReplayRequest, "slack:v0=abc", t0) {
			t.Fatal("first claim refused")
		}
		if claim(db, bot.ReplayRequest, "slack:v0=abc", t0.Add(time.Minute)) {
			t.Error("the same key was claimed twice within the window")
		}
		if !claim(db, bot.ReplayEvent, "slack:v0=abc", t0.Add(time.Minute)) {
			t.Error("a key of another kind was refused")
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		db = mustOpenPath(t, path)
		if claim(db, bot.ReplayRequest, "slack:v0=abc", t0.Add(9*time.Minute)) {
			t.Error("after a reopen, the key was claimed again within the window")
		}
		// Past the window the row is forgotten (pruned by the next claim of its kind).
		if !claim(db, bot.ReplayRequest, "slack:other", t0.Add(bot.ReplayMemory+time.Second)) {
			t.Fatal("a new key was refused")
		}
		var n int
		if err := db.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM replays WHERE kind = ?`, bot.ReplayRequest).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("%d request rows kept, want 1 (the old one pruned)", n)
		}
	})
}

// Two processes on one database claiming the same key at once: exactly one wins.
func TestClaimReplayConcurrentlyHasOneWinner(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be backend) {
		dbs := openHandles(t, be, 2)
		for key := range 20 {
			wins := concurrentWins(t, 8, func(i int) (bool, error) {
				return dbs[i%2].ClaimReplay(context.Background(), bot.ReplayRequest, fmt.Sprint("k", key), t0, bot.ReplayMemory)
			})
			if wins != 1 {
				t.Fatalf("key %d claimed %d times, want once", key, wins)
			}
		}
	})
}
