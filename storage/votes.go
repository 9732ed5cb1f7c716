package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

// This file keeps the best-explanation votes (migration 0008). The rules are the core's
// (bot/votes.go); the store makes each step atomic.

// OpenVote starts a post's round; a second call for the same post changes nothing.
func (d *DB) OpenVote(ctx context.Context, postID int64, answerIDs []int64, opened, closes time.Time) error {
	return d.inTx(ctx, func(tx *txn) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO vote_rounds (post_id, channel_id, workspace_id, opened_at, closes_at)
			SELECT id, channel_id, workspace_id, CAST(? AS BIGINT), CAST(? AS BIGINT) FROM posts WHERE id = ?
			ON CONFLICT (post_id) DO NOTHING`, millis(opened), millis(closes), postID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		for i, id := range answerIDs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO vote_candidates (post_id, n, answer_id) VALUES (?, ?, ?)`,
				postID, i+1, id); err != nil {
				return fmt.Errorf("vote candidate %d (answer %d): %w", i+1, id, err)
			}
		}
		return nil
	})
}

// SetVoteRef records where the vote control was posted.
func (d *DB) SetVoteRef(ctx context.Context, postID int64, ref bot.MessageRef) error {
	return d.exec(ctx, `UPDATE vote_rounds SET ref_channel = ?, ref_id = ?, ref_thread = ? WHERE post_id = ?`,
		ref.Channel, ref.ID, ref.Thread, postID)
}

const roundColumns = `post_id, channel_id, workspace_id, opened_at, closes_at, closed_at, ref_channel, ref_id, ref_thread`

func scanRound(row interface{ Scan(...any) error }) (bot.VoteRound, error) {
	var v bot.VoteRound
	var opened, closes int64
	var closed sql.NullInt64
	err := row.Scan(&v.PostID, &v.ChannelID, &v.WorkspaceID, &opened, &closes, &closed, &v.Ref.Channel, &v.Ref.ID, &v.Ref.Thread)
	v.OpenedAt, v.ClosesAt, v.ClosedAt = fromMillis(opened), fromMillis(closes), nullMillis(closed)
	return v, err
}

// VoteRound returns a post's round with its candidates in number order.
func (d *DB) VoteRound(ctx context.Context, postID int64) (bot.VoteRound, error) {
	return roundIn(ctx, d.db, postID)
}

func roundIn(ctx context.Context, q querier, postID int64) (bot.VoteRound, error) {
	v, err := scanRound(q.QueryRowContext(ctx, `SELECT `+roundColumns+` FROM vote_rounds WHERE post_id = ?`, postID))
	if errors.Is(err, sql.ErrNoRows) {
		return v, bot.ErrNotFound
	}
	if err != nil {
		return v, err
	}
	v.Candidates, err = queryAll(ctx, q, func(row scanner) (bot.Candidate, error) {
		var c bot.Candidate
		err := row.Scan(&c.N, &c.AnswerID, &c.User.ID, &c.User.Name, &c.Text)
		return c, err
	}, `SELECT c.n, c.answer_id, u.external_id, u.name,
			CASE WHEN a.reason != '' THEN a.reason ELSE a.text END
		FROM vote_candidates c JOIN answers a ON a.id = c.answer_id JOIN users u ON u.id = a.user_id
		WHERE c.post_id = ? ORDER BY c.n`, postID)
	return v, err
}

func (d *DB) rounds(ctx context.Context, where string, args ...any) ([]bot.VoteRound, error) {
	return queryAll(ctx, d.db, scanRound, `SELECT `+roundColumns+` FROM vote_rounds WHERE `+where, args...)
}

// OpenVotes lists the channel's open rounds, newest first.
func (d *DB) OpenVotes(ctx context.Context, channelID int64) ([]bot.VoteRound, error) {
	return d.rounds(ctx, `channel_id = ? AND closed_at IS NULL ORDER BY opened_at DESC, post_id DESC`, channelID)
}

// DueVotes lists open rounds due to close by now; it reads the partial vote_rounds_open index.
func (d *DB) DueVotes(ctx context.Context, now time.Time) ([]bot.VoteRound, error) {
	return d.rounds(ctx, `closed_at IS NULL AND closes_at <= ? ORDER BY closes_at, post_id`, millis(now))
}

// CastVote records or replaces voter's vote. The round's state is read in the same transaction as
// the write, so a vote racing the close either counts in the tally or is refused: never lost silently.
func (d *DB) CastVote(ctx context.Context, postID int64, voter bot.User, n int, at time.Time) (bot.VoteResult, error) {
	var res bot.VoteResult
	err := d.inTx(ctx, func(tx *txn) error {
		var workspaceID int64
		var closed sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT workspace_id, closed_at FROM vote_rounds WHERE post_id = ?`, postID).Scan(&workspaceID, &closed)
		if errors.Is(err, sql.ErrNoRows) {
			return bot.ErrNotFound
		}
		if err != nil {
			return err
		}
		if closed.Valid {
			return bot.ErrVoteClosed
		}
		var exists int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM vote_candidates WHERE post_id = ? AND n = ?`, postID, n).Scan(&exists); err != nil {
			return err
		}
		if exists == 0 {
			return bot.ErrNotFound
		}
		voterID, err := upsertUser(ctx, tx, workspaceID, voter, millis(at))
		if err != nil {
			return err
		}
		var prev sql.NullInt64
		err = tx.QueryRowContext(ctx, `SELECT n FROM votes WHERE post_id = ? AND voter_id = ?`, postID, voterID).Scan(&prev)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		res.Previous = int(prev.Int64)
		_, err = tx.ExecContext(ctx, `INSERT INTO votes (post_id, voter_id, n, voted_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (post_id, voter_id) DO UPDATE SET n = excluded.n, voted_at = excluded.voted_at`,
			postID, voterID, n, millis(at))
		return err
	})
	return res, err
}

// CloseVote closes the round with one conditional UPDATE (only one caller can win it, so the bonus
// is awarded once however many processes tick), then tallies and records the bonuses, adding them to
// user_totals, all in that transaction.
func (d *DB) CloseVote(ctx context.Context, postID int64, at time.Time, award bot.AwardFunc) (bot.VoteOutcome, error) {
	var out bot.VoteOutcome
	err := d.inTx(ctx, func(tx *txn) error {
		out = bot.VoteOutcome{} // a retried transaction tallies from scratch
		res, err := tx.ExecContext(ctx, `UPDATE vote_rounds SET closed_at = ? WHERE post_id = ? AND closed_at IS NULL`, millis(at), postID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			if _, err := roundIn(ctx, tx, postID); err != nil {
				return err
			}
			return bot.ErrVoteClosed
		}
		if out.Round, err = roundIn(ctx, tx, postID); err != nil {
			return err
		}
		out.Tally = bot.Tally{}
		if err := eachRow(ctx, tx, func(row scanner) error {
			var n, c int
			if err := row.Scan(&n, &c); err != nil {
				return err
			}
			out.Tally[n] = c
			return nil
		}, `SELECT n, COUNT(*) FROM votes WHERE post_id = ? GROUP BY n`, postID); err != nil {
			return err
		}
		out.Awarded = award(out.Tally)
		for _, c := range out.Round.Candidates {
			points := out.Awarded[c.N]
			if points == 0 {
				continue
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO bonuses (answer_id, post_id, workspace_id, user_id, points, votes, awarded_at)
				SELECT id, post_id, workspace_id, user_id, CAST(? AS INTEGER), CAST(? AS INTEGER), CAST(? AS BIGINT) FROM answers WHERE id = ?`,
				points, out.Tally[c.N], millis(at), c.AnswerID); err != nil {
				return fmt.Errorf("bonus for answer %d: %w", c.AnswerID, err)
			}
			if err := addBonus(ctx, tx, c.AnswerID, points); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// addBonus adds a bonus to its user's all-time totals: points only, since a bonus is neither a
// right nor a wrong answer.
func addBonus(ctx context.Context, tx *txn, answerID int64, points int) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO user_totals (workspace_id, user_id, points, correct, judged)
		SELECT workspace_id, user_id, CAST(? AS INTEGER), 0, 0 FROM answers WHERE id = ?
		ON CONFLICT (workspace_id, user_id) DO UPDATE SET points = user_totals.points + excluded.points`, points, answerID)
	return err
}

// BestExplanations lists the bonuses awarded in [from, to), oldest first.
func (d *DB) BestExplanations(ctx context.Context, workspaceID int64, from, to time.Time) ([]bot.BestExplanation, error) {
	return queryAll(ctx, d.db, func(row scanner) (bot.BestExplanation, error) {
		var b bot.BestExplanation
		var at int64
		err := row.Scan(&b.PostID, &b.User.ID, &b.User.Name, &b.Votes, &at)
		b.AwardedAt = fromMillis(at)
		return b, err
	}, `SELECT b.post_id, u.external_id, u.name, b.votes, b.awarded_at
		FROM bonuses b JOIN users u ON u.id = b.user_id
		WHERE b.workspace_id = ? AND b.awarded_at >= ? AND b.awarded_at < ? ORDER BY b.awarded_at, b.post_id, b.answer_id`,
		workspaceID, millis(from), millis(to))
}
