package bot

import (
	"context"
	"sync"
	"time"
)

// answerCache keeps, for answerCacheTTL, what an answer reads besides its own commit: the
// question's channel and post (Store.AnswerTarget) and the channel's next reveal, found from its
// schedules (for "revealed Wed 17:00" in the reply). Under a burst (everyone pressing B within
// seconds of the post) those reads and the cron arithmetic were as much work as the commit (a
// profile of pyqbot-load's slash commands: AnswerTarget and the reveal time 0.25 s, RecordAnswer
// 0.09 s), and they are the same for every answer.
//
// What it may make stale, and why that is safe:
//   - Whether the question is open: the commit checks that itself (RecordAnswer refuses a closed
//     question, whichever replica closed it), and a close in this process empties the cache.
//   - The channel's zone and schedules, shown in the reply's reveal time: a change in this process
//     (`/pyq schedule …`, `/pyq filter …`) empties the cache; one made by another replica shows up
//     within answerCacheTTL.
//
// The footer refresh, reveals and the scheduler read the store as before.
type answerCache struct {
	mu      sync.Mutex
	targets map[answerKey]kept[answerTargetRead]
	reveals map[int64]kept[time.Time] // by channel: its next reveal (zero: none scheduled)
	// gen counts emptyings: a read that began before one does not go back in after it (it may
	// hold what the change replaced).
	gen uint64
}

// answerCacheTTL is how long a read is reused: long enough that a burst reads once, short enough
// that another replica's change is shown within a second.
const answerCacheTTL = time.Second

// answerCacheMax bounds each map: past it, entries are dropped wholesale (they expire within a
// second anyway).
const answerCacheMax = 4096

type answerKey struct {
	conv Conversation
	post int64
}

type answerTargetRead struct {
	ch   Channel
	post PostedQuestion
}

// kept is a read and when it was made.
type kept[V any] struct {
	v  V
	at time.Time
}

// cached is m's entry for key when it was read less than answerCacheTTL before now.
func cached[K comparable, V any](c *answerCache, m *map[K]kept[V], key K, now time.Time) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	k, ok := (*m)[key]
	d := now.Sub(k.at)
	return k.v, ok && d >= 0 && d < answerCacheTTL
}

// keep puts a read made at now into m, unless the cache was emptied since gen was taken (before
// the read began).
func keep[K comparable, V any](c *answerCache, m *map[K]kept[V], gen uint64, key K, v V, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if *m == nil || len(*m) >= answerCacheMax {
		*m = map[K]kept[V]{}
	}
	(*m)[key] = kept[V]{v, now}
}

// generation is the cache's count of emptyings, taken before a read of the store.
func (c *answerCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// answerTarget is Store.AnswerTarget through the cache: only an open question is kept.
func (e *Engine) answerTarget(ctx context.Context, conv Conversation, postID int64) (Channel, PostedQuestion, error) {
	c, key, now := &e.answers, answerKey{conv, postID}, e.now()
	if t, ok := cached(c, &c.targets, key, now); ok {
		return t.ch, t.post, nil
	}
	gen := c.generation()
	ch, post, err := e.store.AnswerTarget(ctx, conv, postID)
	// A post not yet on the platform (no message to edit) is not kept: the footer skips it.
	if err == nil && post.Open() && !post.Ref.IsZero() {
		keep(c, &c.targets, gen, key, answerTargetRead{ch, post}, now)
	}
	return ch, post, err
}

// answerReveal is nextRevealOf through the cache: the channel's next reveal, found from its
// schedules at most once a second, and again once that reveal has passed.
func (e *Engine) answerReveal(ctx context.Context, ch Channel, now time.Time) (time.Time, error) {
	c := &e.answers
	if at, ok := cached(c, &c.reveals, ch.ID, now); ok && (at.IsZero() || now.Before(at)) {
		return at, nil
	}
	gen := c.generation()
	at, err := e.nextRevealOf(ctx, ch, now)
	if err == nil {
		keep(c, &c.reveals, gen, ch.ID, at, now)
	}
	return at, err
}

// forgetAnswerReads empties the cache: this process changed a channel's settings or schedules
// (seeding its default schedules too), or closed a question.
func (e *Engine) forgetAnswerReads() {
	c := &e.answers
	c.mu.Lock()
	c.targets, c.reveals = nil, nil
	c.gen++
	c.mu.Unlock()
}
