package storage

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Two handles on one PostgreSQL database (two replicas) never hold one channel's lease at once;
// a lock held by a replica that went away is free as soon as its connections close; another
// channel is not held up.
func TestLockChannelAcrossHandles(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be backend) {
		if be.name != "postgres" {
			t.Skip("SQLite: one process per file; the engine's mutex serialises the channel")
		}
		ctx := context.Background()
		dbs := openHandles(t, be, 2)
		var inside, overlaps, entries atomic.Int64
		var wg sync.WaitGroup
		for i := range 16 {
			wg.Go(func() {
				unlock, err := dbs[i%2].LockChannel(ctx, 7)
				if err != nil {
					t.Errorf("LockChannel: %v", err)
					return
				}
				if inside.Add(1) > 1 {
					overlaps.Add(1)
				}
				entries.Add(1)
				// A round trip inside the lease, as posting makes, gives an overlap room to show.
				if _, err := dbs[i%2].OpenPosts(ctx, 7); err != nil {
					t.Error(err)
				}
				inside.Add(-1)
				unlock()
			})
		}
		wg.Wait()
		if overlaps.Load() != 0 || entries.Load() != 16 {
			t.Fatalf("%d of %d holders overlapped another", overlaps.Load(), entries.Load())
		}

		// A holder that never releases: others wait while it lives; when its session ends (as the
		// server ends it when the process dies and its connection closes) the lock is free at
		// once, no lease to sit out.
		if _, err := dbs[0].LockChannel(ctx, 8); err != nil {
			t.Fatal(err)
		}
		short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		defer cancel()
		if _, err := dbs[1].LockChannel(short, 8); err == nil {
			t.Fatal("took a lock another replica holds")
		}
		other, err := dbs[1].LockChannel(ctx, 9)
		if err != nil {
			t.Fatalf("another channel was held up: %v", err)
		}
		other()
		var ended int
		if err := dbs[1].SQL().QueryRowContext(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_locks
			WHERE locktype = 'advisory' AND granted AND classid = hashtext(current_schema() || '.channel')::oid AND objid = 8 AND objsubid = 2`).Scan(&ended); err != nil || ended != 1 {
			t.Fatalf("ending the holder's session: %d ended, %v", ended, err)
		}
		start := time.Now()
		soon, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		unlock, err := dbs[1].LockChannel(soon, 8)
		if err != nil {
			t.Fatalf("the ended holder's lock was not released: %v", err)
		}
		unlock()
		t.Logf("took the ended holder's lock after %s", time.Since(start).Round(time.Millisecond))

		// A released lock goes back to its pool's session and is taken again at once.
		for range 3 {
			unlock, err := dbs[1].LockChannel(soon, 8)
			if err != nil {
				t.Fatal(err)
			}
			unlock()
		}
	})
}
