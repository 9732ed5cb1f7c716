package storage

import (
	"context"
	"database/sql"
	"strings"

	"github.com/pyqbot/pyqbot/bot"
)

// Attempts lists every question the user answered or was asked in the workspace, oldest first:
// graded team answers, and practice questions (asked, answered or not). Adaptive practice reads it.
func (d *DB) Attempts(ctx context.Context, workspaceID int64, userID string, unjudged []bot.Kind) ([]bot.Attempt, error) {
	judged, kinds := kindNotIn("pr.kind", unjudged)
	args := append(append([]any{workspaceID, userID}, kinds...), workspaceID, userID)
	return queryAll(ctx, d.db, func(row scanner) (bot.Attempt, error) {
		var a bot.Attempt
		var at int64
		var judged, correct, answered sql.NullBool
		if err := row.Scan(&a.QuestionID, &a.Topic, &judged, &correct, &answered, &at); err != nil {
			return a, err
		}
		a.Judged, a.Correct, a.Answered, a.At = judged.Bool, correct.Bool, answered.Bool, fromMillis(at)
		return a, nil
	}, `SELECT question_id, topic, judged, correct, answered, at FROM (
			SELECT p.question_id AS question_id, p.topic AS topic, a.correct IS NOT NULL AS judged,
				COALESCE(a.correct, 0) AS correct, TRUE AS answered, a.answered_at AS at
			FROM answers a JOIN users u ON u.id = a.user_id JOIN posts p ON p.id = a.post_id
			WHERE u.workspace_id = ? AND u.external_id = ? AND a.graded = 1
			UNION ALL
			SELECT pr.question_id, pr.topic, pr.answered_at IS NOT NULL AND `+judged+`,
				pr.correct, pr.answered_at IS NOT NULL, COALESCE(pr.answered_at, pr.asked_at)
			FROM practice pr JOIN users u ON u.id = pr.user_id
			WHERE u.workspace_id = ? AND u.external_id = ?
		) attempts ORDER BY at`, args...)
}

// kindNotIn is the SQL condition "col is none of kinds" (TRUE for none) and its arguments: the core
// says which kinds are unjudged (bot.UnjudgedKinds), the store only filters.
func kindNotIn(col string, kinds []bot.Kind) (string, []any) {
	if len(kinds) == 0 {
		return "TRUE", nil
	}
	args := make([]any, len(kinds))
	for i, k := range kinds {
		args[i] = string(k)
	}
	return col + " NOT IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(kinds)), ", ") + ")", args
}
