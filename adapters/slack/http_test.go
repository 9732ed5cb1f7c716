package slack

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/adapters/slack/slackfake"
	"github.com/pyqbot/pyqbot/bot"
)

func TestSlashCommandRepliesInTheAcknowledgement(t *testing.T) {
	t.Parallel()
	e, rc := renamingEnv(t)
	resp := e.signed(PathCommands, formType, slash(e.fake, "U1", "me").Encode())
	ack := ackMessage(t, resp)
	if ack["response_type"] != "ephemeral" || ack["text"] != "you said me" {
		t.Errorf("ack = %v, want the core's reply, ephemeral", ack)
	}
	ev := e.core.next(t)
	// Nothing asked Slack who U1 is before the reply: the name is the payload's, marked provisional.
	want := bot.Event{Conv: bot.Conversation{Platform: "slack", Workspace: slackfake.TeamID, Channel: "C1"}, User: bot.User{ID: "U1", Name: "u1", Provisional: true}, Text: "me",
		ReplayKey: resp.Request.Header.Get("X-Slack-Signature")}
	if ev != want {
		t.Errorf("event = %+v, want %+v", ev, want)
	}
	// After the reply the display name is fetched and stored, and the next command carries it.
	rc.next(t)
	e.clock.Advance(time.Second) // a new request, not a replay of the first
	e.signed(PathCommands, formType, slash(e.fake, "U1", "me").Encode())
	if ev := e.core.next(t); ev.User != (bot.User{ID: "U1", Name: "Alice"}) {
		t.Errorf("second command's user = %+v, want the display name from users.info", ev.User)
	}
	e.stop()
	if n := len(e.fake.Calls("response_url")); n != 0 {
		t.Errorf("%d replies through response_url, want none: the reply was in the acknowledgement", n)
	}
	if len(e.fake.Calls("chat.postMessage")) != 0 {
		t.Error("a private reply was posted in the channel")
	}
}

func TestPublicReplyIsInChannel(t *testing.T) {
	t.Parallel()
	e := newEnv(t, ModeHTTP).start()
	e.core.reply = func(bot.Event) bot.Reply { return bot.Reply{Post: bot.Post{Text: "for everyone"}} }
	ack := ackMessage(t, e.signed(PathCommands, formType, slash(e.fake, "U1", "leaderboard").Encode()))
	if ack["response_type"] != "in_channel" {
		t.Errorf("response_type = %q, want in_channel", ack["response_type"])
	}
}

func TestEmptyReplyShowsNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t, ModeHTTP).start()
	e.core.reply = func(bot.Event) bot.Reply { return bot.Reply{} }
	resp := e.signed(PathCommands, formType, slash(e.fake, "U1", "today").Encode())
	if body, _ := io.ReadAll(resp.Body); resp.StatusCode != http.StatusOK || len(body) != 0 {
		t.Errorf("ack = %d %q, want an empty 200", resp.StatusCode, body)
	}
	e.core.next(t)
	e.stop()
	if calls := e.fake.Calls("response_url"); len(calls) != 0 {
		t.Errorf("an empty reply was sent: %+v", calls)
	}
}

func TestButtonPressBecomesTheAnswerCommand(t *testing.T) {
	t.Parallel()
	e := newEnv(t, ModeHTTP).start()
	resp := e.signed(PathInteractions, formType, interactionPayload(t, buttonPress(e.fake, "U2", "pyq_answer_B", "answer #12 B", nil)))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if ev := e.core.next(t); ev.Text != "answer #12 B" || ev.User.ID != "U2" || ev.Conv.Channel != "C1" || ev.Conv.Workspace != slackfake.TeamID {
		t.Errorf("event = %+v", ev)
	}
	r := waitCalls(t, e.fake, "response_url", 1)[0]
	if r.Path != "/response/act-U2" || r.Get("response_type") != "ephemeral" || r.JSON["replace_original"] != false {
		t.Errorf("confirmation = %s %+v, want ephemeral, not replacing the question", r.Path, r.JSON)
	}
}

func TestButtonCannotRunOtherCommands(t *testing.T) {
	t.Parallel()
	e := newEnv(t, ModeHTTP).start()
	e.signed(PathInteractions, formType, interactionPayload(t, buttonPress(e.fake, "U2", "pyq_answer_B", "reveal", nil)))
	e.stop()
	e.core.none(t)
}

func TestReviewSubmitReadsTheTickedBoxes(t *testing.T) {
	t.Parallel()
	e := newEnv(t, ModeHTTP).start()
	ticked := func(keys ...string) map[string]any {
		var opts []any
		for _, k := range keys {
			opts = append(opts, map[string]any{"value": k, "text": map[string]any{"type": "plain_text", "text": k}})
		}
		return map[string]any{blockReview: map[string]any{"pyq_pick_0": map[string]any{"type": "checkboxes", "selected_options": opts}}}
	}
	// Ticking a box is an interaction too: acknowledged, nothing recorded.
	tick := buttonPress(e.fake, "U3", "pyq_pick_0", "", ticked("C"))
	e.signed(PathInteractions, formType, interactionPayload(t, tick))
	e.signed(PathInteractions, formType, interactionPayload(t, buttonPress(e.fake, "U3", actionSubmit, "#12", ticked("C", "A"))))
	if ev := e.core.next(t); ev.Text != "answer #12 A,C" {
		t.Errorf("submit = %q, want %q", ev.Text, "answer #12 A,C")
	}
	e.stop()
	e.core.none(t)
}

func TestDesignAnswerOpensAModalAndItsSubmissionIsRecorded(t *testing.T) {
	t.Parallel()
	e := newEnv(t, ModeHTTP).start()
	e.signed(PathInteractions, formType, interactionPayload(t, buttonPress(e.fake, "U4", actionWrite, "#7", nil)))
	open := waitCalls(t, e.fake, "views.open", 1)[0]
	view, _ := open.JSON["view"].(map[string]any)
	if open.Get("trigger_id") != "trig-U4" || view["callback_id"] != callbackAnswer || view["private_metadata"] != `{"ref":"#7","channel":"C1"}` {
		t.Errorf("views.open = %+v", open.JSON)
	}
	e.core.none(t) // opening the box records nothing

	resp := e.signed(PathInteractions, formType, interactionPayload(t, viewSubmission("U4", "#7", "C1", "  asyncio for I/O, processes for CPU  ")))
	if body, _ := io.ReadAll(resp.Body); resp.StatusCode != 200 || len(body) != 0 {
		t.Errorf("submission ack = %d %q, want an empty 200 (closes the modal)", resp.StatusCode, body)
	}
	if ev := e.core.next(t); ev.Text != "answer #7 asyncio for I/O, processes for CPU" || ev.Conv.Channel != "C1" {
		t.Errorf("event = %+v", ev)
	}
	eph := waitCalls(t, e.fake, "chat.postEphemeral", 1)[0]
	if eph.Form.Get("channel") != "C1" || eph.Form.Get("user") != "U4" || !strings.Contains(eph.Form.Get("blocks"), "you said answer #7") {
		t.Errorf("confirmation = %v", eph.Form)
	}
}

func TestBlankModalAnswerKeepsTheModalOpen(t *testing.T) {
	t.Parallel()
	e := newEnv(t, ModeHTTP).start()
	resp := e.signed(PathInteractions, formType, interactionPayload(t, viewSubmission("U4", "#7", "C1", "   ")))
	var ack map[string]any
	json.NewDecoder(resp.Body).Decode(&ack)
	errs, _ := ack["errors"].(map[string]any)
	if ack["response_action"] != "errors" || errs[blockText] == nil {
		t.Errorf("ack = %v, want response_action errors on %s", ack, blockText)
	}
	e.stop()
	e.core.none(t)
}

func TestURLVerificationAndSSLCheck(t *testing.T) {
	t.Parallel()
	e := newEnv(t, ModeHTTP).start()
	resp := e.signed(PathEvents, "application/json", `{"type":"url_verification","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","token":"x"}`)
	var got map[string]string
	json.NewDecoder(resp.Body).Decode(&got)
	if resp.StatusCode != 200 || got["challenge"] != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
		t.Errorf("url_verification = %d %v", resp.StatusCode, got)
	}
	if resp := e.signed(PathCommands, formType, url.Values{"ssl_check": {"1"}, "token": {"x"}}.Encode()); resp.StatusCode != 200 {
		t.Errorf("ssl_check = %d, want 200", resp.StatusCode)
	}
	e.stop()
	e.core.none(t)
}

func homeOpened(eventID, user string) string {
	raw, _ := json.Marshal(map[string]any{"type": "event_callback", "team_id": slackfake.TeamID, "event_id": eventID,
		"event": map[string]any{"type": "app_home_opened", "user": user, "channel": "D1", "tab": "home"}})
	return string(raw)
}

func TestHomeTabShowsMeAndLeaderboardAndRetriesAreIgnored(t *testing.T) {
	t.Parallel()
	e := newEnv(t, ModeHTTP).start()
	e.core.reply = func(ev bot.Event) bot.Reply {
		if ev.Text == "me" {
			return bot.Reply{Private: true, Post: bot.Post{Title: "Your record, " + ev.User.Name, Text: "30 points"}}
		}
		return bot.Reply{Private: true, Post: bot.Post{Title: "Leaderboard — this week", Table: &bot.Table{Columns: []string{"#", "Player"}, Rows: [][]string{{"1", "Alice"}}}}}
	}
	e.fake.SetUser("U5", slackfake.User{Name: "alice", DisplayName: "Alice"})
	for range 3 { // Slack's retries carry the same event_id, newly signed
		e.clock.Advance(time.Second)
		if resp := e.signed(PathEvents, "application/json", homeOpened("Ev1", "U5")); resp.StatusCode != 200 {
			t.Fatalf("status %d", resp.StatusCode)
		}
	}
	asked := []string{e.core.next(t).Text, e.core.next(t).Text}
	if asked[0] != "me" || asked[1] != "leaderboard" {
		t.Errorf("core asked %v, want me then leaderboard", asked)
	}
	pub := waitCalls(t, e.fake, "views.publish", 1)[0]
	blocks := pub.Blocks()
	if pub.Get("user_id") != "U5" || !strings.Contains(blocks, "Your record, Alice") || !strings.Contains(blocks, "1  Alice") {
		t.Errorf("views.publish = %v", pub.JSON)
	}
	e.stop()
	e.core.none(t)
	if n := len(e.fake.Calls("views.publish")); n != 1 {
		t.Errorf("views.publish called %d times for one event delivered 3 times, want 1", n)
	}
}

func TestAdminsAreWorkspaceAdminsOwnersAndListedUsers(t *testing.T) {
	t.Parallel()
	e := newEnv(t, ModeHTTP, "U_LISTED").start()
	e.fake.SetUser("U_ADMIN", slackfake.User{Name: "ada", Admin: true})
	e.fake.SetUser("U_OWNER", slackfake.User{Name: "olga", Owner: true})
	e.fake.SetUser("U_PLAIN", slackfake.User{Name: "pat"})
	want := map[string]bool{"U_ADMIN": true, "U_OWNER": true, "U_LISTED": true, "U_PLAIN": false}
	for user := range want {
		e.signed(PathCommands, formType, slash(e.fake, user, "reveal").Encode())
	}
	for range want {
		ev := e.core.next(t)
		if ev.Admin != want[ev.User.ID] {
			t.Errorf("%s: Admin = %v, want %v", ev.User.ID, ev.Admin, want[ev.User.ID])
		}
	}
	// users.info is cached for 10 minutes: a demotion takes effect after that.
	waitCalls(t, e.fake, "users.info", 4)
	e.fake.SetUser("U_ADMIN", slackfake.User{Name: "ada"})
	e.clock.Advance(time.Second) // a new request, not a replay of the first
	e.signed(PathCommands, formType, slash(e.fake, "U_ADMIN", "reveal").Encode())
	if ev := e.core.next(t); !ev.Admin {
		t.Error("cached admin lost admin before 10 minutes")
	}
	e.clock.Advance(10*time.Minute + time.Second)
	e.signed(PathCommands, formType, slash(e.fake, "U_ADMIN", "reveal").Encode())
	if ev := e.core.next(t); ev.Admin {
		t.Error("demoted admin is still admin after the cache expired")
	}
	if n := len(e.fake.Calls("users.info")); n != 5 {
		t.Errorf("users.info called %d times, want 5 (4 users, 1 refresh)", n)
	}
}

func TestUsersInfoFailureIsNotAdmin(t *testing.T) {
	t.Parallel()
	e := newEnv(t, ModeHTTP).start()
	e.fake.SetUser("U1", slackfake.User{Name: "ada", Admin: true})
	e.fake.Fail("users.info", slackfake.Failure{Error: "missing_scope"})
	e.signed(PathCommands, formType, slash(e.fake, "U1", "reveal").Encode())
	if ev := e.core.next(t); ev.Admin || ev.User.Name != "u1" {
		t.Errorf("event = %+v, want a non-admin named from the payload", ev)
	}
}

func TestRequestsBeforeRunAreRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t, ModeHTTP)
	if resp := e.signed(PathCommands, formType, slash(e.fake, "U1", "me").Encode()); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("status %d before Run, want 503", resp.StatusCode)
	}
	if err := e.a.Healthy(context.Background()); err == nil {
		t.Error("healthy before Run, want an error saying it is starting")
	}
	e.start()
	// Run marks itself healthy once auth.test has answered, just after start returns.
	waitHealth(t, e.a, "HTTP mode healthy while serving", func(err error) bool { return err == nil })
	e.stop()
	if err := e.a.Healthy(context.Background()); err == nil {
		t.Error("healthy after Run returned")
	}
}
