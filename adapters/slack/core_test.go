package slack

import (
	"context"
	"sync"
	"testing"

	"github.com/pyqbot/pyqbot/adapters/slack/slackfake"
	"github.com/pyqbot/pyqbot/bot"
)

// A display-name refresh waits while a command is in the core, and goes out once the core is
// empty: under a burst the answers are served first and the refreshes trail behind them.
func TestNameRefreshWaitsForTheCoreToEmpty(t *testing.T) {
	t.Parallel()
	e := newEnv(t, ModeHTTP)
	entered, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	free := func() { once.Do(func() { close(release) }) }
	t.Cleanup(free) // a failing test must not leave the held command in the core
	waiting := make(chan struct{}, 10)
	e.a.idle.waiting = func() { waiting <- struct{}{} }
	e.startWith(handlerFunc(func(ctx context.Context, ev bot.Event) bot.Reply {
		if ev.User.ID == "UHOLD" {
			close(entered)
			<-release
		}
		return e.core.Handle(ctx, ev)
	}))
	e.fake.SetUser("U1", slackfake.User{Name: "ann", DisplayName: "Ann"})
	e.fake.SetUser("UHOLD", slackfake.User{Name: "hold", DisplayName: "Hold"})

	held := e.signedAsync(PathCommands, formType, slash(e.fake, "UHOLD", "answer B").Encode())
	receive(t, entered, "the held command never reached the core")
	if ack := ackMessage(t, e.signed(PathCommands, formType, slash(e.fake, "U1", "answer B").Encode())); ack["text"] != "you said answer B" {
		t.Fatalf("ack = %v", ack)
	}
	receive(t, waiting, "U1's refresh did not wait for the held command")
	if n := len(e.fake.Calls("users.info")); n != 0 {
		t.Fatalf("users.info called %d times while a command was in the core, want 0", n)
	}
	free()
	response(t, held)
	for _, c := range waitCalls(t, e.fake, "users.info", 2) {
		if c.Get("user") == "U1" {
			return
		}
	}
	t.Error("U1's name was never refreshed after the core emptied")
}

type handlerFunc func(context.Context, bot.Event) bot.Reply

func (f handlerFunc) Handle(ctx context.Context, e bot.Event) bot.Reply { return f(ctx, e) }

// A display-name refresh also waits for a confirmation on its way: a button press's reply follows
// its acknowledgement through response_url, and until it lands the user is still waiting for it.
func TestNameRefreshWaitsForTheConfirmationToLand(t *testing.T) {
	t.Parallel()
	e := newEnv(t, ModeHTTP)
	hold := make(chan struct{})
	var once sync.Once
	free := func() { once.Do(func() { close(hold) }) }
	t.Cleanup(free) // a failing test must not leave the confirmation held
	waiting := make(chan struct{}, 10)
	e.a.idle.waiting = func() { waiting <- struct{}{} }
	e.start()
	e.fake.SetUser("U2", slackfake.User{Name: "bea", DisplayName: "Bea"})
	e.fake.Fail("response_url", slackfake.Failure{Hold: hold})

	if r := e.signed(PathInteractions, formType, interactionPayload(t, buttonPress(e.fake, "U2", "pyq_answer_B", "answer #12 B", nil))); r.StatusCode != 200 {
		t.Fatalf("button press: status %d", r.StatusCode)
	}
	receive(t, waiting, "U2's refresh did not wait for the confirmation on its way")
	if n := len(e.fake.Calls("users.info")); n != 0 {
		t.Fatalf("users.info called %d times while the confirmation was held, want 0", n)
	}
	free()
	if c := waitCalls(t, e.fake, "response_url", 1)[0]; c.Get("text") != "you said answer #12 B" {
		t.Errorf("confirmation = %q", c.Get("text"))
	}
	if c := waitCalls(t, e.fake, "users.info", 1)[0]; c.Get("user") != "U2" {
		t.Errorf("users.info for %q, want U2", c.Get("user"))
	}
}
