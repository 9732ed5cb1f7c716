package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

// SetReminder stores the user's reminder setting, creating the user when new.
func (d *DB) SetReminder(ctx context.Context, workspaceID int64, u bot.User, s bot.ReminderSetting) error {
	return d.inTx(ctx, func(tx *txn) error {
		userID, err := upsertUser(ctx, tx, workspaceID, u, millis(s.UpdatedAt))
		if err != nil {
			return err
		}
		var channel any
		if s.ChannelID != 0 {
			channel = s.ChannelID
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO reminder_settings (user_id, enabled, lead_ms, channel_id, updated_at, unreachable_at, unreachable_note)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET enabled = excluded.enabled, lead_ms = excluded.lead_ms,
			channel_id = excluded.channel_id, updated_at = excluded.updated_at,
			unreachable_at = excluded.unreachable_at, unreachable_note = excluded.unreachable_note`,
			userID, b2i(s.On), s.Lead.Milliseconds(), channel, millis(s.UpdatedAt), unreachableMillis(s.UnreachableAt), s.UnreachableNote)
		return err
	})
}

func unreachableMillis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return millis(t)
}

func settingOf(enabled int, leadMS int64, channel sql.NullInt64, updated, unreachable int64, note string) bot.ReminderSetting {
	s := bot.ReminderSetting{On: enabled != 0, Lead: time.Duration(leadMS) * time.Millisecond, ChannelID: channel.Int64,
		UpdatedAt: fromMillis(updated), UnreachableNote: note}
	if unreachable != 0 {
		s.UnreachableAt = fromMillis(unreachable)
	}
	return s
}

// Reminder returns the user's setting; bot.ErrNotFound when there is none.
func (d *DB) Reminder(ctx context.Context, workspaceID int64, userID string) (bot.ReminderSetting, error) {
	var (
		enabled              int
		lead, upd, unreached int64
		channel              sql.NullInt64
		note                 string
	)
	err := d.db.QueryRowContext(ctx, `SELECT r.enabled, r.lead_ms, r.channel_id, r.updated_at, r.unreachable_at, r.unreachable_note
		FROM reminder_settings r JOIN users u ON u.id = r.user_id
		WHERE u.workspace_id = ? AND u.external_id = ?`, workspaceID, userID).
		Scan(&enabled, &lead, &channel, &upd, &unreached, &note)
	if errors.Is(err, sql.ErrNoRows) {
		return bot.ReminderSetting{}, bot.ErrNotFound
	}
	if err != nil {
		return bot.ReminderSetting{}, err
	}
	return settingOf(enabled, lead, channel, upd, unreached, note), nil
}

// Subscribers lists the users with reminders on in workspaces that are not paused, with the
// channel each setting names and the one of the team question each answered last.
func (d *DB) Subscribers(ctx context.Context) ([]bot.Subscriber, error) {
	return queryAll(ctx, d.db, func(row scanner) (bot.Subscriber, error) {
		var (
			s                    bot.Subscriber
			enabled              int
			lead, upd, unreached int64
			channel              sql.NullInt64
			note                 string
			named, last          joinedChannel
		)
		dest := []any{&s.WorkspaceID, &s.Platform, &s.Workspace, &s.UserID, &enabled, &lead, &channel, &upd, &unreached, &note}
		if err := row.Scan(append(append(dest, named.dest()...), last.dest()...)...); err != nil {
			return s, err
		}
		s.Setting = settingOf(enabled, lead, channel, upd, unreached, note)
		s.Channel, s.LastTeam = named.channel(s), last.channel(s)
		return s, nil
	}, `SELECT u.workspace_id, w.platform, w.external_id, u.external_id,
			r.enabled, r.lead_ms, r.channel_id, r.updated_at, r.unreachable_at, r.unreachable_note,
			`+joinedChannelColumns("c")+`, `+joinedChannelColumns("l")+`
		FROM reminder_settings r JOIN users u ON u.id = r.user_id JOIN workspaces w ON w.id = u.workspace_id
		LEFT JOIN channels c ON c.id = r.channel_id
		LEFT JOIN channels l ON l.id = (`+lastTeamChannelID+`)
		WHERE r.enabled = 1 AND w.paused_at = 0 ORDER BY u.workspace_id, u.id`)
}

// joinedChannel is a LEFT JOINed channel of a subscriber's workspace (joinedChannelColumns), the
// zero Channel when the join found none.
type joinedChannel struct {
	id                                   sql.NullInt64
	ext, zone, topics, kinds, difficulty string
}

// joinedChannelColumns are joinedChannel's columns from the channels table aliased alias.
func joinedChannelColumns(alias string) string {
	return fmt.Sprintf(`%[1]s.id, COALESCE(%[1]s.external_id, ''), COALESCE(%[1]s.timezone, ''), COALESCE(%[1]s.topics, ''),
			COALESCE(%[1]s.kinds, ''), COALESCE(%[1]s.difficulties, '')`, alias)
}

func (j *joinedChannel) dest() []any {
	return []any{&j.id, &j.ext, &j.zone, &j.topics, &j.kinds, &j.difficulty}
}

func (j joinedChannel) channel(s bot.Subscriber) bot.Channel {
	if !j.id.Valid || j.ext == "" {
		return bot.Channel{}
	}
	return bot.Channel{ID: j.id.Int64, WorkspaceID: s.WorkspaceID, TimeZone: j.zone,
		Conv:   bot.Conversation{Platform: s.Platform, Workspace: s.Workspace, Channel: j.ext},
		Filter: filterOf(j.topics, j.kinds, j.difficulty)}
}

// lastTeamChannelID is the id of the channel of the team question user u answered last (one seek
// in answers_by_user), for LastTeamChannel and each subscriber in Subscribers.
const lastTeamChannelID = `SELECT p.channel_id FROM answers a JOIN posts p ON p.id = a.post_id
	WHERE a.user_id = u.id ORDER BY a.answered_at DESC, a.id DESC LIMIT 1`

// ClaimReminder claims the user's reminder for day. The primary key (user_id, day) lets one INSERT
// win across processes; a claim whose send failed before delivery may be taken again while it has
// fewer than maxAttempts attempts.
func (d *DB) ClaimReminder(ctx context.Context, workspaceID int64, userID, day string, postID int64, owner string, at time.Time, maxAttempts int) (bool, error) {
	var won bool
	err := d.inTx(ctx, func(tx *txn) error {
		uid, err := userIn(ctx, tx, workspaceID, userID)
		if err != nil {
			return err
		}
		n, err := tx.changed(ctx, `INSERT INTO reminder_sends (user_id, day, post_id, state, owner, claimed_at, attempts)
			VALUES (?, ?, ?, 'claimed', ?, ?, 1) ON CONFLICT (user_id, day) DO NOTHING`, uid, day, postID, owner, millis(at))
		if err != nil {
			return err
		}
		if n == 0 {
			n, err = tx.changed(ctx, `UPDATE reminder_sends SET state = 'claimed', owner = ?, claimed_at = ?, post_id = ?, attempts = attempts + 1
				WHERE user_id = ? AND day = ? AND state = 'failed' AND attempts < ?`, owner, millis(at), postID, uid, day, maxAttempts)
			if err != nil {
				return err
			}
		}
		won = n == 1
		return nil
	})
	return won, err
}

// FinishReminder records how a claimed reminder ended, and whether the user could be reached.
func (d *DB) FinishReminder(ctx context.Context, workspaceID int64, userID, day string, state bot.ReminderState, note string, at time.Time) error {
	return d.inTx(ctx, func(tx *txn) error {
		uid, err := userIn(ctx, tx, workspaceID, userID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE reminder_sends SET state = ?, note = ? WHERE user_id = ? AND day = ?`,
			string(state), note, uid, day); err != nil {
			return err
		}
		switch state {
		case bot.ReminderUnreachable:
			_, err = tx.ExecContext(ctx, `UPDATE reminder_settings SET unreachable_at = ?, unreachable_note = ? WHERE user_id = ?`, millis(at), note, uid)
		case bot.ReminderSent:
			_, err = tx.ExecContext(ctx, `UPDATE reminder_settings SET unreachable_at = 0, unreachable_note = '' WHERE user_id = ?`, uid)
		}
		return err
	})
}

// ReminderClaims lists the user's reminder claims, oldest day first.
func (d *DB) ReminderClaims(ctx context.Context, workspaceID int64, userID string) ([]bot.ReminderClaim, error) {
	return queryAll(ctx, d.db, func(row scanner) (bot.ReminderClaim, error) {
		var c bot.ReminderClaim
		var state string
		var at int64
		if err := row.Scan(&c.Day, &c.PostID, &state, &c.Owner, &at, &c.Attempts, &c.Note); err != nil {
			return c, err
		}
		c.State, c.ClaimedAt = bot.ReminderState(state), fromMillis(at)
		return c, nil
	}, `SELECT s.day, s.post_id, s.state, s.owner, s.claimed_at, s.attempts, s.note
		FROM reminder_sends s JOIN users u ON u.id = s.user_id
		WHERE u.workspace_id = ? AND u.external_id = ? ORDER BY s.day`, workspaceID, userID)
}
