package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Handler returns h with every event registered in t while it runs: the single entry point every
// adapter calls for commands, button presses and modal answers. When a shutdown abandons an event,
// the wrapper returns at once with a reply telling the user it was not completed (the adapter sends
// it where the platform still allows a reply), without waiting for h, which may be stuck on a lock
// or a platform call. A Renamer's RenameUser is forwarded and registered as background work.
func (t *Inflight) Handler(h Handler) Handler {
	return &trackedHandler{h: h, t: t}
}

type trackedHandler struct {
	h Handler
	t *Inflight
}

var (
	_ Handler = (*trackedHandler)(nil)
	_ Renamer = (*trackedHandler)(nil)
)

// eventOp is the operation an event is, for the shutdown report.
func eventOp(ev Event) Op {
	word, _ := splitWord(ev.Text)
	word = strings.ToLower(word)
	if _, ok := commandByName(word); !ok {
		word = "help" // what an empty or unknown word runs; never a user's text in a log
	}
	kind := OpCommand
	if word == "answer" {
		kind = OpAnswer
	}
	return Op{Kind: kind, Conv: ev.Conv, User: ev.User.ID, What: word}
}

func (th *trackedHandler) Handle(ctx context.Context, ev Event) Reply {
	op := eventOp(ev)
	if th.t.Abandoned() {
		th.t.refuse(op)
		return NotStartedReply(op.What)
	}
	ctx, done := th.t.Begin(ctx, op)
	defer done()
	replies := make(chan Reply, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil { // the engine recovers its own; this guards other handlers
				replies <- failedReply(internalErrorText)
			}
		}()
		replies <- th.h.Handle(ctx, ev)
	}()
	select {
	case r := <-replies:
		if !abandoned(ctx) {
			return r
		}
		// Produced under a cancelled context ("something went wrong"), or just as the grace ran
		// out: either way the notice below is what is true.
	case <-th.t.abandonedCh():
	}
	return NotCompletedReply(op.What)
}

// RenameUser stores a display name learnt after a reply; see Renamer.
func (th *trackedHandler) RenameUser(ctx context.Context, conv Conversation, u User) (bool, error) {
	r, ok := th.h.(Renamer)
	if !ok {
		return false, nil
	}
	ctx, done := th.t.Begin(ctx, Op{Kind: OpBackground, Conv: conv, User: u.ID, What: "store display name"})
	defer done()
	return r.RenameUser(ctx, conv, u)
}

// abandoned reports whether ctx, from Begin, ended because of Abandon.
func abandoned(ctx context.Context) bool {
	return ctx.Err() != nil && errors.Is(context.Cause(ctx), ErrAbandoned)
}

// NotCompletedReply is what a user is told when a shutdown abandons their command. It cannot say
// whether an answer was stored (the commit may have happened just before), so it says how to check.
func NotCompletedReply(word string) Reply {
	if word == "answer" {
		return privateText("pyqbot is restarting and could not finish your answer in time: it may not have been recorded. " +
			"Once pyqbot is back, send it again: if it was recorded, you will be told you already answered.")
	}
	return privateText(fmt.Sprintf("pyqbot is restarting and could not finish `/pyq %s` in time, so it may not have taken effect. "+
		"Send it again once pyqbot is back.", word))
}

// NotStartedReply is what a user is told when their command reaches the engine after a shutdown
// has abandoned what was in flight: it was not run at all.
func NotStartedReply(word string) Reply {
	return privateText(fmt.Sprintf("pyqbot is restarting, so `/pyq %s` was not run and nothing changed. "+
		"Send it again once pyqbot is back.", word))
}
