package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/adapters/slack/slackfake"
	"github.com/pyqbot/pyqbot/bot"
)

// A core slower than the deadline: the acknowledgement says the answer is being recorded (not that
// it was), and the core's own reply follows through response_url once it answers.
func TestSlowSlashCommandIsAcknowledgedAsPendingThenConfirmed(t *testing.T) {
	t.Parallel()
	e := newEnv(t, ModeHTTP).start()
	ack := lateSlash(t, e, "answer B")
	if text, _ := ack["text"].(string); ack["response_type"] != "ephemeral" || !strings.Contains(text, "being recorded") || strings.Contains(text, "Recorded") {
		t.Errorf("late ack = %v, want an ephemeral note that the answer is being recorded", ack)
	}
	if n := len(e.fake.Calls("response_url")); n != 0 {
		t.Fatalf("a reply went out before the core answered (%d)", n)
	}
	close(e.core.gate)
	r := waitCalls(t, e.fake, "response_url", 1)[0]
	if r.Path != "/response/cmd-U1" || r.Get("response_type") != "ephemeral" || r.Get("text") != "you said answer B" {
		t.Errorf("follow-up = %s %+v, want the core's reply on cmd-U1", r.Path, r.JSON)
	}
}

// lateSlash sends U1's /pyq text to a running HTTP-mode adapter whose core holds until e.core.gate
// is closed (lateSlash makes the gate), lets the acknowledgement deadline pass, and returns the
// acknowledgement.
func lateSlash(t *testing.T, e *env, text string) map[string]any {
	t.Helper()
	if e.core.gate == nil {
		e.core.gate = make(chan struct{})
	}
	resp := e.signedAsync(PathCommands, formType, slash(e.fake, "U1", text).Encode())
	e.core.next(t)
	if d := e.timer.started(t); d != DefaultAckDeadline {
		t.Errorf("deadline = %v, want %v", d, DefaultAckDeadline)
	}
	e.timer.expire()
	return ackMessage(t, response(t, resp))
}

// heldButtonPress presses U2's B button on a running HTTP-mode adapter whose core holds until
// e.core.gate is closed; it returns once the adapter waits on the core, with nothing acknowledged
// yet, and the press's response to come.
func heldButtonPress(t *testing.T) (*env, <-chan *http.Response) {
	t.Helper()
	e := newEnv(t, ModeHTTP).start()
	e.core.gate = make(chan struct{})
	resp := e.signedAsync(PathInteractions, formType, interactionPayload(t, buttonPress(e.fake, "U2", "pyq_answer_B", "answer #12 B", nil)))
	e.core.next(t)
	e.timer.started(t)
	return e, resp
}

// A button press is acknowledged only once the core has answered (the answer is committed), and the
// confirmation follows at once through response_url.
func TestButtonPressIsAcknowledgedAfterTheCoreAnswers(t *testing.T) {
	t.Parallel()
	e, resp := heldButtonPress(t)
	select {
	case <-resp:
		t.Fatal("acknowledged while the core was still running")
	default:
	}
	close(e.core.gate)
	if r := response(t, resp); r.StatusCode != http.StatusOK {
		t.Fatalf("status %d", r.StatusCode)
	}
	c := waitCalls(t, e.fake, "response_url", 1)[0]
	if c.Path != "/response/act-U2" || c.Get("text") != "you said answer #12 B" || c.JSON["replace_original"] != false {
		t.Errorf("confirmation = %s %+v, want the reply, not replacing the question", c.Path, c.JSON)
	}
	e.stop()
	if n := len(e.fake.Calls("response_url")); n != 1 {
		t.Errorf("%d messages through response_url, want only the confirmation", n)
	}
}

func TestSlowButtonPressSaysPendingThenConfirms(t *testing.T) {
	t.Parallel()
	e, resp := heldButtonPress(t)
	e.timer.expire()
	if r := response(t, resp); r.StatusCode != http.StatusOK {
		t.Fatalf("status %d", r.StatusCode)
	}
	pending := waitCalls(t, e.fake, "response_url", 1)[0]
	if !strings.Contains(pending.Get("text"), "being recorded") {
		t.Errorf("first message = %q, want a note that the answer is being recorded", pending.Get("text"))
	}
	close(e.core.gate)
	calls := waitCalls(t, e.fake, "response_url", 2)
	if got := calls[1].Get("text"); got != "you said answer #12 B" {
		t.Errorf("second message = %q, want the core's reply", got)
	}
}

// The answer path never waits for users.info: with users.info stuck, the reply is still in the
// acknowledgement.
func TestAnswerNeverWaitsForUsersInfo(t *testing.T) {
	t.Parallel()
	e := newEnv(t, ModeHTTP).start()
	e.fake.SetUser("U1", slackfake.User{Name: "alice", DisplayName: "Alice"})
	hold := make(chan struct{})
	e.fake.Fail("users.info", slackfake.Failure{Hold: hold})
	ack := ackMessage(t, e.signed(PathCommands, formType, slash(e.fake, "U1", "answer B").Encode()))
	if ack["text"] != "you said answer B" {
		t.Errorf("ack = %v, want the core's reply", ack)
	}
	close(hold)
	waitCalls(t, e.fake, "users.info", 1) // the refresh, after the reply
}

// A workspace that rate-limits users.info still gets every answer recorded and confirmed, and is
// asked about each user once, not at every command.
func TestRateLimitedUsersInfoStillRecordsEveryAnswer(t *testing.T) {
	t.Parallel()
	e := newEnv(t, ModeHTTP).start()
	for range 20 {
		e.fake.Fail("users.info", slackfake.Failure{RetryAfter: 30})
	}
	for round := range 2 {
		e.clock.Advance(time.Second) // new requests, not replays of the last round's
		for i := range 3 {
			user := fmt.Sprintf("U%d", i)
			ack := ackMessage(t, e.signed(PathCommands, formType, slash(e.fake, user, "answer B").Encode()))
			if ack["text"] != "you said answer B" {
				t.Errorf("round %d, %s: ack = %v, want the core's reply", round, user, ack)
			}
			if ev := e.core.next(t); ev.User != (bot.User{ID: user, Name: strings.ToLower(user), Provisional: true}) {
				t.Errorf("user = %+v, want the payload's name, provisional", ev.User)
			}
		}
		if round == 0 {
			waitCalls(t, e.fake, "users.info", 3)
		}
	}
	e.stop()
	if n := len(e.fake.Calls("users.info")); n != 3 {
		t.Errorf("users.info called %d times for 3 users in a minute, want 3", n)
	}
	if acks, _ := e.obs.snapshot(); len(acks) != 6 {
		t.Errorf("%d acks observed, want 6", len(acks))
	}
}

func TestSocketModeSlashReplyTravelsInTheAck(t *testing.T) {
	t.Parallel()
	e := socketEnv(t)
	cmd := socketSlash(e.fake, "U1", "me")
	var msg map[string]any
	if ack := e.send("slash_commands", cmd); json.Unmarshal(ack.Payload, &msg) != nil || msg["text"] != "you said me" || msg["response_type"] != "ephemeral" {
		t.Errorf("ack payload = %s, want the core's reply", ack.Payload)
	}

	// A reply over Socket Mode's 20 KB cap goes through response_url, the ack stays empty.
	e.core.reply = func(bot.Event) bot.Reply {
		return bot.Reply{Private: true, Post: bot.Post{Text: strings.Repeat("long line of a leaderboard\n", 1000)}}
	}
	if ack := e.send("slash_commands", cmd); len(ack.Payload) != 0 && string(ack.Payload) != "null" {
		t.Errorf("oversized reply: ack payload is %d bytes, want none", len(ack.Payload))
	}
	if r := waitCalls(t, e.fake, "response_url", 1)[0]; !strings.Contains(r.Get("text"), "long line") {
		t.Errorf("oversized reply through response_url = %q", r.Get("text"))
	}
}

func TestSocketModeSlowCommandIsAckedAsPending(t *testing.T) {
	t.Parallel()
	e := socketEnv(t)
	e.core.gate = make(chan struct{})
	cmd := map[string]string{"team_id": slackfake.TeamID, "channel_id": "C1", "user_id": "U1", "text": "answer B", "response_url": e.fake.ResponseURL("slow")}
	wait, err := e.fake.Envelope("slash_commands", cmd)
	if err != nil {
		t.Fatal(err)
	}
	e.core.next(t)
	e.timer.started(t)
	e.timer.expire()
	ack, err := wait(waitLimit)
	if err != nil {
		t.Fatal(err)
	}
	var msg map[string]any
	if json.Unmarshal(ack.Payload, &msg); !strings.Contains(fmt.Sprint(msg["text"]), "being recorded") {
		t.Errorf("late ack = %s, want a note that the answer is being recorded", ack.Payload)
	}
	if n := len(e.fake.Calls("response_url")); n != 0 {
		t.Fatalf("reply before the core answered (%d)", n)
	}
	close(e.core.gate)
	if r := waitCalls(t, e.fake, "response_url", 1)[0]; r.Get("text") != "you said answer B" {
		t.Errorf("follow-up = %q", r.Get("text"))
	}
}

// Over Socket Mode a button press, too, is acknowledged after the core has answered.
func TestSocketModeButtonAckFollowsTheCore(t *testing.T) {
	t.Parallel()
	e := socketEnv(t)
	e.core.gate = make(chan struct{})
	wait, err := e.fake.Envelope("interactive", buttonPress(e.fake, "U2", "pyq_answer_A", "answer #3 A", nil))
	if err != nil {
		t.Fatal(err)
	}
	e.core.next(t)
	e.timer.started(t)
	if n := len(e.fake.Calls("response_url")); n != 0 {
		t.Fatalf("confirmation before the core answered (%d)", n)
	}
	close(e.core.gate)
	if _, err := wait(waitLimit); err != nil {
		t.Fatal(err)
	}
	if r := waitCalls(t, e.fake, "response_url", 1)[0]; r.Get("text") != "you said answer #3 A" {
		t.Errorf("confirmation = %q", r.Get("text"))
	}
}

// renamingCore is a core that also stores display names, as the engine does.
type renamingCore struct {
	*core
	renamed chan bot.User
}

// renamingEnv is an HTTP-mode env running with a renamingCore, where users.info knows U1 as Alice.
func renamingEnv(t *testing.T) (*env, renamingCore) {
	t.Helper()
	e := newEnv(t, ModeHTTP)
	rc := newRenamingCore(e.core)
	e.startWith(rc)
	e.fake.SetUser("U1", slackfake.User{Name: "alice", DisplayName: "Alice"})
	return e, rc
}

func newRenamingCore(c *core) renamingCore {
	return renamingCore{core: c, renamed: make(chan bot.User, 100)}
}

// next waits for a rename (a failure guard, not a way to synchronise).
func (c renamingCore) next(t *testing.T) bot.User {
	t.Helper()
	return receive(t, c.renamed, "no display name was stored")
}

func (c renamingCore) RenameUser(_ context.Context, conv bot.Conversation, u bot.User) (bool, error) {
	c.renamed <- u
	return true, nil
}

// The display name users.info gives after the reply is stored, once: the answer went in under the
// payload's handle.
func TestDisplayNameIsStoredAfterTheReply(t *testing.T) {
	t.Parallel()
	e, rc := renamingEnv(t)
	e.signed(PathCommands, formType, slash(e.fake, "U1", "answer B").Encode())
	if u := rc.next(t); u != (bot.User{ID: "U1", Name: "Alice"}) {
		t.Errorf("renamed %+v, want U1 as Alice", u)
	}
	e.clock.Advance(time.Second)
	e.signed(PathCommands, formType, slash(e.fake, "U1", "answer C").Encode())
	e.stop()
	if len(rc.renamed) != 0 {
		t.Errorf("renamed again: %+v", <-rc.renamed)
	}
}

// A slow command whose core has nothing to add (`/pyq today` posts the question in the channel)
// still ends the "the reply follows" note it was acknowledged with: the follow-up says it is done
// instead of posting an empty message, which Slack refuses (no_text), logged as a failed reply.
func TestSlowCommandWithNothingToSayEndsItsPendingNote(t *testing.T) {
	t.Parallel()
	e := newEnv(t, ModeHTTP).start()
	e.core.reply = func(bot.Event) bot.Reply { return bot.Reply{} }
	if ack := lateSlash(t, e, "today"); !strings.Contains(fmt.Sprint(ack["text"]), "follows") {
		t.Fatalf("late ack = %v, want the note that the reply follows", ack)
	}
	close(e.core.gate)
	r := waitCalls(t, e.fake, "response_url", 1)[0]
	if got := r.Get("text"); got != "Done." || r.Get("response_type") != "ephemeral" {
		t.Errorf("follow-up = %q (%s), want an ephemeral \"Done.\"", got, r.Get("response_type"))
	}
	e.stop()
	if strings.Contains(e.logs.String(), "response_url failed") {
		t.Errorf("a failed reply was logged:\n%s", e.logs.String())
	}
}

// A late reply is delivered however long the core took: an answer whose batch is committing when
// its request's context ends is recorded all the same, so the core may answer after the time the
// work after the acknowledgement was given. The reply then gets time of its own instead of
// failing, which left the user with "being recorded" and no word of the outcome.
func TestLateReplyIsDeliveredAfterTheWaitForTheCore(t *testing.T) {
	t.Parallel()
	e := newEnv(t, ModeHTTP)
	e.a.spawnTimeout = 0 // the work after the acknowledgement has no time left once the core answers
	e.start()
	if ack := lateSlash(t, e, "answer B"); !strings.Contains(fmt.Sprint(ack["text"]), "being recorded") {
		t.Fatalf("late ack = %v, want the note that the answer is being recorded", ack)
	}
	close(e.core.gate)
	e.stop() // Run returns once the work after the acknowledgement is done
	calls := e.fake.Calls("response_url")
	if len(calls) != 1 || calls[0].Get("text") != "you said answer B" {
		t.Fatalf("%d replies through response_url, want the core's: the user is never told the outcome\n%s", len(calls), e.logs.String())
	}
}
