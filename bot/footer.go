package bot

import (
	"context"
	"sync"
	"time"
)

// answerCounts keeps each open question's footer showing how many have answered. Edits coalesce:
// one refresher per question edits it, and answers that arrive meanwhile are folded into one more
// edit when it returns. A question's edits are also spaced: each starts at least the gap
// (Config.EditGap, real time) after the one before, so a sustained burst costs one edit a gap plus
// a trailing one with the final count, where edits back to back went past Slack's chat.update limit
// and Discord's per-channel edit bucket. An answer after a quiet spell is shown at once. The gap is
// per question: questions answered at the same moment in one workspace share Slack's per-workspace
// budget, and a 429 is then waited out by the adapter within the edit's timeout.
type answerCounts struct {
	mu      sync.Mutex
	running map[int64]bool      // a refresher is editing this post (or waiting to)
	dirty   map[int64]bool      // answers arrived since the refresher read the count
	edited  map[int64]time.Time // when the post's last edit started (c.now), while within the gap
	wg      sync.WaitGroup

	gap   time.Duration
	now   func() time.Time
	sleep func(context.Context, time.Duration) error
}

// configure takes Config's EditGap, EditNow and EditSleep, or their defaults.
func (c *answerCounts) configure(cfg Config) {
	c.gap, c.now, c.sleep = cfg.EditGap, cfg.EditNow, cfg.EditSleep
	if c.gap <= 0 {
		c.gap = DefaultEditGap
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.sleep == nil {
		c.sleep = func(ctx context.Context, d time.Duration) error { return Sleep(ctx, d) }
	}
}

// DefaultEditGap is Config.EditGap's default: Slack allows chat.update about 50 times a minute per
// workspace (Tier 3), one call every 1.2 s; Discord's message-edit bucket of 5 per 5 s per channel
// is inside that too.
const DefaultEditGap = 1200 * time.Millisecond

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
		c.running, c.dirty, c.edited = map[int64]bool{}, map[int64]bool{}, map[int64]time.Time{}
	}
	if c.running[post.ID] {
		c.dirty[post.ID] = true
		c.mu.Unlock()
		return
	}
	c.running[post.ID] = true
	c.forgetOld()
	c.wg.Add(1)
	c.mu.Unlock()
	// The command that triggered it has already replied: neither the wait nor the edit ends with
	// its context. The wait ends early only when a shutdown abandons its work (the process is then
	// exiting and closing the store); WaitIdle waits it out, at most a gap.
	ctx = context.WithoutCancel(ctx)
	go func() {
		defer c.wg.Done()
		for {
			if err := e.waitEditGap(ctx, post.ID); err != nil {
				c.mu.Lock()
				delete(c.running, post.ID)
				delete(c.dirty, post.ID)
				c.mu.Unlock()
				e.log.Warn("updating the answer count skipped: shutting down", convArgs(ch.Conv, "post", post.ID, "err", err)...)
				return
			}
			c.mu.Lock()
			c.dirty[post.ID] = false // answers from here on may be after the count is read
			c.mu.Unlock()
			// A platform that hangs must not hold the goroutine (or shutdown) for long.
			editCtx, cancel := context.WithTimeout(ctx, footerEditTimeout)
			started := e.refreshFooter(editCtx, ed, ch, post.ID)
			cancel()
			c.mu.Lock()
			if !started.IsZero() {
				c.edited[post.ID] = started
			}
			if !c.dirty[post.ID] {
				delete(c.running, post.ID)
				delete(c.dirty, post.ID)
				c.mu.Unlock()
				return
			}
			c.mu.Unlock()
		}
	}()
}

// waitEditGap waits until the gap since post's last edit started has passed (no wait if it has).
func (e *Engine) waitEditGap(ctx context.Context, postID int64) error {
	c := &e.counts
	c.mu.Lock()
	last, ok := c.edited[postID]
	c.mu.Unlock()
	if !ok {
		return nil
	}
	wait := c.gap - c.now().Sub(last)
	if wait <= 0 {
		return nil
	}
	ctx, cancel := e.inflight.Outlive(ctx)
	defer cancel()
	return c.sleep(ctx, wait)
}

// forgetOld drops the edit times a gap old, which no longer hold an edit back. Called with mu held.
func (c *answerCounts) forgetOld() {
	now := c.now()
	for id, t := range c.edited {
		if now.Sub(t) >= c.gap {
			delete(c.edited, id)
		}
	}
}

// refreshFooter edits the question to show the current count, and says when the edit started
// (Config.EditNow; zero when none was made). It holds the channel's lock and re-reads the post, so
// it can never overwrite the closed version a reveal just put in place.
func (e *Engine) refreshFooter(ctx context.Context, ed Editor, ch Channel, postID int64) time.Time {
	unlock, err := e.lockChannel(ctx, ch.ID)
	if err != nil {
		e.log.Warn("updating the answer count skipped: the channel's lock was not taken", convArgs(ch.Conv, "post", postID, "err", err)...)
		return time.Time{}
	}
	defer unlock()
	post, err := e.store.Post(ctx, postID)
	if err != nil || !post.Open() {
		return time.Time{}
	}
	q := e.bank.Get(post.QuestionID)
	if q == nil {
		return time.Time{}
	}
	answered, err := e.store.CountAnswers(ctx, postID)
	if err != nil {
		e.log.Warn("counting answers for the footer failed", convArgs(ch.Conv, "post", postID, "err", err)...)
		return time.Time{}
	}
	post.RevealAt = e.revealTime(ctx, ch, post)
	p := questionPost(q, post, e.now(), ch.Location(), answered)
	started := e.counts.now()
	if err := ed.Edit(ctx, ch.Conv, post.Ref, p); err != nil {
		e.log.Warn("updating the answer count failed", convArgs(ch.Conv, "post", postID, "err", err)...)
	}
	// A failed edit counts too: it was a call the platform's limit saw.
	return started
}

// WaitIdle blocks until background footer edits have finished: for shutdown and for tests. A
// question answered in the last gap gets its trailing edit first, so this can take EditGap longer
// than the edit.
func (e *Engine) WaitIdle() { e.counts.wg.Wait() }
