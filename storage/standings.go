package storage

import (
	"context"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

// allTime reports whether [from, to) is the core's all-time range (bot.AllTime).
func allTime(from, to time.Time) bool { return bot.IsAllTime(from, to) }

// maxStreakDays bounds how far back a streak is counted; the core's bound, so /pyq me agrees.
const maxStreakDays = bot.MaxStreakDays

// questionDays lists the workspace's days with a closed question, newest first, up to and including
// through (all of them when through is empty).
func questionDays(ctx context.Context, q querier, workspaceID int64, through string) ([]string, error) {
	if through == "" {
		through = "9999-12-31"
	}
	return queryAll(ctx, q, scanString, `SELECT DISTINCT day FROM posts
		WHERE workspace_id = ? AND closed_at IS NOT NULL AND day <= ? ORDER BY day DESC LIMIT ?`,
		workspaceID, through, maxStreakDays)
}

// answeredDays is the set of question days on which the user answered a team question.
func answeredDays(ctx context.Context, q querier, workspaceID int64, userID, through string) (map[string]bool, error) {
	if through == "" {
		through = "9999-12-31"
	}
	days, err := queryAll(ctx, q, scanString, `SELECT DISTINCT p.day FROM answers a
		JOIN users u ON u.id = a.user_id JOIN posts p ON p.id = a.post_id
		WHERE u.workspace_id = ? AND u.external_id = ? AND p.day <= ? ORDER BY p.day DESC LIMIT ?`,
		workspaceID, userID, through, maxStreakDays)
	if err != nil {
		return nil, err
	}
	return setOf(days), nil
}

// Streak is the user's current run of answered question days, counting revealed questions only.
func (d *DB) Streak(ctx context.Context, workspaceID int64, userID string) (int, error) {
	days, err := questionDays(ctx, d.db, workspaceID, "")
	if err != nil {
		return 0, err
	}
	answered, err := answeredDays(ctx, d.db, workspaceID, userID, "")
	if err != nil {
		return 0, err
	}
	return bot.StreakLength(days, answered), nil
}

// UserStats sums a user's graded team answers and practice answers in the workspace. Design
// questions earn points but have no right answer, so they stay out of accuracy, as do answers to a
// question withdrawn from the bank while open (correct NULL too, bot/withdrawn.go).
func (d *DB) UserStats(ctx context.Context, workspaceID int64, userID string, unjudged []bot.Kind) (bot.UserStats, error) {
	var st bot.UserStats
	judged, kinds := kindNotIn("p.kind", unjudged)
	prJudged, _ := kindNotIn("pr.kind", unjudged)
	err := d.db.QueryRowContext(ctx, `SELECT COALESCE(SUM(a.points) FILTER (WHERE a.graded = 1), 0),
		COUNT(*) FILTER (WHERE a.graded = 1), COUNT(a.correct) FILTER (WHERE a.graded = 1),
		COALESCE(SUM(a.correct) FILTER (WHERE a.graded = 1), 0), COUNT(*) FILTER (WHERE a.graded = 0)
		FROM answers a JOIN users u ON u.id = a.user_id
		WHERE u.workspace_id = ? AND u.external_id = ?`, workspaceID, userID).
		Scan(&st.Points, &st.Answered, &st.Judged, &st.Correct, &st.Pending)
	if err != nil {
		return st, err
	}
	var bonus int
	if err := d.db.QueryRowContext(ctx, `SELECT COALESCE(SUM(b.points), 0) FROM bonuses b JOIN users u ON u.id = b.user_id
		WHERE u.workspace_id = ? AND u.external_id = ?`, workspaceID, userID).Scan(&bonus); err != nil {
		return st, err
	}
	st.Points += bonus // best-explanation bonuses are points like any other
	err = d.db.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(*) FILTER (WHERE `+judged+`),
		COALESCE(SUM(p.correct) FILTER (WHERE `+judged+`), 0)
		FROM practice p JOIN users u ON u.id = p.user_id
		WHERE u.workspace_id = ? AND u.external_id = ? AND p.answered_at IS NOT NULL`,
		append(append(append([]any{}, kinds...), kinds...), workspaceID, userID)...).
		Scan(&st.PracticeAnswered, &st.PracticeJudged, &st.PracticeCorrect)
	if err != nil {
		return st, err
	}
	st.Topics, err = queryAll(ctx, d.db, func(row scanner) (bot.TopicStat, error) {
		var t bot.TopicStat
		err := row.Scan(&t.Topic, &t.Answered, &t.Correct)
		return t, err
	}, `SELECT topic, COUNT(*), SUM(correct) FROM (
			SELECT p.topic AS topic, a.correct AS correct FROM answers a
			JOIN users u ON u.id = a.user_id JOIN posts p ON p.id = a.post_id
			WHERE u.workspace_id = ? AND u.external_id = ? AND a.graded = 1 AND a.correct IS NOT NULL AND `+judged+`
			UNION ALL
			SELECT pr.topic, pr.correct FROM practice pr JOIN users u ON u.id = pr.user_id
			WHERE u.workspace_id = ? AND u.external_id = ? AND pr.answered_at IS NOT NULL AND `+prJudged+`
		) topics GROUP BY topic ORDER BY topic`+d.dialect.bytewise(),
		append(append(append([]any{workspaceID, userID}, kinds...), workspaceID, userID), kinds...)...)
	return st, err
}
