package storage

import "context"

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
