package storage

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

var _ bot.ChannelLocker = (*DB)(nil)

// channelLease bounds how long a replica that died holding a channel keeps it from the others.
// Posting, revealing or editing a channel takes a few platform calls (seconds at worst), well
// inside it. A variable so tests can shorten it.
var channelLease = 2 * time.Minute

// LockChannel takes the channel's lease on PostgreSQL, waiting (polling with jitter) while another
// replica holds it, until ctx ends. The lease is one row: an upsert that only replaces an expired
// lease, so of two replicas exactly one sees a row changed. Leases use the real clock, as they are
// compared across processes. On SQLite it does nothing: one process serves a file, and the
// engine's in-process lock is the whole story there.
func (d *DB) LockChannel(ctx context.Context, channelID int64) (func(), error) {
	if d.dialect != postgresDialect {
		return func() {}, nil
	}
	var b [8]byte
	if _, err := crand.Read(b[:]); err != nil {
		return nil, err
	}
	owner := hex.EncodeToString(b[:])
	wait := 2 * time.Millisecond
	for {
		now := time.Now()
		res, err := d.db.ExecContext(ctx, `INSERT INTO channel_locks (channel_id, owner, expires_at) VALUES (?, ?, ?)
			ON CONFLICT (channel_id) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
			WHERE channel_locks.expires_at < ?`, channelID, owner, millis(now.Add(channelLease)), millis(now))
		if err != nil {
			return nil, fmt.Errorf("lock channel %d: %w", channelID, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return nil, err
		} else if n == 1 {
			break
		}
		t := time.NewTimer(wait/2 + time.Duration(rand.Int64N(int64(wait))))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("lock channel %d: another replica holds it: %w", channelID, ctx.Err())
		case <-t.C:
		}
		wait = min(wait*2, 50*time.Millisecond)
	}
	return func() {
		// Released even when the caller's ctx has ended: a lease left behind would hold the
		// channel for channelLease.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if _, err := d.db.ExecContext(ctx, `DELETE FROM channel_locks WHERE channel_id = ? AND owner = ?`, channelID, owner); err != nil {
			d.w.log.Warn("releasing a channel lease failed: it ends by itself", "channel", channelID, "in", channelLease, "err", err)
		}
	}, nil
}
