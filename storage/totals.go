package storage

import (
	"context"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

// This file keeps the all-time leaderboard totals (migration 0005; bonuses from 0008) and reads
// leaderboards.

// addGrade adds one graded answer to its user's totals, in the grading transaction: the totals
// never hold a grade the answers do not, nor miss one they do.
func addGrade(ctx context.Context, tx *txn, answerID int64, g bot.Grade) error {
	correct, judged := 0, 0
	if !g.Unjudged {
		judged = 1
		if g.Correct {
			correct = 1
		}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO user_totals (workspace_id, user_id, points, correct, judged)
		SELECT workspace_id, user_id, CAST(? AS INTEGER), CAST(? AS INTEGER), CAST(? AS INTEGER) FROM answers WHERE id = ?
		ON CONFLICT (workspace_id, user_id) DO UPDATE SET points = user_totals.points + excluded.points,
			correct = user_totals.correct + excluded.correct, judged = user_totals.judged + excluded.judged`,
		g.Points, correct, judged, answerID)
	return err
}

// rebuildTotals recomputes the totals from the graded answers: for tests (which check that nothing
// drifted) and for fixtures that write answers directly.
func (d *DB) rebuildTotals(ctx context.Context) error {
	return d.inTx(ctx, func(tx *txn) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM user_totals`); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO user_totals (workspace_id, user_id, points, correct, judged)
			SELECT workspace_id, user_id, SUM(points), SUM(correct), SUM(judged) FROM (
				SELECT workspace_id, user_id, SUM(points) AS points, COALESCE(SUM(correct), 0) AS correct, COUNT(correct) AS judged
				FROM answers WHERE graded = 1 GROUP BY workspace_id, user_id
				UNION ALL
				SELECT workspace_id, user_id, SUM(points), 0, 0 FROM bonuses GROUP BY workspace_id, user_id
			) graded GROUP BY workspace_id, user_id`)
		if err != nil {
			return err
		}
		return rebuildPeriodTotals(ctx, tx)
	})
}

// Leaderboard ranks everyone with a graded answer or a bonus in [from, to), best first. All time
// is one row per user from user_totals; a week or month reads period_totals
// (period_totals.go); any other range sums the covering answers_leaderboard index over its time.
func (d *DB) Leaderboard(ctx context.Context, workspaceID int64, from, to time.Time) ([]bot.Standing, error) {
	if !allTime(from, to) {
		if standings, ok, err := d.periodLeaderboard(ctx, workspaceID, from, to); ok {
			return standings, err
		}
	}
	query := `SELECT u.external_id, u.name, t.points, t.correct, t.judged
		FROM user_totals t JOIN users u ON u.id = t.user_id
		WHERE t.workspace_id = ?` + d.dialect.standingsOrder("t.points", "t.correct")
	args := []any{workspaceID}
	if !allTime(from, to) {
		// Best-explanation bonuses count in the period their vote closed (bonuses_by_time).
		query = `SELECT u.external_id, u.name, SUM(s.points), SUM(s.correct), SUM(s.judged)
		FROM (SELECT user_id, SUM(points) AS points, COALESCE(SUM(correct), 0) AS correct, COUNT(correct) AS judged
			FROM answers` + d.dialect.indexedBy("answers_leaderboard") + `
			WHERE workspace_id = ? AND graded = 1 AND answered_at >= ? AND answered_at < ? GROUP BY user_id
			UNION ALL
			SELECT user_id, SUM(points), 0, 0 FROM bonuses
			WHERE workspace_id = ? AND awarded_at >= ? AND awarded_at < ? GROUP BY user_id) s
		JOIN users u ON u.id = s.user_id
		GROUP BY u.id, u.external_id, u.name` + d.dialect.standingsOrder("SUM(s.points)", "SUM(s.correct)")
		args = append(args, millis(from), millis(to), workspaceID, millis(from), millis(to))
	}
	return queryAll(ctx, d.db, scanStanding, query, args...)
}

// standingsOrder is a leaderboard's ORDER BY: most points, then most correct, then by name, and
// last by the platform's user id, so that players tied on all three (two "alex"es) keep one order
// from read to read and on both backends; migrate-store compares leaderboards row by row.
func (dl dialect) standingsOrder(points, correct string) string {
	return "\n\t\tORDER BY " + points + " DESC, " + correct + " DESC, u.name" + dl.bytewise() + ", u.external_id" + dl.bytewise()
}

// scanStanding reads a row of external id, name, points, correct, judged.
func scanStanding(row scanner) (bot.Standing, error) {
	var s bot.Standing
	err := row.Scan(&s.User.ID, &s.User.Name, &s.Points, &s.Correct, &s.Judged)
	return s, err
}
