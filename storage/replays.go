package storage

import (
	"context"
	"time"
)

// ClaimReplay records key of kind as acted on at `at`; false when it was already claimed within
// keep. The insert is the claim: of two processes inserting one key, SQLite's write lock lets one
// in first, and the other's INSERT … ON CONFLICT changes nothing. A row older than keep is
// forgotten first, so an old key may be claimed again (its signature is long stale by then).
func (d *DB) ClaimReplay(ctx context.Context, kind, key string, at time.Time, keep time.Duration) (bool, error) {
	claimed := false
	// Only the primary key guards the claim, so PostgreSQL runs it READ COMMITTED: the insert waits
	// for a concurrent claim of the same key and then does nothing, instead of failing the
	// serializable check on the age-out DELETE's range, which every concurrent claim touches.
	err := d.inTxReadCommitted(ctx, func(tx *txn) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM replays WHERE kind = ? AND seen_at < ?`, kind, millis(at.Add(-keep))); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO replays (kind, key, seen_at) VALUES (?, ?, ?)
			ON CONFLICT (kind, key) DO NOTHING`, kind, key, millis(at))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		claimed = n == 1
		return err
	})
	return claimed, err
}
