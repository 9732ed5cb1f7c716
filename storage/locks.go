package storage

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"math/rand/v2"
	"time"
)

// lockConns bounds the sessions a replica keeps for held channel locks: one per channel it is
// posting, revealing or editing at that moment. They are a pool of their own, so holders never
// wait on the transactions' connections they need for their work (a shared pool could be filled
// by holders each waiting for one more connection).
const lockConns = 16

// LockChannel takes the channel's lock on PostgreSQL: a session-level advisory lock, held on a
// connection of its own until unlock. PostgreSQL ends the lock with its session, so a replica
// that dies holding a channel (SIGKILL, a lost machine) frees it as soon as the server sees the
// connection close, at once for a killed process, instead of holding every other replica off the
// channel for a lease's length. While another replica holds it, LockChannel polls
// (pg_try_advisory_lock, with jitter) until ctx ends. On SQLite it does nothing: one process
// serves a file, and the engine's in-process lock is the whole story there.
//
// The key is the channel's id under a class derived from the schema, so two pyqbot schemas in one
// database (search_path) do not share locks. Ids past 2^31 fold into the 32-bit key: two such
// channels could then wait on each other, never both hold one lock. (Leases were rows of a table
// before, migration 0011's, dropped by 0015.)
func (d *DB) LockChannel(ctx context.Context, channelID int64) (func(), error) {
	if d.dialect != postgresDialect {
		return func() {}, nil
	}
	conn, err := d.locks.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("lock channel %d: %w", channelID, err)
	}
	key := int32(channelID ^ channelID>>32)
	wait := 2 * time.Millisecond
	for {
		var got bool
		err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock(hashtext(current_schema() || '.channel'), $1)`, key).Scan(&got)
		if err != nil {
			discard(conn) // whether the session took the lock is unknown: it must not go back to the pool
			if ctx.Err() != nil {
				return nil, fmt.Errorf("lock channel %d: another replica holds it: %w", channelID, ctx.Err())
			}
			return nil, fmt.Errorf("lock channel %d: %w", channelID, err)
		}
		if got {
			break
		}
		t := time.NewTimer(wait/2 + time.Duration(rand.Int64N(int64(wait))))
		select {
		case <-ctx.Done():
			t.Stop()
			conn.Close()
			return nil, fmt.Errorf("lock channel %d: another replica holds it: %w", channelID, ctx.Err())
		case <-t.C:
		}
		wait = min(wait*2, 50*time.Millisecond)
	}
	return func() {
		// Released even when the caller's ctx has ended. A session whose unlock failed is closed
		// rather than pooled, which ends its lock too.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		var released bool
		err := conn.QueryRowContext(ctx, `SELECT pg_advisory_unlock(hashtext(current_schema() || '.channel'), $1)`, key).Scan(&released)
		if err != nil || !released {
			d.w.log.Warn("releasing a channel lock failed: closing its session, which releases it", "channel", channelID, "err", err)
			discard(conn)
			return
		}
		conn.Close()
	}, nil
}

// discard closes conn's session instead of returning it to the pool.
func discard(conn *sql.Conn) {
	conn.Raw(func(any) error { return driver.ErrBadConn })
	conn.Close()
}
