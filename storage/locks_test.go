package storage

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Two handles on one PostgreSQL database (two replicas) never hold one channel's lease at once;
// a lease left by a replica that died ends by itself; another channel is not held up.
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

		// A holder that never releases (it died): others wait until the lease ends.
		old := channelLease
		channelLease = 300 * time.Millisecond
		defer func() { channelLease = old }()
		if _, err := dbs[0].LockChannel(ctx, 8); err != nil {
			t.Fatal(err)
		}
		short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		defer cancel()
		if _, err := dbs[1].LockChannel(short, 8); err == nil {
			t.Fatal("took a lease another replica holds")
		}
		other, err := dbs[1].LockChannel(ctx, 9)
		if err != nil {
			t.Fatalf("another channel was held up: %v", err)
		}
		other()
		start := time.Now()
		unlock, err := dbs[1].LockChannel(ctx, 8)
		if err != nil {
			t.Fatalf("the dead holder's lease never ended: %v", err)
		}
		unlock()
		t.Logf("took over the dead holder's lease after %s", time.Since(start).Round(time.Millisecond))
	})
}
