package slack

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pyqbot/pyqbot/adapters/slack/slackfake"
)

func socketEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t, ModeSocket).start()
	if n, err := e.fake.WaitConnected(waitLimit); err != nil || n != 1 {
		t.Fatalf("first connection: %d %v", n, err)
	}
	return e
}

// send delivers an envelope and returns its ack.
func (e *env) send(typ string, payload any) slackfake.Ack {
	e.t.Helper()
	wait, err := e.fake.Envelope(typ, payload)
	if err != nil {
		e.t.Fatal(err)
	}
	ack, err := wait(waitLimit)
	if err != nil {
		e.t.Fatal(err)
	}
	return ack
}

func TestSocketModeAcksEveryEnvelope(t *testing.T) {
	t.Parallel()
	e := socketEnv(t)
	if calls := e.fake.Calls("apps.connections.open"); len(calls) != 1 || calls[0].Token != slackfake.AppToken {
		t.Fatalf("apps.connections.open = %+v, want one call with the app-level token", calls)
	}

	// A slash command: the reply is the ack's payload.
	cmd := socketSlash(e.fake, "U1", "me")
	var reply map[string]any
	if ack := e.send("slash_commands", cmd); json.Unmarshal(ack.Payload, &reply) != nil || reply["text"] != "you said me" {
		t.Errorf("slash command ack payload = %s, want the reply", ack.Payload)
	}
	if ev := e.core.next(t); ev.Text != "me" || ev.Conv.Channel != "C1" {
		t.Errorf("event = %+v", ev)
	}

	// A button press.
	e.send("interactive", buttonPress(e.fake, "U2", "pyq_answer_A", "answer #3 A", nil))
	if ev := e.core.next(t); ev.Text != "answer #3 A" || ev.User.ID != "U2" {
		t.Errorf("event = %+v", ev)
	}

	// A view submission: a good one closes the modal (empty ack), a blank one gets errors in the ack.
	e.send("interactive", viewSubmission("U3", "#4", "C1", "use a queue"))
	if ev := e.core.next(t); ev.Text != "answer #4 use a queue" {
		t.Errorf("event = %+v", ev)
	}
	ack := e.send("interactive", viewSubmission("U3", "#4", "C1", ""))
	var resp map[string]any
	json.Unmarshal(ack.Payload, &resp)
	if resp["response_action"] != "errors" {
		t.Errorf("blank submission ack = %s, want response_action errors", ack.Payload)
	}

	// An event: acked, and the Home tab published.
	var home map[string]any
	json.Unmarshal([]byte(homeOpened("Ev9", "U1")), &home)
	e.send("events_api", home)
	if got := []string{e.core.next(t).Text, e.core.next(t).Text}; strings.Join(got, ",") != "me,leaderboard" {
		t.Errorf("home asked %v", got)
	}
	waitCalls(t, e.fake, "views.publish", 1)
}

func TestSocketModeSurvivesARefreshDisconnect(t *testing.T) {
	t.Parallel()
	e := socketEnv(t)
	if err := e.fake.Disconnect("refresh_requested"); err != nil {
		t.Fatal(err)
	}
	if n, err := e.fake.WaitConnected(waitLimit); err != nil || n != 2 {
		t.Fatalf("reconnect: %d %v", n, err)
	}
	e.send("interactive", buttonPress(e.fake, "U2", "pyq_answer_C", "answer #5 C", nil))
	if ev := e.core.next(t); ev.Text != "answer #5 C" {
		t.Errorf("after reconnecting, event = %+v", ev)
	}
	if n := len(e.fake.Calls("apps.connections.open")); n != 2 {
		t.Errorf("apps.connections.open called %d times, want 2", n)
	}
}

func TestSocketModeDedupesRetriedEvents(t *testing.T) {
	t.Parallel()
	e := socketEnv(t)
	var home map[string]any
	json.Unmarshal([]byte(homeOpened("Ev42", "U1")), &home)
	e.send("events_api", home)
	e.send("events_api", home) // Slack's retry after a missed ack: acked again, not handled again
	e.core.next(t)
	e.core.next(t)
	e.stop()
	e.core.none(t)
	if n := len(e.fake.Calls("views.publish")); n != 1 {
		t.Errorf("views.publish called %d times, want 1", n)
	}
}
