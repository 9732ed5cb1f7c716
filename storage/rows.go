package storage

import (
	"context"
	"database/sql"
	"errors"

	"github.com/pyqbot/pyqbot/bot"
)

// scanner is one row to read: *sql.Row or *sql.Rows. An alias, so the scan functions written
// against the literal interface (scanPost, scanReport, …) fit queryAll as they are.
type scanner = interface{ Scan(...any) error }

// queryAll runs query on q and reads every row with scan, in the query's order; no rows is a nil
// slice. It is the store's one copy of the query, iterate, close and check-the-error loop.
func queryAll[T any](ctx context.Context, q querier, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	var out []T
	err := eachRow(ctx, q, func(row scanner) error {
		v, err := scan(row)
		if err != nil {
			return err
		}
		out = append(out, v)
		return nil
	}, query, args...)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// eachRow runs query on q and calls fn on each row, stopping at the first error; for results that
// are not a list (sets, tallies, candidates added to a round).
func eachRow(ctx context.Context, q querier, fn func(scanner) error, query string, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// scanString reads a row of one text column.
func scanString(row scanner) (string, error) {
	var s string
	err := row.Scan(&s)
	return s, err
}

// setOf is the set of keys.
func setOf(keys []string) map[string]bool {
	set := make(map[string]bool, len(keys))
	for _, k := range keys {
		set[k] = true
	}
	return set
}

// changed runs a statement in the transaction and says how many rows it inserted, updated or
// deleted: claims read it to know whether they won.
func (t *txn) changed(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := t.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// userIn is the row id of the workspace's user with external id userID; bot.ErrNotFound for a user
// the store has not seen.
func userIn(ctx context.Context, q querier, workspaceID int64, userID string) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM users WHERE workspace_id = ? AND external_id = ?`, workspaceID, userID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, bot.ErrNotFound
	}
	return id, err
}

// exec runs one statement in a write transaction of its own.
func (d *DB) exec(ctx context.Context, query string, args ...any) error {
	return d.inTx(ctx, func(tx *txn) error {
		_, err := tx.ExecContext(ctx, query, args...)
		return err
	})
}
