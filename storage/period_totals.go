package storage

import (
	"context"
	"database/sql"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

// This file keeps the week and month leaderboard totals (migration 0014) and reads period
// leaderboards from them. A team's week or month is in its channel's zone, so it does not line up
// with the UTC buckets the totals are kept in; a read takes the buckets nearest to the period and
// corrects each edge with the graded answers between the bucket's edge and the period's: those
// are the few hours of the zone's offset, against a month of answers the buckets stand for.

// span is a bucket length of period_totals.
type span struct {
	name string
	// start is the start of the bucket holding t, and next the start of the one after.
	start func(t time.Time) time.Time
	next  func(start time.Time) time.Time
	// near is how far a period's edge may be from a bucket's for the buckets to be read: more than
	// any zone's offset from UTC (+14 h at most) with a DST hour to spare, and less than a bucket.
	near time.Duration
}

// weekMillis and mondayMillis are the week's length and the first Monday of Unix time
// (1970-01-05), as migration 0014 computes a week's start from them.
const (
	weekMillis   = 7 * 24 * 60 * 60 * 1000
	mondayMillis = 4 * 24 * 60 * 60 * 1000
)

var (
	weekSpan = span{
		name: "week",
		start: func(t time.Time) time.Time {
			ms := t.UnixMilli()
			return time.UnixMilli((ms-mondayMillis)/weekMillis*weekMillis + mondayMillis).UTC()
		},
		next: func(start time.Time) time.Time { return start.AddDate(0, 0, 7) },
		near: 16 * time.Hour,
	}
	monthSpan = span{
		name: "month",
		start: func(t time.Time) time.Time {
			u := t.UTC()
			return time.Date(u.Year(), u.Month(), 1, 0, 0, 0, 0, time.UTC)
		},
		next: func(start time.Time) time.Time { return start.AddDate(0, 1, 0) },
		near: 16 * time.Hour,
	}
	spans = []span{monthSpan, weekSpan}
)

// addPeriodGrades adds a graded answer to its user's week and month rows, in the grading
// transaction, as addGrade does for all time.
func addPeriodGrades(ctx context.Context, tx *txn, answerID int64, answeredAt time.Time, g bot.Grade) error {
	correct, judged := 0, 0
	if !g.Unjudged {
		judged = 1
		if g.Correct {
			correct = 1
		}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO period_totals (workspace_id, span, start_at, user_id, points, correct, judged, answers)
		SELECT a.workspace_id, p.span, p.start_at, a.user_id, CAST(? AS INTEGER), CAST(? AS INTEGER), CAST(? AS INTEGER), 1
		FROM answers a CROSS JOIN (SELECT 'week' AS span, CAST(? AS BIGINT) AS start_at
			UNION ALL SELECT 'month', CAST(? AS BIGINT)) p
		WHERE a.id = ?
		ON CONFLICT (workspace_id, span, start_at, user_id) DO UPDATE SET points = period_totals.points + excluded.points,
			correct = period_totals.correct + excluded.correct, judged = period_totals.judged + excluded.judged,
			answers = period_totals.answers + excluded.answers`,
		g.Points, correct, judged, millis(weekSpan.start(answeredAt)), millis(monthSpan.start(answeredAt)), answerID)
	return err
}

// rebuildPeriodTotals recomputes period_totals from the graded answers, with Go's bucket starts
// (the migration computes them in SQL; TestPeriodTotalsMigration checks the two agree).
func rebuildPeriodTotals(ctx context.Context, tx *txn) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM period_totals`); err != nil {
		return err
	}
	type key struct {
		ws, user int64
		span     string
		start    int64
	}
	type sums struct{ points, correct, judged, answers int64 }
	rows, err := tx.QueryContext(ctx, `SELECT workspace_id, user_id, answered_at, points, correct FROM answers WHERE graded = 1`)
	if err != nil {
		return err
	}
	totals := map[key]*sums{}
	var order []key
	for rows.Next() {
		var ws, user, at, points int64
		var correct sql.NullInt64 // NULL: graded without a right answer (design), not judged
		if err := rows.Scan(&ws, &user, &at, &points, &correct); err != nil {
			rows.Close()
			return err
		}
		judged := b2i(correct.Valid)
		for _, sp := range spans {
			k := key{ws, user, sp.name, millis(sp.start(fromMillis(at)))}
			s, ok := totals[k]
			if !ok {
				s = &sums{}
				totals[k] = s
				order = append(order, k)
			}
			s.points, s.correct, s.judged, s.answers = s.points+points, s.correct+correct.Int64, s.judged+int64(judged), s.answers+1
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, k := range order {
		s := totals[k]
		if _, err := tx.ExecContext(ctx, `INSERT INTO period_totals (workspace_id, span, start_at, user_id, points, correct, judged, answers)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, k.ws, k.span, k.start, k.user, s.points, s.correct, s.judged, s.answers); err != nil {
			return err
		}
	}
	return nil
}

// edge is a stretch of time whose graded answers a period read adds (sign 1) or takes away (-1).
type edge struct {
	from, to time.Time
	sign     int
}

// bucketsFor chooses the buckets that stand for [from, to): the first span whose bucket starts
// are near both ends, the buckets [start, end) and the two edge corrections. ok is false when no
// span fits (an arbitrary range): the caller then sums the answers.
func bucketsFor(from, to time.Time) (sp span, start, end time.Time, edges [2]edge, ok bool) {
	nearest := func(sp span, t time.Time) time.Time {
		s := sp.start(t)
		if n := sp.next(s); n.Sub(t) < t.Sub(s) {
			return n
		}
		return s
	}
	signed := func(a, b time.Time) edge { // answers in [a, b) if a < b are added, else [b, a) taken away
		if a.Before(b) {
			return edge{a, b, 1}
		}
		return edge{b, a, -1}
	}
	for _, sp := range spans {
		start, end = nearest(sp, from), nearest(sp, to)
		if !start.Before(end) || absDuration(from.Sub(start)) > sp.near || absDuration(to.Sub(end)) > sp.near {
			continue
		}
		// The buckets cover [start, end): add what the period has before start, take away what the
		// buckets have before from, and the same at the other end.
		return sp, start, end, [2]edge{signed(from, start), signed(end, to)}, true
	}
	return span{}, time.Time{}, time.Time{}, [2]edge{}, false
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// periodLeaderboard is Leaderboard for [from, to) read from period_totals; ok is false when the
// range fits no span.
func (d *DB) periodLeaderboard(ctx context.Context, workspaceID int64, from, to time.Time) ([]bot.Standing, bool, error) {
	sp, start, end, edges, ok := bucketsFor(from, to)
	if !ok {
		return nil, false, nil
	}
	edgeSelect := func(sign int) string {
		neg := ""
		if sign < 0 {
			neg = "-"
		}
		return `SELECT user_id, ` + neg + `SUM(points), ` + neg + `COALESCE(SUM(correct), 0), ` + neg + `COUNT(correct), ` + neg + `COUNT(*)
			FROM answers` + d.dialect.indexedBy("answers_leaderboard") + `
			WHERE workspace_id = ? AND graded = 1 AND answered_at >= ? AND answered_at < ? GROUP BY user_id`
	}
	// answers counts the graded answers, and a bonus counts as one, so that the period lists
	// exactly the users with an answer or a bonus in it, as summing the answers would.
	query := `SELECT u.external_id, u.name, SUM(s.points), SUM(s.correct), SUM(s.judged)
		FROM (SELECT user_id, points, correct, judged, answers FROM period_totals
			WHERE workspace_id = ? AND span = ? AND start_at >= ? AND start_at < ?
			UNION ALL ` + edgeSelect(edges[0].sign) + `
			UNION ALL ` + edgeSelect(edges[1].sign) + `
			UNION ALL SELECT user_id, SUM(points), 0, 0, 1 FROM bonuses
			WHERE workspace_id = ? AND awarded_at >= ? AND awarded_at < ? GROUP BY user_id) s
		JOIN users u ON u.id = s.user_id
		GROUP BY u.id, u.external_id, u.name
		HAVING SUM(s.answers) > 0` + d.dialect.standingsOrder("SUM(s.points)", "SUM(s.correct)")
	args := []any{workspaceID, sp.name, millis(start), millis(end),
		workspaceID, millis(edges[0].from), millis(edges[0].to),
		workspaceID, millis(edges[1].from), millis(edges[1].to),
		workspaceID, millis(from), millis(to)}
	standings, err := queryAll(ctx, d.db, scanStanding, query, args...)
	return standings, true, err
}
