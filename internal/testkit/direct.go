package testkit

import (
	"context"
	"sync"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

// DirectSent is one private message a DMRecorder received.
type DirectSent struct {
	To   bot.Conversation
	User string
	Post bot.Post
	At   time.Time // the DMRecorder's Now when it came; zero without one
}

// DMRecorder records private messages. Embed it beside an adapter (a Recorder, or a test's own)
// to make that adapter a bot.DirectMessenger; the engine finds the capability by type assertion,
// so an adapter without it keeps the engine's no-DM behaviour.
type DMRecorder struct {
	// Now stamps each message's At (a kit's Clock.Now); nil leaves At zero.
	Now func() time.Time

	mu   sync.Mutex
	sent []DirectSent
	fail func(user string) error
}

var _ bot.DirectMessenger = (*DMRecorder)(nil)

// SendDirect records p for user, unless the function set by FailDMs returns an error for user.
func (d *DMRecorder) SendDirect(_ context.Context, to bot.Conversation, user string, p bot.Post) error {
	d.mu.Lock()
	fail, now := d.fail, d.Now
	d.mu.Unlock()
	// fail runs outside the lock: a test's may never return (runtime.Goexit, a process killed
	// mid-send), and it must not leave the recorder locked for the other process's reads.
	if fail != nil {
		if err := fail(user); err != nil {
			return err
		}
	}
	s := DirectSent{To: to, User: user, Post: p}
	if now != nil {
		s.At = now()
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.sent = append(d.sent, s)
	return nil
}

// FailDMs makes each later SendDirect call fail(user) first and return its error when not nil;
// nil lets every message through again.
func (d *DMRecorder) FailDMs(fail func(user string) error) { setLocked(&d.mu, &d.fail, fail) }

// DMs lists the private messages so far, in order.
func (d *DMRecorder) DMs() []DirectSent { return snapshot(&d.mu, &d.sent) }
