package slack

import (
	"context"
	"encoding/json"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/pyqbot/pyqbot/bot"
)

// This file answers a request inside its acknowledgement. Slack shows an error if it has no
// acknowledgement 3 s after it sent the request; that budget covers its own send, the network both
// ways and TLS, which take a few hundred milliseconds from a far region. The core therefore gets
// DefaultAckDeadline, counted from when the request was read, leaving a second for all of that.
// An answer is committed before the acknowledgement; only a core slower than the deadline is
// acknowledged without its reply, which then follows through response_url.

// DefaultAckDeadline is how long the core may take before a request is acknowledged without its reply.
const DefaultAckDeadline = 2 * time.Second

// socketAckLimit is Slack's cap on one Socket Mode message (slack-go refuses larger acks):
// a reply that does not fit goes through response_url instead.
const socketAckLimit = 20 * 1024

// inbound is one request the core should answer: who, where, what, and where a late reply goes.
type inbound struct {
	what             string // "slash command", "button press", "modal answer": for logs
	team, channel    string
	userID, userName string
	text             string
	slash            bool // a slash command: its acknowledgement can carry the reply
	to               replyTo
	received         time.Time
	fits             func(ack any) bool // whether an acknowledgement payload can be sent; nil: any
	// replayKey is bot.Event.ReplayKey, set for slash commands and block actions: the core claims
	// it for what changes (a vote, a rubric save), as a replayed old vote would undo a newer one.
	// A modal submission is an answer, and the first answer locks.
	replayKey string
}

// answer runs in through the core, waiting at most the deadline, and returns what to acknowledge
// with (nil: an empty acknowledgement) and what to do once the acknowledgement is sent (nil: nothing).
// followUp must be called after the acknowledgement; it returns at once and does its work in the
// background.
func (a *Adapter) answer(in inbound) (ack any, followUp func()) {
	h, base := a.handler()
	if h == nil {
		return nil, nil
	}
	done := make(chan bot.Reply, 1)
	a.work.Add(1)
	go func() {
		defer a.work.Done()
		ctx, cancel := context.WithTimeout(base, workTimeout)
		defer cancel()
		done <- a.runCore(ctx, h, in)
	}()
	select {
	case reply := <-done:
		return a.inTime(in, reply)
	case <-a.after(a.deadline - a.now().Sub(in.received)):
	}
	a.log.Warn("slack "+in.what+" took longer than the acknowledgement deadline; the reply follows through response_url",
		"workspace", in.team, "channel", in.channel, "user", in.userID, "deadline", a.deadline)
	pending := bot.Reply{Private: true, Post: bot.Post{Text: bot.PendingText(in.text)}}
	if in.slash {
		if ack := slashAck(pending); in.fits == nil || in.fits(ack) {
			return ack, a.later(in.to, func(ctx context.Context) { a.deliverLate(ctx, in.to, done) })
		}
	}
	// A button press or modal submission cannot carry a message in its acknowledgement.
	return nil, a.later(in.to, func(ctx context.Context) {
		a.deliver(ctx, in.to, pending)
		a.deliverLate(ctx, in.to, done)
	})
}

// deliverLate shows the core's reply once it comes, with time of its own from then: the core may
// answer after ctx has ended (an answer whose batch was committing then is recorded and confirmed;
// one still queued is refused), and the user told it is being recorded must hear the outcome.
func (a *Adapter) deliverLate(ctx context.Context, to replyTo, done <-chan bot.Reply) {
	reply := <-done
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), workTimeout)
	defer cancel()
	a.deliver(ctx, to, lateReply(reply))
}

// lateReply is what follows a pending acknowledgement: the core's reply, or "Done." when it had
// nothing to add (it posted a question or a reveal in the channel). The pending note promised a
// reply, and an empty message is refused by Slack (no_text), so the note would be the last word.
func lateReply(reply bot.Reply) bot.Reply {
	if reply.Empty() {
		return bot.Reply{Private: true, Post: bot.Post{Text: "Done."}}
	}
	return reply
}

// inTime is the acknowledgement for a reply the core gave before the deadline.
func (a *Adapter) inTime(in inbound, reply bot.Reply) (any, func()) {
	if reply.Empty() {
		return nil, nil // the core posted what there was to post (a question, a reveal)
	}
	if in.slash {
		if ack := slashAck(reply); in.fits == nil || in.fits(ack) {
			return ack, nil
		}
		a.log.Info("slack reply too large for a Socket Mode acknowledgement; sent through response_url",
			"workspace", in.team, "channel", in.channel, "user", in.userID)
	}
	return nil, a.later(in.to, func(ctx context.Context) { a.deliver(ctx, in.to, reply) })
}

// runCore names the user (see who), runs the command, and refreshes the user's name afterwards.
func (a *Adapter) runCore(ctx context.Context, h bot.Handler, in inbound) bot.Reply {
	a.log.Debug("slack command received", "workspace", in.team, "channel", in.channel, "user", in.userID, "text", in.text)
	user, admin := a.who(ctx, in.team, in.userID, in.userName, bot.AdminMatters(in.text))
	reply := a.handle(ctx, h, bot.Event{
		Conv:      bot.Conversation{Platform: Platform, Workspace: in.team, Channel: in.channel},
		User:      user,
		Admin:     admin,
		Text:      in.text,
		ReplayKey: in.replayKey,
	})
	a.refreshUser(in.team, in.userID, in.userName, user.Name)
	return reply
}

// later returns a function that runs fn in the background, as spawn does.
func (a *Adapter) later(to replyTo, fn func(ctx context.Context)) func() {
	return func() { a.spawn("reply", to.conv(), to.user, func(ctx context.Context, _ bot.Handler) { fn(ctx) }) }
}

// slashAck is a slash command's acknowledgement that shows reply: the same message a response_url
// post would carry.
func slashAck(reply bot.Reply) *slack.WebhookMessage {
	msg := &slack.WebhookMessage{ResponseType: slack.ResponseTypeEphemeral, Text: FallbackText(reply.Post), Blocks: &slack.Blocks{BlockSet: Blocks(reply.Post)}}
	if !reply.Private {
		msg.ResponseType = slack.ResponseTypeInChannel
	}
	return msg
}

// fitsSocketAck reports whether an ack with payload stays under Socket Mode's size cap, measured
// as slack-go measures it.
func fitsSocketAck(envelopeID string) func(any) bool {
	return func(payload any) bool {
		raw, err := json.Marshal(socketmode.Response{EnvelopeID: envelopeID, Payload: payload})
		return err == nil && len(raw) < socketAckLimit
	}
}
