package storage

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"github.com/pyqbot/pyqbot/bot"
)

// This file keeps rubric self-checks (migration 0013). The rules are the core's (bot/rubric.go).

// SetRubricCheck records an answer's check, replacing an earlier one in the same statement.
func (d *DB) SetRubricCheck(ctx context.Context, c bot.RubricCheck) error {
	return d.exec(ctx, `INSERT INTO rubric_checks (answer_id, post_id, items, total, checked_at)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (answer_id) DO UPDATE SET items = excluded.items, total = excluded.total, checked_at = excluded.checked_at`,
		c.AnswerID, c.PostID, joinItems(c.Items), c.Total, millis(c.CheckedAt))
}

const checkColumns = `c.post_id, c.answer_id, c.items, c.total, c.checked_at`

func scanCheck(row interface{ Scan(...any) error }) (bot.RubricCheck, error) {
	var c bot.RubricCheck
	var items string
	var at int64
	if err := row.Scan(&c.PostID, &c.AnswerID, &items, &c.Total, &at); err != nil {
		return c, err
	}
	c.CheckedAt = fromMillis(at)
	for _, s := range splitList(items) {
		n, err := strconv.Atoi(s)
		if err != nil {
			return c, errors.New("rubric_checks.items holds " + strconv.Quote(items) + ", not item numbers")
		}
		c.Items = append(c.Items, n)
	}
	return c, nil
}

// RubricCheck returns an answer's check; bot.ErrNotFound when it has none.
func (d *DB) RubricCheck(ctx context.Context, answerID int64) (bot.RubricCheck, error) {
	c, err := scanCheck(d.db.QueryRowContext(ctx, `SELECT `+checkColumns+` FROM rubric_checks c WHERE c.answer_id = ?`, answerID))
	if errors.Is(err, sql.ErrNoRows) {
		return bot.RubricCheck{}, bot.ErrNotFound
	}
	return c, err
}

// RubricChecks lists the user's checks in the workspace, oldest question first.
func (d *DB) RubricChecks(ctx context.Context, workspaceID int64, userID string) ([]bot.RubricCheck, error) {
	return queryAll(ctx, d.db, scanCheck, `SELECT `+checkColumns+` FROM rubric_checks c
		JOIN answers a ON a.id = c.answer_id JOIN users u ON u.id = a.user_id
		WHERE u.workspace_id = ? AND u.external_id = ? ORDER BY c.post_id`, workspaceID, userID)
}

// LastAnsweredReveal is the newest closed post of kind in the channel that the user answered;
// bot.ErrNotFound when there is none.
func (d *DB) LastAnsweredReveal(ctx context.Context, channelID int64, userID string, kind bot.Kind) (int64, error) {
	var id int64
	err := d.db.QueryRowContext(ctx, `SELECT p.id FROM posts p
		JOIN answers a ON a.post_id = p.id JOIN users u ON u.id = a.user_id
		WHERE p.channel_id = ? AND p.kind = ? AND p.closed_at IS NOT NULL AND u.external_id = ?
		ORDER BY p.id DESC LIMIT 1`, channelID, string(kind), userID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, bot.ErrNotFound
	}
	return id, err
}

func joinItems(items []int) string {
	words := make([]string, len(items))
	for i, n := range items {
		words[i] = strconv.Itoa(n)
	}
	return strings.Join(words, ",")
}
