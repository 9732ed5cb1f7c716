package storage

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

// CreatePractice stores a private question asked to a user.
func (d *DB) CreatePractice(ctx context.Context, p bot.Practice) (bot.Practice, error) {
	err := d.inTx(ctx, func(tx *txn) error {
		userID, err := upsertUser(ctx, tx, p.WorkspaceID, p.User, millis(p.AskedAt))
		if err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `INSERT INTO practice (workspace_id, user_id, question_id, topic, kind, asked_at, choice_order, review)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			p.WorkspaceID, userID, p.QuestionID, p.Topic, string(p.Kind), millis(p.AskedAt), strings.Join(p.Order, ","), b2i(p.Review)).Scan(&p.ID)
	})
	return p, err
}

// Practice returns one practice question.
func (d *DB) Practice(ctx context.Context, id int64) (bot.Practice, error) {
	var p bot.Practice
	var kind, keys, order string
	var asked int64
	var answered sql.NullInt64
	err := d.db.QueryRowContext(ctx, `SELECT p.id, p.workspace_id, u.external_id, u.name, p.question_id, p.topic,
		p.kind, p.asked_at, p.answered_at, p.keys, p.correct, p.choice_order, p.review
		FROM practice p JOIN users u ON u.id = p.user_id WHERE p.id = ?`, id).
		Scan(&p.ID, &p.WorkspaceID, &p.User.ID, &p.User.Name, &p.QuestionID, &p.Topic, &kind, &asked, &answered, &keys, &p.Correct, &order, &p.Review)
	if errors.Is(err, sql.ErrNoRows) {
		return p, bot.ErrNotFound
	}
	p.Kind, p.AskedAt, p.AnsweredAt, p.Keys, p.Order = bot.Kind(kind), fromMillis(asked), nullMillis(answered), splitList(keys), splitList(order)
	return p, err
}

// AnswerPractice records the answer; the first one counts.
func (d *DB) AnswerPractice(ctx context.Context, id int64, keys []string, correct bool, at time.Time) (bot.Practice, error) {
	err := d.inTx(ctx, func(tx *txn) error {
		res, err := tx.ExecContext(ctx, `UPDATE practice SET answered_at = ?, keys = ?, correct = ?
			WHERE id = ? AND answered_at IS NULL`, millis(at), strings.Join(keys, ","), b2i(correct), id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			if _, err := d.Practice(ctx, id); err != nil {
				return err
			}
			return bot.ErrAlreadyAnswered
		}
		return nil
	})
	if err != nil {
		return bot.Practice{}, err
	}
	// Committed: a request that ends now must not turn into "nothing was recorded".
	return d.Practice(context.WithoutCancel(ctx), id)
}
