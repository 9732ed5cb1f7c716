package storage

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

// UpdateReview runs next on the user's review of a question inside one write transaction, so two
// answers graded at once cannot both read the old box.
func (d *DB) UpdateReview(ctx context.Context, workspaceID int64, user bot.User, questionID string, at time.Time,
	next func(r bot.Review, found bool) (bot.Review, bool)) error {
	return d.inTx(ctx, func(tx *txn) error {
		userID, err := upsertUser(ctx, tx, workspaceID, user, millis(at))
		if err != nil {
			return err
		}
		r := bot.Review{QuestionID: questionID}
		var due, missed int64
		err = tx.QueryRowContext(ctx, `SELECT box, due_at, missed_at, mastered FROM reviews
			WHERE user_id = ? AND question_id = ?`, userID, questionID).Scan(&r.Box, &due, &missed, &r.Mastered)
		found := err == nil
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if found {
			r.DueAt, r.MissedAt = fromMillis(due), fromMillis(missed)
		}
		r, save := next(r, found)
		if !save {
			return nil
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO reviews (user_id, question_id, box, due_at, missed_at, mastered)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, question_id) DO UPDATE SET
			box = excluded.box, due_at = excluded.due_at, missed_at = excluded.missed_at, mastered = excluded.mastered`,
			userID, questionID, r.Box, millis(r.DueAt), millis(r.MissedAt), b2i(r.Mastered))
		return err
	})
}

// DueReviews lists the user's reviews due at or before at, oldest due first.
func (d *DB) DueReviews(ctx context.Context, workspaceID int64, userID string, at time.Time) ([]bot.Review, error) {
	return queryAll(ctx, d.db, func(row scanner) (bot.Review, error) {
		var r bot.Review
		var due, missed int64
		if err := row.Scan(&r.QuestionID, &r.Box, &due, &missed); err != nil {
			return r, err
		}
		r.DueAt, r.MissedAt = fromMillis(due), fromMillis(missed)
		return r, nil
	}, `SELECT r.question_id, r.box, r.due_at, r.missed_at FROM reviews r
		JOIN users u ON u.id = r.user_id
		WHERE u.workspace_id = ? AND u.external_id = ? AND r.mastered = 0 AND r.due_at <= ?
		ORDER BY r.due_at, r.question_id`+d.dialect.bytewise(), workspaceID, userID, millis(at))
}

// ReviewCounts counts the user's queue: due at or before dueBy, waiting after it, and mastered.
func (d *DB) ReviewCounts(ctx context.Context, workspaceID int64, userID string, dueBy time.Time) (bot.ReviewCounts, error) {
	var c bot.ReviewCounts
	err := d.db.QueryRowContext(ctx, `SELECT
		COUNT(*) FILTER (WHERE r.mastered = 0 AND r.due_at <= ?),
		COUNT(*) FILTER (WHERE r.mastered = 0 AND r.due_at > ?),
		COUNT(*) FILTER (WHERE r.mastered = 1)
		FROM reviews r JOIN users u ON u.id = r.user_id WHERE u.workspace_id = ? AND u.external_id = ?`,
		millis(dueBy), millis(dueBy), workspaceID, userID).Scan(&c.Due, &c.Waiting, &c.Mastered)
	return c, err
}
