package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

// This file copies a team's history from one store to another (pyqbot migrate-store): SQLite to
// PostgreSQL when one machine is no longer enough.

// TableCount is one table's row count in the source and the target after a copy.
type TableCount struct {
	Table          string
	Source, Target int64
}

// CopyResult is what Copy verified.
type CopyResult struct {
	Tables []TableCount
	// Leaderboards is how many leaderboards (per workspace: all time, and the 7 and 30 days before
	// the newest answer) were compared and found equal.
	Leaderboards int
}

// notCopied are tables a new store fills by itself.
var notCopied = map[string]bool{"schema_version": true, "health_probe": true}

// copyBatch rows go in one INSERT: few round trips, and far below PostgreSQL's 65,535 parameters.
const copyBatch = 200

// Copy copies every row of src into dst, which must be empty and on the same schema version, in
// one transaction on dst (a failure leaves it empty), then checks that each table holds as many
// rows on both sides and that every workspace's leaderboards are equal. Stop the bot first: rows
// written to src during the copy would be left behind.
func Copy(ctx context.Context, src, dst *DB) (CopyResult, error) {
	var res CopyResult
	if src.dialect != sqliteDialect || dst.dialect != postgresDialect {
		return res, fmt.Errorf("copy %s to %s: migrate-store copies an SQLite database into PostgreSQL", src.path, dst.path)
	}
	tables, err := src.tablesInCopyOrder(ctx)
	if err != nil {
		return res, fmt.Errorf("read the tables of %s: %w", src.path, err)
	}
	if err := sameVersions(ctx, src, dst); err != nil {
		return res, err
	}
	for _, t := range tables {
		n, err := dst.rowCount(ctx, t)
		if err != nil {
			return res, fmt.Errorf("target %s: table %s: %w", dst.path, t, err)
		}
		if n > 0 {
			return res, fmt.Errorf("target %s is not empty (table %s has %d rows): migrate-store only fills a new, empty database", dst.path, t, n)
		}
	}
	issued, err := src.issuedIDs(ctx)
	if err != nil {
		return res, fmt.Errorf("read the ids %s has issued: %w", src.path, err)
	}
	err = dst.pgTx(ctx, sql.LevelDefault, func(tx *txn) error {
		for _, t := range tables {
			if err := copyTable(ctx, src, tx, t); err != nil {
				return fmt.Errorf("table %s: %w", t, err)
			}
		}
		return dst.resetIdentities(ctx, tx, tables, issued)
	})
	if err != nil {
		return res, fmt.Errorf("copy into %s (nothing was kept): %w", dst.path, err)
	}
	for _, t := range tables {
		c := TableCount{Table: t}
		if c.Source, err = src.rowCount(ctx, t); err != nil {
			return res, err
		}
		if c.Target, err = dst.rowCount(ctx, t); err != nil {
			return res, err
		}
		res.Tables = append(res.Tables, c)
		if c.Source != c.Target {
			return res, fmt.Errorf("table %s: %d rows in the source, %d in the target", t, c.Source, c.Target)
		}
	}
	res.Leaderboards, err = compareLeaderboards(ctx, src, dst)
	return res, err
}

// tablesInCopyOrder lists src's tables so that every table comes after those its foreign keys
// name (read from SQLite's catalogue, so a table added by a later migration is copied too).
func (d *DB) tablesInCopyOrder(ctx context.Context) ([]string, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		return nil, err
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, err
		}
		if !notCopied[n] {
			names = append(names, n)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	deps := map[string][]string{}
	for _, n := range names {
		r, err := d.db.QueryContext(ctx, `SELECT DISTINCT "table" FROM pragma_foreign_key_list(?)`, n)
		if err != nil {
			return nil, err
		}
		for r.Next() {
			var to string
			if err := r.Scan(&to); err != nil {
				r.Close()
				return nil, err
			}
			if to != n {
				deps[n] = append(deps[n], to)
			}
		}
		r.Close()
		if err := r.Err(); err != nil {
			return nil, err
		}
	}
	var out []string
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(n string) error
	visit = func(n string) error {
		switch state[n] {
		case 1:
			return fmt.Errorf("foreign keys form a cycle through %s", n)
		case 2:
			return nil
		}
		state[n] = 1
		sort.Strings(deps[n])
		for _, to := range deps[n] {
			if err := visit(to); err != nil {
				return err
			}
		}
		state[n] = 2
		out = append(out, n)
		return nil
	}
	for _, n := range names {
		if err := visit(n); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func sameVersions(ctx context.Context, src, dst *DB) error {
	versions := func(d *DB) (string, error) {
		rows, err := d.db.QueryContext(ctx, `SELECT version FROM schema_version ORDER BY version`)
		if err != nil {
			return "", err
		}
		defer rows.Close()
		var vs []string
		for rows.Next() {
			var v int
			if err := rows.Scan(&v); err != nil {
				return "", err
			}
			vs = append(vs, fmt.Sprint(v))
		}
		return strings.Join(vs, ","), rows.Err()
	}
	a, err := versions(src)
	if err != nil {
		return fmt.Errorf("source %s: %w", src.path, err)
	}
	b, err := versions(dst)
	if err != nil {
		return fmt.Errorf("target %s: %w", dst.path, err)
	}
	if a != b {
		return fmt.Errorf("source %s has migrations %s, target %s has %s: run the same pyqbot on both", src.path, a, dst.path, b)
	}
	return nil
}

func (d *DB) rowCount(ctx context.Context, table string) (int64, error) {
	var n int64
	err := d.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+quoteIdent(table)).Scan(&n)
	return n, err
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// copyTable streams table from src into tx, copyBatch rows per INSERT.
func copyTable(ctx context.Context, src *DB, tx *txn, table string) error {
	rows, err := src.db.QueryContext(ctx, `SELECT * FROM `+quoteIdent(table))
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = quoteIdent(c)
	}
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	var args []any
	flush := func() error {
		if len(args) == 0 {
			return nil
		}
		n := len(args) / len(cols)
		q := `INSERT INTO ` + quoteIdent(table) + ` (` + strings.Join(quoted, ", ") + `) VALUES ` +
			strings.TrimSuffix(strings.Repeat(one+", ", n), ", ")
		_, err := tx.tx.ExecContext(ctx, rebind(q), args...) // not through the cache: one shape per batch size
		args = args[:0]
		return err
	}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		args = append(args, vals...)
		if len(args) >= copyBatch*len(cols) {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return flush()
}

// issuedIDs is the highest id SQLite has issued in each AUTOINCREMENT table (posts, migration
// 0018), deleted rows' included: a discarded last post's id must not be issued again after the copy.
func (d *DB) issuedIDs(ctx context.Context) (map[string]int64, error) {
	var n int
	if err := d.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'`).Scan(&n); err != nil || n == 0 {
		return nil, err
	}
	out := map[string]int64{}
	err := eachRow(ctx, d.db, func(row scanner) error {
		var name string
		var seq int64
		if err := row.Scan(&name, &seq); err != nil {
			return err
		}
		out[name] = seq
		return nil
	}, `SELECT name, seq FROM sqlite_sequence`)
	return out, err
}

// resetIdentities moves each identity column's sequence past the copied ids and past the ids the
// source issued (issued, by table), so the next row the bot inserts does not collide with one
// copied over nor take the id of one deleted before the copy.
func (d *DB) resetIdentities(ctx context.Context, tx *txn, tables []string, issued map[string]int64) error {
	for _, t := range tables {
		var col string
		err := tx.QueryRowContext(ctx, `SELECT column_name FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = ? AND is_identity = 'YES'`, t).Scan(&col)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence(?, ?), GREATEST(COALESCE((SELECT MAX(`+quoteIdent(col)+`) FROM `+
			quoteIdent(t)+`), 0), CAST(? AS BIGINT)) + 1, false)`, t, col, issued[t]); err != nil {
			return fmt.Errorf("identity of %s.%s: %w", t, col, err)
		}
	}
	return nil
}

// compareLeaderboards compares every workspace's all-time board and the boards of the 7 and 30
// days up to the newest answer (the periods a team looks at), as the bot reads them.
func compareLeaderboards(ctx context.Context, src, dst *DB) (int, error) {
	rows, err := src.db.QueryContext(ctx, `SELECT id, platform, external_id FROM workspaces ORDER BY id`)
	if err != nil {
		return 0, err
	}
	type ws struct {
		id   int64
		name string
	}
	var all []ws
	for rows.Next() {
		var w ws
		var platform, ext string
		if err := rows.Scan(&w.id, &platform, &ext); err != nil {
			rows.Close()
			return 0, err
		}
		w.name = platform + "/" + ext
		all = append(all, w)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	var newest int64
	if err := src.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(answered_at), 0) FROM answers`).Scan(&newest); err != nil {
		return 0, err
	}
	end := fromMillis(newest).Add(time.Millisecond)
	allFrom, allTo := bot.AllTime()
	periods := []struct {
		name     string
		from, to time.Time
	}{
		{"all time", allFrom, allTo},
		{"7 days", end.AddDate(0, 0, -7), end},
		{"30 days", end.AddDate(0, 0, -30), end},
	}
	n := 0
	for _, w := range all {
		for _, p := range periods {
			a, err := src.Leaderboard(ctx, w.id, p.from, p.to)
			if err != nil {
				return n, err
			}
			b, err := dst.Leaderboard(ctx, w.id, p.from, p.to)
			if err != nil {
				return n, err
			}
			if !reflect.DeepEqual(a, b) {
				return n, fmt.Errorf("workspace %s, %s: the leaderboards differ:\nsource %+v\ntarget %+v", w.name, p.name, a, b)
			}
			n++
		}
	}
	return n, nil
}
