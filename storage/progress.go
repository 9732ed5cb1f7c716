package storage

import (
	"context"
	"database/sql"
	"errors"

	"github.com/pyqbot/pyqbot/bot"
)

// QuestionDays lists the workspace's days with a revealed question, newest first, with the user's
// answers on each. A day counts as answered when any of its questions was answered, closed or
// still open (a debugging challenge open on the day of a revealed daily question), as the streak
// rule in answeredDays has it. An answer to a question withdrawn from the bank while open (graded,
// correct NULL, no points: bot/withdrawn.go) is answered but neither graded right nor wrong here.
func (d *DB) QuestionDays(ctx context.Context, workspaceID int64, userID string, limit int) ([]bot.DayResult, error) {
	return queryAll(ctx, d.db, func(row scanner) (bot.DayResult, error) {
		var r bot.DayResult
		if err := row.Scan(&r.Day, &r.Answered, &r.Graded, &r.Right, &r.Scored); err != nil {
			return r, err
		}
		return r, nil
	}, `SELECT p.day, COUNT(a.id),
			COUNT(a.id) FILTER (WHERE a.graded = 1 AND (a.correct IS NOT NULL OR a.points > 0)),
			COUNT(a.id) FILTER (WHERE a.graded = 1 AND (a.correct = 1 OR a.correct IS NULL AND a.points > 0)),
			COUNT(a.id) FILTER (WHERE a.graded = 1 AND a.points > 0)
		FROM posts p LEFT JOIN answers a ON a.post_id = p.id
			AND a.user_id = (SELECT id FROM users WHERE workspace_id = ? AND external_id = ?)
		WHERE p.workspace_id = ?
		GROUP BY p.day HAVING COUNT(p.closed_at) > 0
		ORDER BY p.day DESC LIMIT ?`, workspaceID, userID, workspaceID, limit)
}

// LastTeamChannel is the channel of the team question the user answered last in the workspace.
func (d *DB) LastTeamChannel(ctx context.Context, workspaceID int64, userID string) (bot.Channel, error) {
	var conv bot.Conversation
	err := d.db.QueryRowContext(ctx, `SELECT w.platform, w.external_id, c.external_id
		FROM users u JOIN channels c ON c.id = (`+lastTeamChannelID+`) JOIN workspaces w ON w.id = c.workspace_id
		WHERE u.workspace_id = ? AND u.external_id = ?`, workspaceID, userID).
		Scan(&conv.Platform, &conv.Workspace, &conv.Channel)
	if errors.Is(err, sql.ErrNoRows) {
		return bot.Channel{}, bot.ErrNotFound
	}
	if err != nil {
		return bot.Channel{}, err
	}
	return d.channel(ctx, d.db, conv)
}
