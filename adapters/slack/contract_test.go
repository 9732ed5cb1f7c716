package slack

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/pyqbot/pyqbot/adapters/contract"
	"github.com/pyqbot/pyqbot/adapters/slack/slackfake"
	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
)

// The contract over HTTP, and over Socket Mode, where a slash command's reply is its envelope's ack
// payload.
func TestContract(t *testing.T) {
	t.Parallel()
	contract.RunModes(t, []string{ModeHTTP, ModeSocket}, func(t *testing.T, mode string) contract.Harness { return newWorkspace(t, mode) })
}

// workspace is the contract's harness for Slack: the adapter against the strict fake, driven by
// slash commands and interaction payloads as Slack sends them: signed HTTP requests, or Socket
// Mode envelopes.
type workspace struct {
	*env
	mode string
	seq  int
}

func newWorkspace(t *testing.T, mode string) *workspace {
	// Handles are the display names: the adapter shows a handle until users.info's answer, which
	// it asks for after the reply, lands; what the suite checks must not depend on that race.
	w := &workspace{env: newEnv(t, mode, slackID(contract.Lead)), mode: mode}
	for _, u := range contract.Users {
		w.fake.SetUser(slackID(u), slackfake.User{Name: strings.ToLower(u.Name), DisplayName: u.Name, Admin: u.Admin})
	}
	return w
}

func slackID(u contract.User) string { return "U" + strings.ToUpper(u.Name) }

func (w *workspace) Clock() *testkit.FakeClock      { return w.clock }
func (w *workspace) Adapter() bot.Adapter           { return w.a }
func (w *workspace) Conversation() bot.Conversation { return conv }
func (w *workspace) Start(t *testing.T, h bot.Handler) {
	w.startWith(h)
	if w.mode == ModeSocket {
		if _, err := w.fake.WaitConnected(waitLimit); err != nil {
			t.Fatal(err)
		}
	}
}

// responseURL is a fresh response_url for one request, so a reply is known to answer it.
func (w *workspace) responseURL(u contract.User) (name, raw string) {
	w.seq++
	name = fmt.Sprintf("r%d-%s", w.seq, slackID(u))
	return name, w.fake.ResponseURL(name)
}

func (w *workspace) Command(t *testing.T, u contract.User, text string) contract.Reply {
	t.Helper()
	name, ru := w.responseURL(u)
	form := url.Values{"team_id": {slackfake.TeamID}, "channel_id": {conv.Channel}, "user_id": {slackID(u)},
		"user_name": {u.Name}, "command": {"/pyq"}, "text": {text}, "response_url": {ru}, "trigger_id": {"trig-" + name}}
	var body []byte
	if w.mode == ModeSocket {
		cmd := map[string]string{}
		for k, v := range form {
			cmd[k] = v[0]
		}
		body = w.send("slash_commands", cmd).Payload
	} else {
		resp := w.signed(PathCommands, formType, form.Encode())
		body, _ = io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("/pyq %s: Slack got %d %s", text, resp.StatusCode, body)
		}
	}
	if s := strings.TrimSpace(string(body)); s == "" || s == "null" {
		return contract.Reply{} // acknowledged with nothing to show
	}
	// A slash command's acknowledgement is shown to whoever typed it; in_channel makes it public.
	return slackReply(t, u, body)
}

func slackReply(t *testing.T, u contract.User, body []byte) contract.Reply {
	t.Helper()
	var m struct {
		ResponseType string `json:"response_type"`
		Text         string `json:"text"`
		Blocks       []any  `json:"blocks"`
	}
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("reply %s: %v", body, err)
	}
	r := contract.Reply{Text: readerText(m.Blocks), Pings: pings(m.Text, m.Blocks)}
	if r.Text == "" {
		r.Text = unescape(m.Text)
	}
	if m.ResponseType != "in_channel" {
		r.Private, r.To = true, u.Name
	}
	return r
}

func (w *workspace) Answer(t *testing.T, u contract.User, q contract.Message, key string) contract.Reply {
	t.Helper()
	el := w.element(t, q.ID, actionAnswer+key)
	value, _ := el["value"].(string)
	return w.interact(t, u, q.ID, map[string]any{"type": "button", "action_id": actionAnswer + key, "block_id": "b", "value": value})
}

func (w *workspace) Vote(t *testing.T, u contract.User, m contract.Message, n int) (contract.Reply, bool) {
	t.Helper()
	sel := w.element(t, m.ID, actionVote+"0")
	for _, o := range sel["options"].([]any) {
		opt := o.(map[string]any)
		if v, _ := opt["value"].(string); strings.HasSuffix(v, " "+strconv.Itoa(n)) {
			return w.interact(t, u, m.ID, map[string]any{"type": "static_select", "action_id": actionVote + "0", "block_id": actionVote + "0",
				"selected_option": opt}), true
		}
	}
	t.Fatalf("the vote select in %s has no option %d: %v", m.ID, n, sel["options"])
	return contract.Reply{}, false
}

var _ contract.RubricControl = (*workspace)(nil)

func (w *workspace) OpenRubric(t *testing.T, u contract.User, m contract.Message) (contract.Reply, bool) {
	t.Helper()
	if msg, ok := w.fake.Message(conv.Channel, m.ID); !ok || !strings.Contains(msg.Blocks, `"`+actionRubric+`"`) {
		return contract.Reply{}, false
	}
	value, _ := w.element(t, m.ID, actionRubric)["value"].(string)
	return w.interact(t, u, m.ID, map[string]any{"type": "button", "action_id": actionRubric, "block_id": actionRubric, "value": value}), true
}

// interact sends a block_actions payload for action on message ts and returns the reply that
// comes through the payload's response_url, which Slack shows only to the user who pressed.
func (w *workspace) interact(t *testing.T, u contract.User, ts string, action map[string]any) contract.Reply {
	t.Helper()
	name, ru := w.responseURL(u)
	p := map[string]any{
		"type": "block_actions", "team": map[string]any{"id": slackfake.TeamID},
		"user":    map[string]any{"id": slackID(u), "name": u.Name, "team_id": slackfake.TeamID},
		"channel": map[string]any{"id": conv.Channel}, "container": map[string]any{"type": "message", "channel_id": conv.Channel, "message_ts": ts},
		"response_url": ru, "trigger_id": "trig-" + name, "actions": []any{action},
	}
	if w.mode == ModeSocket {
		w.send("interactive", p)
	} else if resp := w.signed(PathInteractions, formType, interactionPayload(t, p)); resp.StatusCode != 200 {
		t.Fatalf("interaction: Slack got %d", resp.StatusCode)
	}
	for n := 1; ; n++ {
		calls := waitCalls(t, w.fake, "response_url", n)
		if c := calls[n-1]; c.Path == "/response/"+name {
			raw, _ := json.Marshal(c.JSON)
			return slackReply(t, u, raw)
		}
	}
}

// element finds the block element with actionID in the message at ts as it stands.
func (w *workspace) element(t *testing.T, ts, actionID string) map[string]any {
	t.Helper()
	m, ok := w.fake.Message(conv.Channel, ts)
	if !ok {
		t.Fatalf("no message %s in %s", ts, conv.Channel)
	}
	return actionOf(t, m.Blocks, actionID)
}

func (w *workspace) Messages(t *testing.T) []contract.Message {
	t.Helper()
	var linkNames []string
	for _, c := range append(w.fake.Calls("chat.postMessage"), w.fake.Calls("chat.update")...) {
		if v := c.Get("link_names"); v == "1" || v == "true" || c.Get("parse") == "full" {
			linkNames = append(linkNames, c.Method+" with link_names or parse=full turns @channel into a mention")
		}
	}
	var out []contract.Message
	for _, m := range w.fake.Messages(conv.Channel) {
		var blocks []any
		if err := json.Unmarshal([]byte(m.Blocks), &blocks); err != nil {
			t.Fatalf("message %s blocks: %v", m.TS, err)
		}
		cm := contract.Message{ID: m.TS, Text: readerText(blocks), Pings: append(pings(m.Text, blocks), linkNames...)}
		if m.ThreadTS != m.TS {
			cm.Thread = m.ThreadTS
		}
		slackfake.Walk(blocks, func(el map[string]any) {
			id, _ := el["action_id"].(string)
			switch {
			case strings.HasPrefix(id, actionAnswer):
				cm.Choices = append(cm.Choices, strings.TrimPrefix(id, actionAnswer))
			case strings.HasPrefix(id, actionVote) && el["type"] == "static_select":
				for _, o := range el["options"].([]any) {
					v, _ := o.(map[string]any)["value"].(string)
					n, _ := strconv.Atoi(v[strings.LastIndex(v, " ")+1:])
					cm.Votes = append(cm.Votes, n)
				}
			}
		})
		cm.Closed = strings.Contains(cm.Text, "(closed)") && strings.Contains(cm.Text, "Closed: answers no longer count")
		out = append(out, cm)
	}
	return out
}

// readerText is every text object's text in the blocks, in order, unescaped: what a member reads.
func readerText(blocks []any) string {
	var b strings.Builder
	var visit func(v any)
	visit = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if s, ok := v["text"].(string); ok {
				b.WriteString(unescape(s) + "\n")
			}
			for _, k := range []string{"text", "elements", "fields", "accessory", "options"} {
				if x, ok := v[k]; ok {
					visit(x)
				}
			}
		case []any:
			for _, x := range v {
				visit(x)
			}
		}
	}
	visit(blocks)
	return b.String()
}

func unescape(s string) string {
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(s)
}

// slackMention is what Slack's mrkdwn parses as a mention: <!here>, <!channel>, <!everyone> (with
// an optional |label), a user group, or a user.
var slackMention = regexp.MustCompile(`<!(?:here|channel|everyone)(?:\|[^>]*)?>|<!subteam\^[^>]*>|<@[UW][A-Z0-9]*(?:\|[^>]*)?>`)

// pings lists the mention tokens in a message's fallback text and in its mrkdwn blocks as Slack
// receives them (before any unescaping: &lt;!channel&gt; is text, <!channel> a mention).
func pings(text string, blocks []any) []string {
	found := slackMention.FindAllString(text, -1)
	slackfake.Walk(blocks, func(o map[string]any) {
		if o["type"] == "mrkdwn" {
			s, _ := o["text"].(string)
			found = append(found, slackMention.FindAllString(s, -1)...)
		}
	})
	return found
}
