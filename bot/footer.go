package bot

import (
	"context"
	"sync"
	"time"
)

// answerCounts keeps each open question's footer showing how many have answered. Edits coalesce:
// at most one edit per question is in flight, and answers that arrive meanwhile are folded into one
// more edit when it returns. A burst of fifty answers costs a handful of edits, far inside the
// platforms' edit limits, and needs no timers.
type answerCounts struct {
	mu      sync.Mutex
	running map[int64]bool // a refresher is editing this post
	dirty   map[int64]bool // answers arrived since the refresher read the count
	wg      sync.WaitGroup
}

// footerEditTimeout bounds one footer edit.
const footerEditTimeout = 10 * time.Second

// answerCountChanged starts (or folds into) a footer refresh for post in ch.
func (e *Engine) answerCountChanged(ctx context.Context, ch Channel, post PostedQuestion) {
	a, err := e.adapter(ch.Conv.Platform)
	if err != nil || post.Ref.IsZero() {
		return
	}
	ed, ok := a.(Editor)
	if !ok {
		return
	}
	c := &e.counts
	c.mu.Lock()
	if c.running == nil {
		c.running, c.dirty = map[int64]bool{}, map[int64]bool{}
	}
	if c.running[post.ID] {
		c.dirty[post.ID] = true
		c.mu.Unlock()
		return
	}
	c.running[post.ID] = true
	c.wg.Add(1)
	c.mu.Unlock()
	go func() {
		defer c.wg.Done()
		for {
			// The command that triggered it has already replied; a platform that hangs must not
			// hold the goroutine (or shutdown) for long.
			ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), footerEditTimeout)
			e.refreshFooter(ctx, ed, ch, post.ID)
			cancel()
			c.mu.Lock()
			if !c.dirty[post.ID] {
				delete(c.running, post.ID)
				c.mu.Unlock()
				return
			}
			c.dirty[post.ID] = false
			c.mu.Unlock()
		}
	}()
}

// refreshFooter edits the question to show the current count. It holds the channel's lock and
// re-reads the post, so it can never overwrite the closed version a reveal just put in place.
func (e *Engine) refreshFooter(ctx context.Context, ed Editor, ch Channel, postID int64) {
	unlock, err := e.lockChannel(ctx, ch.ID)
	if err != nil {
		e.log.Warn("updating the answer count skipped: the channel's lock was not taken", convArgs(ch.Conv, "post", postID, "err", err)...)
		return
	}
	defer unlock()
	post, err := e.store.Post(ctx, postID)
	if err != nil || !post.Open() {
		return
	}
	q := e.bank.Get(post.QuestionID)
	if q == nil {
		return
	}
	answered, err := e.store.CountAnswers(ctx, postID)
	if err != nil {
		e.log.Warn("counting answers for the footer failed", convArgs(ch.Conv, "post", postID, "err", err)...)
		return
	}
	post.RevealAt = e.revealTime(ctx, ch, post)
	p := questionPost(q, post, e.now(), ch.Location(), answered)
	if err := ed.Edit(ctx, ch.Conv, post.Ref, p); err != nil {
		e.log.Warn("updating the answer count failed", convArgs(ch.Conv, "post", postID, "err", err)...)
	}
}

// WaitIdle blocks until background footer edits have finished: for shutdown and for tests.
func (e *Engine) WaitIdle() { e.counts.wg.Wait() }
