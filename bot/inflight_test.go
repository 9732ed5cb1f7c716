package bot

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestInflightListsWhatRunsUntilItFinishes(t *testing.T) {
	tr := NewInflight(nil)
	if !tr.Wait(context.Background()) {
		t.Fatal("an empty list is not idle")
	}
	ctx, done := tr.Begin(context.Background(), Op{Kind: OpAnswer, User: "U1", What: "answer"})
	if !tr.Within(ctx) {
		t.Error("the operation's context is not within the list")
	}
	// A platform call made by the command is part of it, not a second operation.
	if _, nested := tr.Begin(ctx, Op{Kind: OpBackground, What: "chat.postMessage"}); len(tr.Running()) != 1 {
		t.Errorf("nested work counted on its own: %v", tr.Running())
	} else {
		nested()
	}
	waitCtx, cancel := context.WithCancel(context.Background())
	cancel()
	if tr.Wait(waitCtx) {
		t.Error("Wait reported idle while an operation runs")
	}
	done()
	done() // twice is harmless
	if !tr.Wait(context.Background()) || len(tr.Running()) != 0 {
		t.Errorf("still listed after done: %v", tr.Running())
	}
	if tr.Within(ctx) {
		t.Error("a finished operation's context still counts as within it (a footer edit it left would go uncounted)")
	}
	if ctx.Err() == nil {
		t.Error("a finished operation's context is not released")
	}
}

func TestInflightAbandonCancelsAndReports(t *testing.T) {
	tr := NewInflight(nil)
	a, _ := tr.Begin(context.Background(), Op{Kind: OpAnswer, User: "U1", What: "answer"})
	b, _ := tr.Begin(context.Background(), Op{Kind: OpScheduled, What: "question"})
	outlived, endTick := tr.Outlive(canceled())
	defer endTick()
	if outlived.Err() != nil {
		t.Fatal("Outlive's context ended with its parent: a tick would lose its grace")
	}
	ops := tr.Abandon()
	if len(ops) != 2 || ops[0].Kind != OpAnswer || ops[1].Kind != OpScheduled {
		t.Fatalf("Abandon returned %v, want the answer then the scheduled job", ops)
	}
	for _, ctx := range []context.Context{a, b} {
		if !errors.Is(context.Cause(ctx), ErrAbandoned) {
			t.Errorf("cause %v, want ErrAbandoned", context.Cause(ctx))
		}
	}
	<-outlived.Done()
	if !errors.Is(context.Cause(outlived), ErrAbandoned) {
		t.Errorf("tick context cause %v, want ErrAbandoned", context.Cause(outlived))
	}
	late, _ := tr.Begin(context.Background(), Op{Kind: OpCommand})
	if !errors.Is(context.Cause(late), ErrAbandoned) || len(tr.Running()) != 2 {
		t.Error("work begun after Abandon runs or is listed")
	}
}

func canceled() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

// stuckHandler answers only when its context ends, or never when ignore is set; it says when an
// event has reached it.
type stuckHandler struct {
	started chan Event
	ignore  bool
	reply   Reply
}

func (h *stuckHandler) Handle(ctx context.Context, ev Event) Reply {
	h.started <- ev
	if h.ignore {
		select {} // stuck on something that does not honour ctx
	}
	if h.reply.Empty() {
		<-ctx.Done()
		return privateText(internalErrorText)
	}
	return h.reply
}

func TestTrackedHandlerTellsAnAbandonedUser(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		ignore     bool
		want       string
	}{
		{"answer, engine honours ctx", "answer B", false, "could not finish your answer in time: it may not have been recorded"},
		{"answer, engine stuck", "answer B", true, "could not finish your answer in time"},
		{"other command", "today", true, "could not finish `/pyq today` in time"},
		{"user text never echoed", "frobnicate <!channel>", true, "could not finish `/pyq help`"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := NewInflight(nil)
			inner := &stuckHandler{started: make(chan Event, 1), ignore: tc.ignore}
			h := tr.Handler(inner)
			got := make(chan Reply, 1)
			go func() { got <- h.Handle(context.Background(), Event{User: User{ID: "U1"}, Text: tc.text}) }()
			<-inner.started
			ops := tr.Abandon()
			if len(ops) != 1 || ops[0].User != "U1" {
				t.Fatalf("abandoned %v, want U1's command", ops)
			}
			if want := OpCommand; tc.text == "answer B" && ops[0].Kind != OpAnswer || tc.text != "answer B" && ops[0].Kind != want {
				t.Errorf("kind %s for %q", ops[0].Kind, tc.text)
			}
			r := <-got
			if !r.Private || !strings.Contains(r.Post.Text, tc.want) {
				t.Errorf("reply %+v, want a private %q", r, tc.want)
			}
		})
	}
}

func TestTrackedHandlerPassesRepliesAndRefusesAfterAbandon(t *testing.T) {
	tr := NewInflight(nil)
	inner := &stuckHandler{started: make(chan Event, 1), reply: privateText("Recorded your answer B.")}
	h := tr.Handler(inner)
	if r := h.Handle(context.Background(), Event{User: User{ID: "U1"}, Text: "answer B"}); r.Post.Text != "Recorded your answer B." {
		t.Errorf("reply %q, want the engine's", r.Post.Text)
	}
	<-inner.started
	tr.Abandon()
	r := h.Handle(context.Background(), Event{User: User{ID: "U2"}, Text: "me"})
	if !strings.Contains(r.Post.Text, "`/pyq me` was not run") {
		t.Errorf("after Abandon the reply is %q, want that it was not run", r.Post.Text)
	}
	select {
	case ev := <-inner.started:
		t.Errorf("the engine ran %q after Abandon", ev.Text)
	default:
	}
	if refused := tr.Refused(); len(refused) != 1 || refused[0].User != "U2" || refused[0].What != "me" {
		t.Errorf("refused %v, want U2's /pyq me", refused)
	}
}

func TestNilInflightTracksNothing(t *testing.T) {
	var tr *Inflight
	ctx, done := tr.Begin(context.Background(), Op{})
	done()
	if ctx.Err() != nil || tr.Abandoned() || tr.Within(ctx) || !tr.Wait(ctx) || tr.Abandon() != nil {
		t.Error("a nil list does something")
	}
	parent, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	if got, _ := tr.Outlive(parent); got != parent {
		t.Error("a nil list's Outlive changes the context: the scheduler would lose its stop")
	}
}

// A platform call registered by a transport, which knows only the platform, is named by the
// conversation and user its context was marked About; an operation that names its own keeps them.
func TestAboutNamesBackgroundWork(t *testing.T) {
	fl := NewInflight(nil)
	conv := Conversation{Platform: "slack", Workspace: "T1", Channel: "C1"}
	ctx := About(context.Background(), conv, "U1")
	_, done := fl.Begin(ctx, Op{Kind: OpBackground, Conv: Conversation{Platform: "slack"}, What: "users.info"})
	defer done()
	own := Conversation{Platform: "slack", Workspace: "T2", Channel: "C2"}
	_, done2 := fl.Begin(About(context.Background(), conv, "U1"), Op{Kind: OpCommand, Conv: own, User: "U2", What: "today"})
	defer done2()
	got := fl.Running()
	if len(got) != 2 {
		t.Fatalf("running: %+v", got)
	}
	if got[0].Conv != conv || got[0].User != "U1" {
		t.Errorf("background call: %+v, want it named %+v user U1", got[0], conv)
	}
	if got[1].Conv != own || got[1].User != "U2" {
		t.Errorf("a command that names itself was renamed: %+v", got[1])
	}
}
