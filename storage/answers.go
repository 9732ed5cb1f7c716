package storage

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

// RecordAnswer commits the first answer of a user to an open question.
func (d *DB) RecordAnswer(ctx context.Context, a bot.Answer) (bot.Answer, error) {
	if d.dialect == sqliteDialect {
		return d.answers.record(ctx, d, a) // grouped with the answers arriving meanwhile (answer_batch.go)
	}
	in := a
	err := d.inTx(ctx, func(tx *txn) error {
		a = in // a retried transaction starts from the answer given
		var err error
		a, err = recordAnswerIn(ctx, tx, a)
		return err
	})
	return a, err
}

// recordAnswerIn records a in tx: the first answer, or bot.ErrAlreadyAnswered with it; ErrClosed
// or ErrNotFound when the question takes no answers. On any error the caller rolls back what it wrote.
func recordAnswerIn(ctx context.Context, tx *txn, a bot.Answer) (bot.Answer, error) {
	var workspaceID int64
	var closed sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT workspace_id, closed_at FROM posts WHERE id = ?`, a.PostID).Scan(&workspaceID, &closed)
	if errors.Is(err, sql.ErrNoRows) {
		return a, bot.ErrNotFound
	}
	if err != nil {
		return a, err
	}
	if closed.Valid {
		return a, bot.ErrClosed
	}
	userID, err := upsertUser(ctx, tx, workspaceID, a.User, millis(a.AnsweredAt))
	if err != nil {
		return a, err
	}
	// RETURNING gives the new id on both dialects (PostgreSQL has no last_insert_rowid) and no
	// row when the user had answered already.
	err = tx.QueryRowContext(ctx, `INSERT INTO answers (post_id, workspace_id, user_id, keys, text, reason, answered_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (post_id, user_id) DO NOTHING RETURNING id`,
		a.PostID, workspaceID, userID, strings.Join(a.Keys, ","), a.Text, a.Reason, millis(a.AnsweredAt)).Scan(&a.ID)
	if err == nil {
		return a, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return a, err
	}
	// The contract returns the first answer with ErrAlreadyAnswered.
	rows, err := tx.QueryContext(ctx, answerSelect+` WHERE a.post_id = ? AND a.user_id = ?`, a.PostID, userID)
	if err != nil {
		return a, err
	}
	first, err := scanAnswers(rows)
	if err != nil {
		return a, err
	}
	if len(first) == 1 {
		a = first[0]
	}
	return a, bot.ErrAlreadyAnswered
}

const answerSelect = `SELECT a.id, a.post_id, u.external_id, u.name, a.keys, a.text, a.reason, a.answered_at, a.graded, a.correct, a.points
	FROM answers a JOIN users u ON u.id = a.user_id`

func scanAnswers(rows *sql.Rows) ([]bot.Answer, error) {
	defer rows.Close()
	var out []bot.Answer
	for rows.Next() {
		var a bot.Answer
		var keys string
		var at int64
		var correct sql.NullBool
		if err := rows.Scan(&a.ID, &a.PostID, &a.User.ID, &a.User.Name, &keys, &a.Text, &a.Reason, &at, &a.Graded, &correct, &a.Points); err != nil {
			return nil, err
		}
		a.Correct = correct.Valid && correct.Bool
		a.Unjudged = a.Graded && !correct.Valid
		a.Keys, a.AnsweredAt = splitList(keys), fromMillis(at)
		out = append(out, a)
	}
	return out, rows.Err()
}

// CountAnswers is how many have answered the post; it reads the (post_id, user_id) unique index only.
func (d *DB) CountAnswers(ctx context.Context, postID int64) (int, error) {
	var n int
	err := d.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM answers WHERE post_id = ?`, postID).Scan(&n)
	return n, err
}

// Answers lists a post's answers in the order they came.
func (d *DB) Answers(ctx context.Context, postID int64) ([]bot.Answer, error) {
	rows, err := d.db.QueryContext(ctx, answerSelect+` WHERE a.post_id = ? ORDER BY a.answered_at, a.id`, postID)
	if err != nil {
		return nil, err
	}
	return scanAnswers(rows)
}

// CloseAndGrade closes the post and grades its answers in one transaction, so an answer either
// lands before the close and is graded, or is refused as late: never recorded and ungraded.
func (d *DB) CloseAndGrade(ctx context.Context, postID int64, at time.Time, grade bot.GradeFunc) ([]bot.Answer, error) {
	var graded []bot.Answer
	err := d.inTx(ctx, func(tx *txn) error {
		graded = nil // a retried transaction grades from scratch
		var workspaceID int64
		var day string
		err := tx.QueryRowContext(ctx, `UPDATE posts SET closed_at = ? WHERE id = ? AND closed_at IS NULL
			RETURNING workspace_id, day`, millis(at), postID).Scan(&workspaceID, &day)
		if errors.Is(err, sql.ErrNoRows) {
			if _, err := d.postIn(ctx, tx, postID); err != nil {
				return err
			}
			return bot.ErrClosed
		}
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, answerSelect+` WHERE a.post_id = ? ORDER BY a.answered_at, a.id`, postID)
		if err != nil {
			return err
		}
		answers, err := scanAnswers(rows)
		if err != nil {
			return err
		}
		days, err := questionDays(ctx, tx, workspaceID, day)
		if err != nil {
			return err
		}
		for _, a := range answers {
			answered, err := answeredDays(ctx, tx, workspaceID, a.User.ID, day)
			if err != nil {
				return err
			}
			g := grade(a, bot.StreakLength(days, answered))
			var correct any = b2i(g.Correct)
			if g.Unjudged {
				correct = nil // COUNT(correct) then leaves it out of accuracy
			}
			if _, err := tx.ExecContext(ctx, `UPDATE answers SET graded = 1, correct = ?, points = ? WHERE id = ?`,
				correct, g.Points, a.ID); err != nil {
				return err
			}
			if err := addGrade(ctx, tx, a.ID, g); err != nil {
				return err
			}
			a.Graded, a.Correct, a.Unjudged, a.Points = true, g.Correct, g.Unjudged, g.Points
			graded = append(graded, a)
		}
		return nil
	})
	return graded, err
}

func (d *DB) postIn(ctx context.Context, q querier, postID int64) (bot.PostedQuestion, error) {
	p, err := scanPost(q.QueryRowContext(ctx, `SELECT `+postColumns+` FROM posts WHERE id = ?`, postID))
	if errors.Is(err, sql.ErrNoRows) {
		return p, bot.ErrNotFound
	}
	return p, err
}
