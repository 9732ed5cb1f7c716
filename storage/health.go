package storage

import (
	"context"
	"fmt"
)

// Ping runs the cheapest query that proves the database answers: a closed store, a file that went
// away or a lock held past busy_timeout all fail it. Callers bound it with ctx.
func (d *DB) Ping(ctx context.Context) error {
	var one int
	if err := d.db.QueryRowContext(ctx, `SELECT 1 FROM schema_version LIMIT 1`).Scan(&one); err != nil {
		return fmt.Errorf("database %s does not answer: %w", d.path, err)
	}
	return nil
}

// OpenPostCount is how many team questions are open, across every channel.
func (d *DB) OpenPostCount(ctx context.Context) (int, error) {
	var n int
	err := d.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM posts WHERE closed_at IS NULL`).Scan(&n)
	return n, err
}
