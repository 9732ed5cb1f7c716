package storage

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/pyqbot/pyqbot/bot"
)

// answerBatch groups the answers that arrive while a commit is running into the next transaction
// (group commit), on both backends. Under a burst — a hundred people pressing B within a second — each
// answer used to wait for its own transaction and pay its own commit (writing the same answers,
// users and index pages to the WAL again), which was most of the CPU an answer cost. Now one
// transaction records every answer waiting (a refused answer leaves nothing behind, see
// recordAnswerIn; a failing statement fails the whole batch, but for one answer's own fault, see
// commit), and each caller returns only after
// the commit that holds its answer: an acknowledgement still means committed.
//
// Whoever finds no batch running leads: it takes the answers queued so far, commits them, and hands
// the lead to the first answer queued meanwhile, so no caller waits for more than the batch ahead of
// it and its own.
type answerBatch struct {
	mu      sync.Mutex
	pending []*answerReq
	leading bool
	// batches counts committed transactions, and queued (nil but in tests) hears of each answer
	// queued: for tests that check answers are grouped.
	batches atomic.Int64
	queued  func()
}

// maxAnswerBatch bounds one transaction, so that the first answer of a long queue is not held
// behind a thousand others.
const maxAnswerBatch = 128

type answerReq struct {
	ctx  context.Context
	in   bot.Answer
	out  bot.Answer
	err  error
	done chan struct{} // closed when out and err are set
	lead chan struct{} // receives when this caller is to run the next batch
}

func (b *answerBatch) record(ctx context.Context, d *DB, a bot.Answer) (bot.Answer, error) {
	req := &answerReq{ctx: ctx, in: a, done: make(chan struct{}), lead: make(chan struct{}, 1)}
	b.mu.Lock()
	b.pending = append(b.pending, req)
	lead := !b.leading
	b.leading = true
	queued := b.queued
	b.mu.Unlock()
	if queued != nil {
		queued()
	}
	if lead {
		b.run(d)
	}
	// Once queued, an answer is waited for even if ctx ends: it may already be in a transaction
	// being committed, and the caller must not say "not recorded" about an answer that was.
	for {
		select {
		case <-req.done:
			return req.out, req.err
		case <-req.lead:
			b.run(d)
		}
	}
}

// run commits one batch, then passes the lead on or gives it up.
func (b *answerBatch) run(d *DB) {
	b.mu.Lock()
	n := min(len(b.pending), maxAnswerBatch)
	reqs := append([]*answerReq(nil), b.pending[:n]...)
	b.pending = b.pending[n:]
	b.mu.Unlock()

	b.commit(d, reqs)

	b.mu.Lock()
	if len(b.pending) > 0 {
		b.pending[0].lead <- struct{}{}
	} else {
		b.leading = false
	}
	b.mu.Unlock()
}

// commit records reqs in one transaction and tells each caller its outcome.
//
// On PostgreSQL the transaction is READ COMMITTED, not SERIALIZABLE: answers to one question from
// many users touch the same index pages, and under SERIALIZABLE most of them failed with 40001 and
// were retried (4,341 rollbacks for 6,427 commits in one pyqbot-load -postgres run, one answer
// refused after 12 attempts). What serializability guaranteed is kept by a lock on each post
// (postLockArgs): the batch holds its posts' locks shared, CloseAndGrade takes a post's exclusively
// before it closes, so the close waits for the answers in flight and grades them, and an answer
// that comes after it sees the post closed. An advisory lock, not the post row FOR SHARE: its queue
// is fair, so a stream of answers cannot keep a waiting close out (with FOR SHARE, new share lockers
// overtook it: a close waited 11.7 s behind two loops of answers in a reviewer's run on PostgreSQL
// 15). Batching pays for itself there too: one BEGIN, lock and COMMIT round trip per batch instead
// of per answer, and replicas' batches take their locks in one order (posts by id, then the user
// rows by workspace and user), so two of them cannot deadlock on users both upsert (PostgreSQL would
// end one with 40P01 after deadlock_timeout, and pgTx would run it again).
func (b *answerBatch) commit(d *DB, reqs []*answerReq) {
	// The batch is not one caller's: it runs to its end whatever happens to the leader's request.
	ctx := context.WithoutCancel(reqs[0].ctx)
	err := b.oneTx(ctx, d, reqs)
	if err != nil && len(reqs) > 1 && answersOwnFault(err) {
		// One answer's statement broke a rule of the database (a post deleted under it): on
		// PostgreSQL that aborts the whole transaction, so each answer is recorded again on its
		// own, and only the one at fault fails.
		for _, r := range reqs {
			if err := b.oneTx(ctx, d, []*answerReq{r}); err != nil {
				r.out, r.err = r.in, err
			}
		}
		err = nil
	}
	if err == nil {
		b.batches.Add(1)
	}
	for _, r := range reqs {
		if err != nil {
			// The commit failed: nothing in the batch was recorded, and a verdict read inside it
			// ("already answered" by an answer earlier in the batch) may be false now.
			r.out, r.err = r.in, err
		}
		close(r.done)
	}
}

// oneTx runs reqs in one transaction, setting each one's outcome; the error is the transaction's.
func (b *answerBatch) oneTx(ctx context.Context, d *DB, reqs []*answerReq) error {
	return d.inTxReadCommitted(ctx, func(tx *txn) error {
		order := reqs
		if d.dialect == postgresDialect {
			workspaces, err := lockPosts(ctx, tx, reqs)
			if err != nil {
				return err
			}
			order = lockOrder(reqs, workspaces)
		}
		for _, r := range order {
			r.out, r.err = r.in, nil
			if err := r.ctx.Err(); err != nil {
				r.err = err // given up before its turn: not recorded, as its caller will say
				continue
			}
			// recordAnswerIn writes nothing for an answer it refuses, so a verdict needs no
			// savepoint to undo it: a refused answer simply leaves the batch as it was.
			r.out, r.err = recordAnswerIn(ctx, tx, d.dialect, r.in)
			if r.err != nil && !isAnswerVerdict(r.err) {
				// A failing statement (a full disk, an I/O error) fails the batch: such a failure is
				// the database's, not the answer's, and the next answer would meet it too.
				return r.err
			}
		}
		return nil
	})
}

// answersOwnFault reports whether err is an integrity-constraint violation (PostgreSQL class 23):
// a fault of one answer's statement, not of the database.
func answersOwnFault(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && strings.HasPrefix(pe.Code, "23")
}

// isAnswerVerdict reports whether err is the store's verdict on the answer itself: already
// answered, question closed, no such question.
func isAnswerVerdict(err error) bool {
	return errors.Is(err, bot.ErrAlreadyAnswered) || errors.Is(err, bot.ErrClosed) || errors.Is(err, bot.ErrNotFound)
}

// lockOrder is reqs sorted by the user row each locks (workspace, then user), then by post.
// Stable, so two answers by one user to one question keep their arrival order, and the first
// counts.
func lockOrder(reqs []*answerReq, workspaces map[int64]int64) []*answerReq {
	order := slices.Clone(reqs)
	slices.SortStableFunc(order, func(x, y *answerReq) int {
		return cmp.Or(cmp.Compare(workspaces[x.in.PostID], workspaces[y.in.PostID]),
			strings.Compare(x.in.User.ID, y.in.User.ID), cmp.Compare(x.in.PostID, y.in.PostID))
	})
	return order
}

// lockPosts takes the shared lock of every post the batch answers, in id order, and says which
// workspace each is in (an unknown post: none).
func lockPosts(ctx context.Context, tx *txn, reqs []*answerReq) (map[int64]int64, error) {
	var posts []int64
	for _, r := range reqs {
		posts = append(posts, r.in.PostID)
	}
	slices.Sort(posts)
	workspaces := map[int64]int64{}
	for _, id := range slices.Compact(posts) {
		// The lock is the FROM item, so it is taken before the post is read.
		var ws sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT (SELECT workspace_id FROM posts WHERE id = ?)
			FROM (SELECT pg_advisory_xact_lock_shared(`+postLockArgs+`)) l`,
			id, postLockKey(id)).Scan(&ws); err != nil {
			return nil, err
		}
		workspaces[id] = ws.Int64
	}
	return workspaces, nil
}
