package storage

import (
	"context"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

// RecordProblem keeps a problem around a channel's posts for admins to see.
func (d *DB) RecordProblem(ctx context.Context, channelID int64, at time.Time, text string) error {
	return d.exec(ctx, `INSERT INTO channel_problems (channel_id, at, text) VALUES (?, ?, ?)`,
		channelID, millis(at), text)
}

// Problems lists the channel's problems since `since`, oldest first.
func (d *DB) Problems(ctx context.Context, channelID int64, since time.Time) ([]bot.ChannelProblem, error) {
	return queryAll(ctx, d.db, func(row scanner) (bot.ChannelProblem, error) {
		var p bot.ChannelProblem
		var at int64
		if err := row.Scan(&at, &p.Text); err != nil {
			return p, err
		}
		p.At = fromMillis(at)
		return p, nil
	}, `SELECT at, text FROM channel_problems
		WHERE channel_id = ? AND at >= ? ORDER BY at, id`, channelID, millis(since))
}
