package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

// Channels lists every channel the bot has seen, with its platform identifiers, leaving out the
// channels of paused workspaces (uninstalled): their schedules wait for a reinstall.
func (d *DB) Channels(ctx context.Context) ([]bot.Channel, error) {
	return queryAll(ctx, d.db, func(row scanner) (bot.Channel, error) {
		var ch bot.Channel
		var topics, kinds, difficulties string
		if err := row.Scan(&ch.ID, &ch.WorkspaceID, &ch.Conv.Platform, &ch.Conv.Workspace, &ch.Conv.Channel,
			&ch.TimeZone, &topics, &kinds, &difficulties); err != nil {
			return ch, err
		}
		ch.Filter = filterOf(topics, kinds, difficulties)
		return ch, nil
	}, `SELECT c.id, c.workspace_id, w.platform, w.external_id, c.external_id,
		c.timezone, c.topics, c.kinds, c.difficulties
		FROM channels c JOIN workspaces w ON w.id = c.workspace_id WHERE w.paused_at = 0 ORDER BY c.id`)
}

func filterOf(topics, kinds, difficulties string) bot.Filter {
	var f bot.Filter
	f.Topics = splitList(topics)
	for _, k := range splitList(kinds) {
		f.Kinds = append(f.Kinds, bot.Kind(k))
	}
	for _, df := range splitList(difficulties) {
		f.Difficulties = append(f.Difficulties, bot.Difficulty(df))
	}
	return f
}

// SeedSchedules inserts each default job for the channels that have no row for it. It is idempotent,
// so every process may run it at every tick.
func (d *DB) SeedSchedules(ctx context.Context, channelID int64, defaults []bot.Schedule, at time.Time) error {
	if len(defaults) == 0 {
		return nil
	}
	return d.inTx(ctx, func(tx *txn) error {
		for _, s := range defaults {
			_, err := tx.ExecContext(ctx, `INSERT INTO schedules (channel_id, job, spec, zone, enabled, hint_offsets, updated_at)
				SELECT id, CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS INTEGER), CAST(? AS TEXT), CAST(? AS BIGINT)
				FROM channels WHERE CAST(? AS BIGINT) = 0 OR id = ?
				ON CONFLICT (channel_id, job) DO NOTHING`,
				string(s.Job), s.Spec, s.Zone, b2i(s.Enabled), joinDurations(s.HintOffsets), millis(at), channelID, channelID)
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// Schedules lists a channel's jobs (every channel's when channelID is 0), by channel; the core puts
// each channel's jobs in its own order (bot.SortSchedules).
func (d *DB) Schedules(ctx context.Context, channelID int64) ([]bot.Schedule, error) {
	return queryAll(ctx, d.db, func(row scanner) (bot.Schedule, error) {
		var s bot.Schedule
		var job, offsets string
		var updated int64
		err := row.Scan(&s.ChannelID, &job, &s.Spec, &s.Zone, &s.Enabled, &offsets, &updated)
		if err != nil {
			return s, err
		}
		s.Job, s.UpdatedAt = bot.Job(job), fromMillis(updated)
		if s.HintOffsets, err = splitDurations(offsets); err != nil {
			return s, fmt.Errorf("schedule %s of channel %d: %w", job, s.ChannelID, err)
		}
		return s, nil
	}, `SELECT channel_id, job, spec, zone, enabled, hint_offsets, updated_at
		FROM schedules WHERE CAST(? AS BIGINT) = 0 OR channel_id = ?
		ORDER BY channel_id, job`,
		channelID, channelID)
}

// SetSchedule creates or replaces one job of a channel.
func (d *DB) SetSchedule(ctx context.Context, s bot.Schedule) error {
	at := s.UpdatedAt
	if at.IsZero() {
		at = d.Now()
	}
	return d.exec(ctx, `INSERT INTO schedules (channel_id, job, spec, zone, enabled, hint_offsets, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (channel_id, job) DO UPDATE SET spec = excluded.spec, zone = excluded.zone,
			enabled = excluded.enabled, hint_offsets = excluded.hint_offsets, updated_at = excluded.updated_at`,
		s.ChannelID, string(s.Job), s.Spec, s.Zone, b2i(s.Enabled), joinDurations(s.HintOffsets), millis(at))
}

func joinDurations(ds []time.Duration) string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = d.String()
	}
	return strings.Join(parts, ",")
}

func splitDurations(s string) ([]time.Duration, error) {
	var out []time.Duration
	for _, p := range splitList(s) {
		d, err := time.ParseDuration(p)
		if err != nil {
			return nil, fmt.Errorf("hint offset %q: %w", p, err)
		}
		out = append(out, d)
	}
	return out, nil
}

const slotColumns = `channel_id, job, slot, due_at, state, owner, claimed_at, attempts, COALESCE(post_id, 0), note`

func scanSlot(row interface{ Scan(...any) error }) (bot.SlotClaim, error) {
	var c bot.SlotClaim
	var job, state string
	var due, claimed int64
	err := row.Scan(&c.ChannelID, &job, &c.Slot, &due, &state, &c.Owner, &claimed, &c.Attempts, &c.PostID, &c.Note)
	c.Job, c.State, c.Due, c.ClaimedAt = bot.Job(job), bot.SlotState(state), fromMillis(due), fromMillis(claimed)
	return c, err
}

// ClaimSlot claims a slot in one write transaction (taken at BEGIN: _txlock=immediate), so of two
// processes claiming the same slot exactly one sees a row inserted or taken over.
func (d *DB) ClaimSlot(ctx context.Context, key bot.SlotKey, due time.Time, owner string, at time.Time, lease time.Duration, maxAttempts int) (bool, bot.SlotClaim, error) {
	var won bool
	var claim bot.SlotClaim
	err := d.inTx(ctx, func(tx *txn) error {
		n, err := tx.changed(ctx, `INSERT INTO slot_claims (channel_id, job, slot, due_at, state, owner, claimed_at, attempts)
			VALUES (?, ?, ?, ?, 'claimed', ?, ?, 1) ON CONFLICT (channel_id, job, slot) DO NOTHING`,
			key.ChannelID, string(key.Job), key.Slot, millis(due), owner, millis(at))
		if err != nil {
			return err
		}
		if n == 0 {
			// Taken before. A claim left unfinished longer than the lease means its owner died
			// between claiming and posting (or the platform refused): take it over, unless it has
			// been tried too often already.
			n, err = tx.changed(ctx, `UPDATE slot_claims SET state = 'claimed', owner = ?, claimed_at = ?, attempts = attempts + 1
				WHERE channel_id = ? AND job = ? AND slot = ? AND state IN ('claimed', 'failed')
				AND claimed_at <= ? AND attempts < ?`,
				owner, millis(at), key.ChannelID, string(key.Job), key.Slot, millis(at.Add(-lease)), maxAttempts)
			if err != nil {
				return err
			}
		}
		won = n == 1
		claim, err = scanSlot(tx.QueryRowContext(ctx, `SELECT `+slotColumns+` FROM slot_claims
			WHERE channel_id = ? AND job = ? AND slot = ?`, key.ChannelID, string(key.Job), key.Slot))
		return err
	})
	return won, claim, err
}

// SetSlotPost links a claim to the post it is about to send (or to the question whose reveal it
// must send again); 0 unlinks it.
func (d *DB) SetSlotPost(ctx context.Context, key bot.SlotKey, postID int64) error {
	var post any
	if postID != 0 {
		post = postID
	}
	return d.updateSlot(ctx, key, `UPDATE slot_claims SET post_id = ? WHERE channel_id = ? AND job = ? AND slot = ?`, post)
}

// FinishSlot records how a claim ended, while it is still the slot's claim: the owner and claim
// time are the claim's, as a takeover after the lease changes both.
func (d *DB) FinishSlot(ctx context.Context, claim bot.SlotClaim, state bot.SlotState, note string) error {
	err := d.updateSlot(ctx, claim.Key, `UPDATE slot_claims SET state = ?, note = ?
		WHERE owner = ? AND claimed_at = ? AND channel_id = ? AND job = ? AND slot = ?`,
		string(state), note, claim.Owner, millis(claim.ClaimedAt))
	if errors.Is(err, bot.ErrNotFound) {
		return fmt.Errorf("slot %s claimed by %s at %s: %w", claim.Key, claim.Owner, claim.ClaimedAt.Format(time.RFC3339Nano), bot.ErrSlotTakenOver)
	}
	return err
}

func (d *DB) updateSlot(ctx context.Context, key bot.SlotKey, query string, args ...any) error {
	return d.inTx(ctx, func(tx *txn) error {
		res, err := tx.ExecContext(ctx, query, append(args, key.ChannelID, string(key.Job), key.Slot)...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return fmt.Errorf("slot %s: %w", key, bot.ErrNotFound)
		}
		return nil
	})
}

// SkipSlot records a slot that will not run; false when it was recorded already.
func (d *DB) SkipSlot(ctx context.Context, key bot.SlotKey, due time.Time, note string, at time.Time) (bool, error) {
	var n int64
	err := d.inTx(ctx, func(tx *txn) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO slot_claims (channel_id, job, slot, due_at, state, claimed_at, note)
			VALUES (?, ?, ?, ?, 'skipped', ?, ?) ON CONFLICT (channel_id, job, slot) DO NOTHING`,
			key.ChannelID, string(key.Job), key.Slot, millis(due), millis(at), note)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n == 1, err
}

// LastSlot is the due time of the newest recorded slot of the channel's job.
func (d *DB) LastSlot(ctx context.Context, channelID int64, job bot.Job) (time.Time, error) {
	var due sql.NullInt64
	err := d.db.QueryRowContext(ctx, `SELECT MAX(due_at) FROM slot_claims WHERE channel_id = ? AND job = ?`,
		channelID, string(job)).Scan(&due)
	return nullMillis(due), err
}

// Slots lists the channel's recorded slots of a job, oldest first.
func (d *DB) Slots(ctx context.Context, channelID int64, job bot.Job) ([]bot.SlotClaim, error) {
	return queryAll(ctx, d.db, scanSlot, `SELECT `+slotColumns+` FROM slot_claims
		WHERE channel_id = ? AND job = ? ORDER BY due_at, id`, channelID, string(job))
}

// OpenChallenges lists open posts made by the debug job that reached the platform.
func (d *DB) OpenChallenges(ctx context.Context, job bot.Job) ([]bot.Challenge, error) {
	posts, err := queryAll(ctx, d.db, scanPost, `SELECT p.id, p.channel_id, p.workspace_id, p.question_id, p.kind, p.topic,
			p.posted_at, p.day, p.reveal_at, p.ref_channel, p.ref_id, p.ref_thread, p.closed_at
		FROM slot_claims s JOIN posts p ON p.id = s.post_id
		WHERE s.job = ? AND p.closed_at IS NULL AND p.ref_id != ''
		ORDER BY p.id`, string(job))
	if err != nil {
		return nil, err
	}
	if len(posts) == 0 {
		return nil, nil
	}
	channels, err := d.Channels(ctx)
	if err != nil {
		return nil, err
	}
	byID := map[int64]bot.Channel{}
	for _, ch := range channels {
		byID[ch.ID] = ch
	}
	out := make([]bot.Challenge, 0, len(posts))
	for _, p := range posts {
		if ch, ok := byID[p.ChannelID]; ok { // a paused workspace's challenges wait with its schedules
			out = append(out, bot.Challenge{Post: p, Channel: ch})
		}
	}
	return out, nil
}

// RecordHint notes when hint n of a post was shown. Recording it twice keeps the first time.
func (d *DB) RecordHint(ctx context.Context, postID int64, n int, at time.Time) error {
	return d.exec(ctx, `INSERT INTO post_hints (post_id, n, posted_at) VALUES (?, ?, ?)
		ON CONFLICT (post_id, n) DO NOTHING`, postID, n, millis(at))
}

// Hints returns when each shown hint of a post was posted.
func (d *DB) Hints(ctx context.Context, postID int64) (map[int]time.Time, error) {
	out := map[int]time.Time{}
	err := eachRow(ctx, d.db, func(row scanner) error {
		var n int
		var at int64
		if err := row.Scan(&n, &at); err != nil {
			return err
		}
		out[n] = fromMillis(at)
		return nil
	}, `SELECT n, posted_at FROM post_hints WHERE post_id = ?`, postID)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// SetSkipDate adds or removes a day on which no job runs in the channel.
func (d *DB) SetSkipDate(ctx context.Context, channelID int64, day string, skip bool) error {
	if _, err := time.Parse(time.DateOnly, day); err != nil {
		return fmt.Errorf("skip date %q is not YYYY-MM-DD", day)
	}
	return d.inTx(ctx, func(tx *txn) error {
		var err error
		if skip {
			_, err = tx.ExecContext(ctx, `INSERT INTO skip_dates (channel_id, day) VALUES (?, ?) ON CONFLICT DO NOTHING`, channelID, day)
		} else {
			_, err = tx.ExecContext(ctx, `DELETE FROM skip_dates WHERE channel_id = ? AND day = ?`, channelID, day)
		}
		return err
	})
}

// SkipDates lists the channel's skip dates in order.
func (d *DB) SkipDates(ctx context.Context, channelID int64) ([]string, error) {
	return queryAll(ctx, d.db, scanString, `SELECT day FROM skip_dates WHERE channel_id = ? ORDER BY day`, channelID)
}
