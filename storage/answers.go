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
	return d.answers.record(ctx, d, a) // grouped with the answers arriving meanwhile (answer_batch.go)
}

// AnswerTarget reads the conversation's channel and its post postID in one query: an answer that
// names its question (every button press) needs both, and a second read was a fifth of what the
// engine spent on an answer under load. ErrNotFound when the channel is unknown or the post is
// not in it; the engine then takes its general path, which says which.
func (d *DB) AnswerTarget(ctx context.Context, conv bot.Conversation, postID int64) (bot.Channel, bot.PostedQuestion, error) {
	ch := bot.Channel{Conv: conv}
	row := d.db.QueryRowContext(ctx, `SELECT `+channelColumns+`, `+postColumnsOfP+` FROM posts p
		JOIN channels c ON c.id = p.channel_id JOIN workspaces w ON w.id = c.workspace_id
		WHERE p.id = ? AND w.platform = ? AND w.external_id = ? AND c.external_id = ?`,
		postID, conv.Platform, conv.Workspace, conv.Channel)
	p, err := scanPost(scanFunc(func(dest ...any) error { return scanChannel(row, &ch, dest...) }))
	if errors.Is(err, sql.ErrNoRows) {
		return bot.Channel{}, bot.PostedQuestion{}, bot.ErrNotFound
	}
	return ch, p, err
}

// postColumnsOfP is postColumns for posts aliased p.
var postColumnsOfP = func() string {
	cols := strings.Split(postColumns, ",")
	for i, c := range cols {
		cols[i] = "p." + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}()

// scanFunc is a Scan method made of a function, for scanPost to read from a wider row.
type scanFunc func(dest ...any) error

func (f scanFunc) Scan(dest ...any) error { return f(dest...) }

// recordAnswerIn records a in tx: the first answer, or bot.ErrAlreadyAnswered with it; ErrClosed
// or ErrNotFound when the question takes no answers. It writes nothing unless the answer is taken,
// so a refused answer leaves no trace (no new or renamed user) and the answer batch needs no
// savepoint around each answer. On any other error the caller rolls back what it wrote.
//
// The common case is two statements on SQLite (the user upsert, then the insert) and one on
// PostgreSQL. Only a refused answer pays the reads that say why.
func recordAnswerIn(ctx context.Context, tx *txn, dl dialect, a bot.Answer) (bot.Answer, error) {
	if dl == postgresDialect {
		return recordAnswerPostgres(ctx, tx, a)
	}
	var userID, workspaceID int64
	err := tx.QueryRowContext(ctx, upsertAnswerer, upsertAnswererArgs(a)...).Scan(&userID, &workspaceID)
	if errors.Is(err, sql.ErrNoRows) {
		return refusedAnswer(ctx, tx, a)
	}
	if err != nil {
		return a, err
	}
	// RETURNING gives the new id. The upsert's checks ran under the write lock, so no one can have
	// answered since.
	err = tx.QueryRowContext(ctx, `INSERT INTO answers (post_id, workspace_id, user_id, keys, text, reason, answered_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (post_id, user_id) DO NOTHING RETURNING id`,
		a.PostID, workspaceID, userID, strings.Join(a.Keys, ","), a.Text, a.Reason, millis(a.AnsweredAt)).Scan(&a.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return refusedAnswer(ctx, tx, a)
	}
	return a, err
}

// recordAnswerPostgres is recordAnswerIn in one statement, the upsert a data-modifying CTE feeding
// the insert: each statement is a round trip to the server, and a batch makes two per answer
// otherwise. No row means refused, whichever part took none: the upsert's checks failed, or (READ
// COMMITTED) a second press by the same user committed in between and the insert did nothing;
// refusedAnswer says which, and gives that caller the first answer.
func recordAnswerPostgres(ctx context.Context, tx *txn, a bot.Answer) (bot.Answer, error) {
	args := append(upsertAnswererArgs(a), a.PostID, strings.Join(a.Keys, ","), a.Text, a.Reason, millis(a.AnsweredAt))
	err := tx.QueryRowContext(ctx, `WITH u AS (`+upsertAnswerer+`)
		INSERT INTO answers (post_id, workspace_id, user_id, keys, text, reason, answered_at)
		SELECT CAST(? AS BIGINT), u.workspace_id, u.id, CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS BIGINT) FROM u
		ON CONFLICT (post_id, user_id) DO NOTHING RETURNING id`, args...).Scan(&a.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return refusedAnswer(ctx, tx, a)
	}
	return a, err
}

// upsertAnswerer adds or renames the answering user, only when the post is open and the user has
// not answered it (the checks ride in its SELECT), returning the user's id and workspace. The
// CASTs type the parameters for PostgreSQL, which cannot infer them in a SELECT list.
const upsertAnswerer = `INSERT INTO users (workspace_id, external_id, name, created_at)
		SELECT p.workspace_id, CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS BIGINT) FROM posts p
		WHERE p.id = ? AND p.closed_at IS NULL AND NOT EXISTS (SELECT 1 FROM users v JOIN answers x ON x.user_id = v.id
			WHERE v.workspace_id = p.workspace_id AND v.external_id = ? AND x.post_id = p.id)
		ON CONFLICT (workspace_id, external_id) DO UPDATE SET name = CASE WHEN ? THEN users.name ELSE excluded.name END
		RETURNING id, workspace_id`

func upsertAnswererArgs(a bot.Answer) []any {
	return []any{a.User.ID, a.User.Name, millis(a.AnsweredAt), a.PostID, a.User.ID, a.User.Provisional}
}

// refusedAnswer says why recordAnswerIn took no answer: no such post, the post is closed, or the
// user answered already (then with the first answer, as the contract says).
func refusedAnswer(ctx context.Context, tx *txn, a bot.Answer) (bot.Answer, error) {
	var closed sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT closed_at FROM posts WHERE id = ?`, a.PostID).Scan(&closed)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return a, bot.ErrNotFound
	case err != nil:
		return a, err
	case closed.Valid:
		return a, bot.ErrClosed
	}
	rows, err := tx.QueryContext(ctx, answerSelect+` JOIN posts p ON p.id = a.post_id
		WHERE a.post_id = ? AND u.workspace_id = p.workspace_id AND u.external_id = ?`, a.PostID, a.User.ID)
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
	// READ COMMITTED on PostgreSQL, as answers (answerBatch.commit): the post's lock, taken
	// exclusively first, waits for the answers that hold it shared, and the reads after it (each a
	// new snapshot under READ COMMITTED; a serializable snapshot would be older than the wait) see
	// every one.
	err := d.inTxReadCommitted(ctx, func(tx *txn) error {
		graded = nil // a retried transaction grades from scratch
		if d.dialect == postgresDialect {
			if err := postLock(ctx, tx, postID); err != nil {
				return err
			}
		}
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
			if err := addPeriodGrades(ctx, tx, a.ID, a.AnsweredAt, g); err != nil {
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

// The PostgreSQL transaction lock on a post orders its answers before its close or removal: answer
// batches hold it shared (lockPosts), CloseAndGrade and DiscardPost exclusively (postLock; see
// answerBatch.commit). It ends with the transaction. Its key, postLockArgs with the value of
// postLockKey, is the post's id under a class derived from the schema, as the channel locks' are.
const postLockArgs = `hashtext(current_schema() || '.post'), CAST(? AS INTEGER)`

// postLock takes a post's lock exclusively.
func postLock(ctx context.Context, tx *txn, postID int64) error {
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(`+postLockArgs+`)`, postLockKey(postID))
	return err
}

// postLockKey is a post's id as the 32-bit key of its lock.
func postLockKey(postID int64) int32 { return int32(postID ^ postID>>32) }

// AnswerCommits is how many transactions have committed answers since the store opened: answers
// over commits is how well group commit shares them (the load command's benchmark reports it).
func (d *DB) AnswerCommits() int64 { return d.answers.batches.Load() }
