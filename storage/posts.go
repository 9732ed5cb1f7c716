package storage

import (
	"context"
	"database/sql"
	"errors"

	"github.com/pyqbot/pyqbot/bot"
)

const postColumns = `id, channel_id, workspace_id, question_id, kind, topic, posted_at, day, reveal_at,
	ref_channel, ref_id, ref_thread, closed_at`

func scanPost(row interface{ Scan(...any) error }) (bot.PostedQuestion, error) {
	var p bot.PostedQuestion
	var kind string
	var posted, reveal int64
	var closed sql.NullInt64
	err := row.Scan(&p.ID, &p.ChannelID, &p.WorkspaceID, &p.QuestionID, &kind, &p.Topic, &posted, &p.Day, &reveal,
		&p.Ref.Channel, &p.Ref.ID, &p.Ref.Thread, &closed)
	p.Kind = bot.Kind(kind)
	p.PostedAt, p.RevealAt, p.ClosedAt = fromMillis(posted), fromMillis(reveal), nullMillis(closed)
	return p, err
}

// History lists every question posted in the channel, newest first.
func (d *DB) History(ctx context.Context, channelID int64) ([]bot.Seen, error) {
	return queryAll(ctx, d.db, func(row scanner) (bot.Seen, error) {
		var s bot.Seen
		var kind string
		var at int64
		err := row.Scan(&s.QuestionID, &kind, &at)
		s.Kind, s.PostedAt = bot.Kind(kind), fromMillis(at)
		return s, err
	}, `SELECT question_id, kind, posted_at FROM posts
		WHERE channel_id = ? ORDER BY posted_at DESC, id DESC`, channelID)
}

// CreatePost stores a new open question.
func (d *DB) CreatePost(ctx context.Context, p bot.PostedQuestion) (bot.PostedQuestion, error) {
	err := d.inTx(ctx, func(tx *txn) error {
		return tx.QueryRowContext(ctx, `INSERT INTO posts (channel_id, workspace_id, question_id, kind, topic,
			posted_at, day, reveal_at, ref_channel, ref_id, ref_thread) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			p.ChannelID, p.WorkspaceID, p.QuestionID, string(p.Kind), p.Topic, millis(p.PostedAt), p.Day,
			millis(p.RevealAt), p.Ref.Channel, p.Ref.ID, p.Ref.Thread).Scan(&p.ID)
	})
	return p, err
}

// SetPostRef records where the platform put the post.
func (d *DB) SetPostRef(ctx context.Context, postID int64, ref bot.MessageRef) error {
	return d.exec(ctx, `UPDATE posts SET ref_channel = ?, ref_id = ?, ref_thread = ? WHERE id = ?`,
		ref.Channel, ref.ID, ref.Thread, postID)
}

// DiscardPost removes a post that never reached the platform, unless someone already answered it.
// On PostgreSQL it takes the post's lock exclusively first, as CloseAndGrade does: a batch of answers
// holding it shared commits before the count (which then sees them), or comes after the delete and
// finds no post. Without it the delete could land under a batch, whose foreign-key check then
// failed the whole batch (every answer in it, not just the one to this post). The reminders
// claimed for it go with it: the reminder loop reads every open post, one never sent included, and
// their rows' foreign key refused the delete, so the post could never be discarded (sentOpenPosts
// then failed every reveal, `/pyq today` and scheduled question of its channel). A report made
// about it is kept, about its question, as a practice question's is; the slot claim that made it
// is unlinked from it.
func (d *DB) DiscardPost(ctx context.Context, postID int64) error {
	return d.inTxReadCommitted(ctx, func(tx *txn) error {
		if d.dialect == postgresDialect {
			if err := postLock(ctx, tx, postID); err != nil {
				return err
			}
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM answers WHERE post_id = ?`, postID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return bot.ErrClosed
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM reminder_sends WHERE post_id = ?`, postID); err != nil {
			return err
		}
		// A report stays, about the question (a bare `/pyq report` is about the channel's latest post).
		if _, err := tx.ExecContext(ctx, `UPDATE reports SET post_id = NULL WHERE post_id = ?`, postID); err != nil {
			return err
		}
		// The slot that made it no longer names it (slot_claims.post_id has no foreign key): SQLite
		// gives the next post the id of a deleted last row, and a stale link made that post the
		// slot's, e.g. a debugging challenge (OpenChallenges) when it was `/pyq today`'s question.
		if _, err := tx.ExecContext(ctx, `UPDATE slot_claims SET post_id = NULL WHERE post_id = ?`, postID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM posts WHERE id = ?`, postID)
		return err
	})
}

// Post returns one posted question.
func (d *DB) Post(ctx context.Context, postID int64) (bot.PostedQuestion, error) {
	p, err := scanPost(d.db.QueryRowContext(ctx, `SELECT `+postColumns+` FROM posts WHERE id = ?`, postID))
	if errors.Is(err, sql.ErrNoRows) {
		return p, bot.ErrNotFound
	}
	return p, err
}

// OpenPosts lists the channel's open questions, newest first.
func (d *DB) OpenPosts(ctx context.Context, channelID int64) ([]bot.PostedQuestion, error) {
	return queryAll(ctx, d.db, scanPost, `SELECT `+postColumns+` FROM posts
		WHERE channel_id = ? AND closed_at IS NULL ORDER BY posted_at DESC, id DESC`, channelID)
}

// LatestPost returns the channel's most recent question, open or closed.
func (d *DB) LatestPost(ctx context.Context, channelID int64) (bot.PostedQuestion, error) {
	p, err := scanPost(d.db.QueryRowContext(ctx, `SELECT `+postColumns+` FROM posts
		WHERE channel_id = ? ORDER BY posted_at DESC, id DESC LIMIT 1`, channelID))
	if errors.Is(err, sql.ErrNoRows) {
		return p, bot.ErrNotFound
	}
	return p, err
}

// OpenQuestions is the set of questions open as team posts in any channel of the workspace: one
// seek in the partial index posts_open (migration 0017), as practice reads it on every command.
func (d *DB) OpenQuestions(ctx context.Context, workspaceID int64) (map[string]bool, error) {
	ids, err := queryAll(ctx, d.db, scanString, `SELECT DISTINCT question_id FROM posts
		WHERE workspace_id = ? AND closed_at IS NULL`, workspaceID)
	if err != nil {
		return nil, err
	}
	return setOf(ids), nil
}
