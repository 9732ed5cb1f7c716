package testkit

import (
	"context"
	"fmt"
	"sync"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit/syncbuf"
)

// Sent is one post or edit a Recorder received.
type Sent struct {
	To   bot.Conversation
	Ref  bot.MessageRef
	Post bot.Post
}

// Recorder is an adapter that remembers what the engine sent and edited, like hubot's
// DummyAdapter: the engine's real output, before any platform renders it. Its message ids are
// msg-1, msg-2… in sending order; a reply in a thread carries the parent's id as its Thread.
type Recorder struct {
	name string

	mu    sync.Mutex
	sent  []Sent
	edits []Sent
	fail  error
}

var (
	_ bot.Adapter = (*Recorder)(nil)
	_ bot.Editor  = (*Recorder)(nil)
)

// NewRecorder returns a recorder for the platform name (Conversation.Platform of its channels).
func NewRecorder(name string) *Recorder { return &Recorder{name: name} }

// Name is the platform name the recorder was made with.
func (r *Recorder) Name() string { return r.name }

// Run waits for ctx: events reach the engine through Handle in tests, not through the recorder.
func (r *Recorder) Run(ctx context.Context, _ bot.Handler) error { <-ctx.Done(); return nil }

// Send records p, or fails with the error set by Fail.
func (r *Recorder) Send(_ context.Context, to bot.Conversation, p bot.Post) (bot.MessageRef, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return bot.MessageRef{}, r.fail
	}
	ref := bot.MessageRef{Channel: to.Channel, ID: fmt.Sprintf("msg-%d", len(r.sent)+1)}
	if p.Thread != nil {
		ref.Thread = p.Thread.ID
	}
	r.sent = append(r.sent, Sent{To: to, Ref: ref, Post: p})
	return ref, nil
}

// Edit records the edit.
func (r *Recorder) Edit(_ context.Context, to bot.Conversation, ref bot.MessageRef, p bot.Post) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.edits = append(r.edits, Sent{To: to, Ref: ref, Post: p})
	return nil
}

// Fail makes every later Send fail with err; nil lets them through again.
func (r *Recorder) Fail(err error) { setLocked(&r.mu, &r.fail, err) }

// Sent lists the posts so far, in order.
func (r *Recorder) Sent() []Sent { return snapshot(&r.mu, &r.sent) }

// Edits lists the edits so far, in order.
func (r *Recorder) Edits() []Sent { return snapshot(&r.mu, &r.edits) }

// Find returns the first post so far that match accepts.
func (r *Recorder) Find(match func(Sent) bool) (Sent, bool) {
	for _, s := range r.Sent() {
		if match(s) {
			return s, true
		}
	}
	return Sent{}, false
}

// SyncBuffer records what an adapter's goroutine writes (the terminal's output, a logger) for the
// test to read, and queues its input; it is syncbuf.Buffer, which the scheduler's own tests use
// directly.
type SyncBuffer = syncbuf.Buffer
