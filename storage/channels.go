package storage

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

// EnsureChannel reads the channel, creating it (and its workspace) with zone on first sight. The
// common case is a plain read, so commands do not queue behind the write lock.
func (d *DB) EnsureChannel(ctx context.Context, conv bot.Conversation, zone string) (bot.Channel, error) {
	ch, err := d.channel(ctx, d.db, conv)
	if err == nil || !errors.Is(err, bot.ErrNotFound) {
		return ch, err
	}
	err = d.inTx(ctx, func(tx *txn) error {
		now := millis(d.Now())
		if _, err := tx.ExecContext(ctx, `INSERT INTO workspaces (platform, external_id, created_at) VALUES (?, ?, ?)
			ON CONFLICT (platform, external_id) DO NOTHING`, conv.Platform, conv.Workspace, now); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO channels (workspace_id, external_id, timezone, created_at)
			SELECT id, CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS BIGINT) FROM workspaces WHERE platform = ? AND external_id = ?
			ON CONFLICT (workspace_id, external_id) DO NOTHING`,
			conv.Channel, zone, now, conv.Platform, conv.Workspace)
		return err
	})
	if err != nil {
		return bot.Channel{}, err
	}
	return d.channel(ctx, d.db, conv)
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func (d *DB) channel(ctx context.Context, q querier, conv bot.Conversation) (bot.Channel, error) {
	ch := bot.Channel{Conv: conv}
	err := scanChannel(q.QueryRowContext(ctx, `SELECT `+channelColumns+`
		FROM channels c JOIN workspaces w ON w.id = c.workspace_id
		WHERE w.platform = ? AND w.external_id = ? AND c.external_id = ?`,
		conv.Platform, conv.Workspace, conv.Channel), &ch)
	if errors.Is(err, sql.ErrNoRows) {
		return ch, bot.ErrNotFound
	}
	return ch, err
}

// channelColumns are what scanChannel reads, from channels aliased c.
const channelColumns = `c.id, c.workspace_id, c.timezone, c.topics, c.kinds, c.difficulties`

// scanChannel scans channelColumns into ch, and the columns after them into more.
func scanChannel(row interface{ Scan(...any) error }, ch *bot.Channel, more ...any) error {
	var topics, kinds, difficulties string
	err := row.Scan(append([]any{&ch.ID, &ch.WorkspaceID, &ch.TimeZone, &topics, &kinds, &difficulties}, more...)...)
	ch.Filter.Topics = splitList(topics)
	for _, k := range splitList(kinds) {
		ch.Filter.Kinds = append(ch.Filter.Kinds, bot.Kind(k))
	}
	for _, df := range splitList(difficulties) {
		ch.Filter.Difficulties = append(ch.Filter.Difficulties, bot.Difficulty(df))
	}
	return err
}

// SetChannelFilter restricts which questions the channel gets; empty lists allow everything.
func (d *DB) SetChannelFilter(ctx context.Context, channelID int64, f bot.Filter) error {
	return d.exec(ctx, `UPDATE channels SET topics = ?, kinds = ?, difficulties = ? WHERE id = ?`,
		joinList(f.Topics), joinList(f.Kinds), joinList(f.Difficulties), channelID)
}

// joinList is a list column's text: the values joined with commas (splitList reads it back).
func joinList[T ~string](values []T) string {
	words := make([]string, len(values))
	for i, v := range values {
		words[i] = string(v)
	}
	return strings.Join(words, ",")
}

// SetChannelZone changes the zone periods and reveal times are computed in, and marks the jobs that
// run on the channel's wall clock (no zone of their own, as a column or a CRON_TZ/TZ prefix) changed
// at `at`, in the same transaction: their slots before the change were on the old clock, so a slot
// of the new one that fell before it is neither caught up as late nor recorded as missed.
func (d *DB) SetChannelZone(ctx context.Context, channelID int64, zone string, at time.Time) error {
	return d.inTx(ctx, func(tx *txn) error {
		if _, err := tx.ExecContext(ctx, `UPDATE channels SET timezone = ? WHERE id = ?`, zone, channelID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE schedules SET updated_at = ?
			WHERE channel_id = ? AND zone = '' AND spec NOT LIKE 'CRON_TZ=%' AND spec NOT LIKE 'TZ=%'`,
			millis(at), channelID)
		return err
	})
}

// upsertUser returns the user's row id, creating it or refreshing the display name.
func upsertUser(ctx context.Context, tx *txn, workspaceID int64, u bot.User, now int64) (int64, error) {
	var id int64
	// A provisional name (the platform's handle, while the display name is not known yet) only
	// names a new user: it never replaces the display name a user already has.
	err := tx.QueryRowContext(ctx, `INSERT INTO users (workspace_id, external_id, name, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (workspace_id, external_id) DO UPDATE SET name = CASE WHEN ? THEN users.name ELSE excluded.name END
		RETURNING id`, workspaceID, u.ID, u.Name, now, u.Provisional).Scan(&id)
	return id, err
}

// RenameUser stores a display name learnt after the fact. It writes only when the name differs,
// and finds that out with a read first: after a restart the adapter knows only the handle it was
// sent, so the first refresh of every returning user asks to store the name the store already has,
// and that must not queue for the write lock behind a burst of answers.
func (d *DB) RenameUser(ctx context.Context, conv bot.Conversation, u bot.User) (bool, error) {
	var stale bool
	if err := d.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE external_id = ? AND name != ?
		AND workspace_id = (SELECT id FROM workspaces WHERE platform = ? AND external_id = ?))`,
		u.ID, u.Name, conv.Platform, conv.Workspace).Scan(&stale); err != nil || !stale {
		return false, err
	}
	var n int64
	err := d.inTx(ctx, func(tx *txn) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET name = ? WHERE external_id = ? AND name != ?
			AND workspace_id = (SELECT id FROM workspaces WHERE platform = ? AND external_id = ?)`,
			u.Name, u.ID, u.Name, conv.Platform, conv.Workspace)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n > 0, err
}
