package storage

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

// CreateReport records a report; the reports_one_open index refuses a second open one by the same
// user on the same question, which comes back as ErrAlreadyReported.
func (d *DB) CreateReport(ctx context.Context, workspaceID int64, r bot.Report) (bot.Report, error) {
	err := d.inTx(ctx, func(tx *txn) error {
		userID, err := upsertUser(ctx, tx, workspaceID, r.User, millis(r.CreatedAt))
		if err != nil {
			return err
		}
		var post any
		if r.PostID > 0 {
			post = r.PostID
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO reports (workspace_id, question_id, post_id, user_id, text, created_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (workspace_id, question_id, user_id) WHERE cleared_at IS NULL DO NOTHING
			RETURNING id`, workspaceID, r.QuestionID, post, userID, r.Text, millis(r.CreatedAt)).Scan(&r.ID)
		if errors.Is(err, sql.ErrNoRows) {
			return bot.ErrAlreadyReported
		}
		return err
	})
	return r, err
}

const reportSelect = `SELECT r.id, r.question_id, COALESCE(r.post_id, 0), u.external_id, u.name, r.text, r.created_at,
	r.cleared_at, COALESCE(r.cleared_by, '') FROM reports r JOIN users u ON u.id = r.user_id`

func scanReport(s interface{ Scan(...any) error }) (bot.Report, error) {
	var r bot.Report
	var created int64
	var cleared sql.NullInt64
	err := s.Scan(&r.ID, &r.QuestionID, &r.PostID, &r.User.ID, &r.User.Name, &r.Text, &created, &cleared, &r.ClearedBy)
	r.CreatedAt, r.ClearedAt = fromMillis(created), nullMillis(cleared)
	return r, err
}

// OpenReports lists the workspace's open reports, oldest first.
func (d *DB) OpenReports(ctx context.Context, workspaceID int64) ([]bot.Report, error) {
	return queryAll(ctx, d.db, scanReport, reportSelect+` WHERE r.workspace_id = ? AND r.cleared_at IS NULL
		ORDER BY r.created_at, r.id`, workspaceID)
}

// ClearReport closes one open report of the workspace. ErrNotFound when it has no open report id.
func (d *DB) ClearReport(ctx context.Context, workspaceID, id int64, by string, at time.Time) (bot.Report, error) {
	var r bot.Report
	err := d.inTx(ctx, func(tx *txn) error {
		res, err := tx.ExecContext(ctx, `UPDATE reports SET cleared_at = ?, cleared_by = ?
			WHERE id = ? AND workspace_id = ? AND cleared_at IS NULL`, millis(at), by, id, workspaceID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return bot.ErrNotFound
		}
		r, err = scanReport(tx.QueryRowContext(ctx, reportSelect+` WHERE r.id = ?`, id))
		return err
	})
	return r, err
}

// ReportedQuestions lists the questions with at least min open reports in the workspace.
func (d *DB) ReportedQuestions(ctx context.Context, workspaceID int64, min int) (map[string]bool, error) {
	ids, err := queryAll(ctx, d.db, scanString, `SELECT question_id FROM reports WHERE workspace_id = ? AND cleared_at IS NULL
		GROUP BY question_id HAVING COUNT(*) >= ?`, workspaceID, min)
	if err != nil {
		return nil, err
	}
	return setOf(ids), nil
}
