package storage

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

// SaveInstall stores the workspace's install and resumes its schedules, in one transaction, so a
// reinstall never leaves a workspace with a token but paused, or playing without one.
func (d *DB) SaveInstall(ctx context.Context, in bot.Install) error {
	return d.inTx(ctx, func(tx *txn) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO installs (platform, workspace, name, bot_user, sealed, installed_at)
			VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (platform, workspace) DO UPDATE SET name = excluded.name, bot_user = excluded.bot_user,
				sealed = excluded.sealed, installed_at = excluded.installed_at`,
			in.Platform, in.Workspace, in.Name, in.BotUser, in.Sealed, millis(in.InstalledAt)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE workspaces SET paused_at = 0 WHERE platform = ? AND external_id = ?`,
			in.Platform, in.Workspace)
		return err
	})
}

// Install returns the workspace's install, bot.ErrNotFound when there is none.
func (d *DB) Install(ctx context.Context, platform, workspace string) (bot.Install, error) {
	in := bot.Install{Platform: platform, Workspace: workspace}
	var at int64
	err := d.db.QueryRowContext(ctx, `SELECT name, bot_user, sealed, installed_at FROM installs
		WHERE platform = ? AND workspace = ?`, platform, workspace).Scan(&in.Name, &in.BotUser, &in.Sealed, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return bot.Install{}, bot.ErrNotFound
	}
	if err != nil {
		return bot.Install{}, err
	}
	in.InstalledAt = fromMillis(at)
	return in, nil
}

// RemoveInstall deletes the credentials and pauses the workspace's schedules; its channels, answers
// and schedules stay for a reinstall.
func (d *DB) RemoveInstall(ctx context.Context, platform, workspace string, at time.Time) (bool, error) {
	var removed bool
	err := d.inTx(ctx, func(tx *txn) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM installs WHERE platform = ? AND workspace = ?`, platform, workspace)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		removed = n > 0
		// Paused even without an install row: a revoked fixed token must not keep posting either.
		_, err = tx.ExecContext(ctx, `UPDATE workspaces SET paused_at = ? WHERE platform = ? AND external_id = ? AND paused_at = 0`,
			millis(at), platform, workspace)
		return err
	})
	return removed, err
}
