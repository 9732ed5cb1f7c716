package discord

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

func recv[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatalf("no %s within 10s", what)
		panic("unreachable")
	}
}

// callback waits for the initial response to interaction id.
func (f *fakeDiscord) callback(t *testing.T, id string) response {
	t.Helper()
	c := f.waitFor("POST", "/api/v9/interactions/"+id+"/tok-"+id+"/callback")
	var r response
	decode(t, c, &r)
	return r
}

// sentMessage is a message as the fake received it: what the contract's harness reads, and the
// message it replies to.
type sentMessage struct {
	ID string `json:"id"`
	discordObject
	Reference *struct {
		MessageID string `json:"message_id"`
	} `json:"message_reference"`
}

func (m sentMessage) customIDs() (ids []string, allDisabled bool) {
	allDisabled = true
	for _, row := range m.Components {
		for _, c := range row.Components {
			ids = append(ids, c.CustomID)
			allDisabled = allDisabled && c.Disabled
		}
	}
	return ids, allDisabled
}

func TestGatewayPlaysAQuestion(t *testing.T) {
	t.Parallel()
	f := newFakeDiscord(t)
	a := newTestAdapter(t, f, ModeGateway, Options{Topics: []string{"closures", "generators", "packaging"}})
	eng := newEngine(t, testQuestion())
	eng.AddAdapter(a)
	stop := run(t, a, eng)

	// Start-up: /pyq is registered in the configured guild, then the gateway identifies.
	reg := f.waitFor("PUT", "/api/v9/applications/app1/guilds/g1/commands")
	if reg.Auth != fakeToken {
		t.Errorf("registration authorised with %q, want %q", reg.Auth, fakeToken)
	}
	var cmds []struct {
		Name    string `json:"name"`
		Options []struct {
			Name    string `json:"name"`
			Options []struct {
				Name         string                  `json:"name"`
				Autocomplete bool                    `json:"autocomplete"`
				Choices      []struct{ Name string } `json:"choices"`
			} `json:"options"`
		} `json:"options"`
	}
	decode(t, reg, &cmds)
	if len(cmds) != 1 || cmds[0].Name != "pyq" {
		t.Fatalf("registered %s, want the one /pyq command", reg.Body)
	}
	var subs []string
	for _, o := range cmds[0].Options {
		subs = append(subs, o.Name)
		if o.Name == "practice" && (len(o.Options) != 4 || len(o.Options[0].Choices) != 1 || !o.Options[1].Autocomplete || len(o.Options[2].Choices) != 3 || len(o.Options[3].Choices) != len(bot.Kinds)) {
			t.Errorf("practice options = %+v, want mode (new), topic (autocomplete), difficulty (3 choices) and kind (%d)", o.Options, len(bot.Kinds))
		}
	}
	var want []string
	for _, c := range bot.Commands() {
		want = append(want, c.Name)
	}
	if !slices.Equal(subs, want) || !slices.Contains(subs, "filter") {
		t.Errorf("subcommands = %v, want %v", subs, want)
	}
	var ident struct {
		Token   string `json:"token"`
		Intents int    `json:"intents"`
	}
	json.Unmarshal(recv(t, f.Identifies(), "identify"), &ident)
	if ident.Token != fakeToken {
		t.Errorf("identify token %q, want %q", ident.Token, fakeToken)
	}

	// /pyq today posts the question with a button per choice and starts its thread.
	f.Dispatch(slash("i1", lead, "today"))
	if r := f.callback(t, "i1"); r.Type != 4 || r.Data.Flags != 64 || r.Data.Content != "Done." {
		t.Errorf("today: callback %+v, want an ephemeral Done.", r)
	}
	post := f.waitFor("POST", "/api/v9/channels/c1/messages")
	checkNoMentions(t, "question", post.Body)
	var q sentMessage
	decode(t, post, &q)
	th := f.waitFor("POST", "/api/v9/channels/c1/messages/") // .../{id}/threads
	msgID := strings.Split(th.Path, "/")[6]
	if len(q.Embeds) != 1 || q.Embeds[0].Title != "Lambdas in a loop" || !strings.Contains(q.Embeds[0].Description, "```py\nfs = [lambda: i for i in range(3)]") {
		t.Errorf("question embed = %+v", q.Embeds)
	}
	if ids, _ := q.customIDs(); !slices.Equal(ids, []string{"pyq:answer #1 A", "pyq:answer #1 B", "pyq:answer #1 C", "pyq-why:#1"}) {
		t.Errorf("buttons = %v", ids)
	}
	if th.Path != "/api/v9/channels/c1/messages/"+msgID+"/threads" {
		t.Errorf("thread started with %s", th.Path)
	}
	var thread struct {
		Name string `json:"name"`
	}
	decode(t, th, &thread)
	if thread.Name != "#1 Lambdas in a loop" {
		t.Errorf("thread name %q", thread.Name)
	}

	// Button presses are answers; each presser hears privately that it was recorded.
	f.Dispatch(press("i2", bob, "pyq:answer #1 A"))
	if r := f.callback(t, "i2"); r.Data.Flags != 64 || !strings.Contains(r.Data.Content, "Recorded your answer A to #1") {
		t.Errorf("Bob's press: callback %+v", r)
	}
	f.Dispatch(press("i3", alice, "pyq:answer #1 B"))
	if r := f.callback(t, "i3"); r.Data.Flags != 64 || !strings.Contains(r.Data.Content, "Recorded your answer B to #1") {
		t.Errorf("Alice's press: callback %+v", r)
	}
	f.Dispatch(slash("i4", alice, "reveal"))
	if r := f.callback(t, "i4"); r.Data.Flags != 64 || !strings.Contains(r.Data.Content, "Only workspace admins") {
		t.Errorf("reveal without Manage Server: callback %+v", r)
	}

	// The connection drops; discordgo resumes the session and interactions keep coming.
	f.Drop()
	recv(t, f.Resumes(), "resume after the connection dropped")

	f.Dispatch(slash("i5", lead, "reveal"))
	if r := f.callback(t, "i5"); r.Data.Content != "Done." {
		t.Errorf("reveal: callback %+v", r)
	}
	rv := f.waitFor("POST", "/api/v9/channels/"+msgID+"/messages") // the thread's id is the message's
	checkNoMentions(t, "reveal", rv.Body)
	var reveal sentMessage
	decode(t, rv, &reveal)
	if len(reveal.Embeds) != 1 || reveal.Embeds[0].Title != "Answer to #1: Lambdas in a loop" || !strings.Contains(reveal.Embeds[0].Description, "Got it: Alice +10") {
		t.Errorf("reveal = %s", rv.Body)
	}
	f.waitFor("GET", "/api/v9/channels/c1/messages/"+msgID)
	// Edits before the close keep the answer count current; the closing one says [closed].
	var ed call
	for n := 1; ; n++ {
		ed = f.waitForNth("PATCH", "/api/v9/channels/c1/messages/"+msgID, n)
		if strings.Contains(string(ed.Body), "[closed]") {
			break
		}
		if strings.Contains(string(ed.Body), `"disabled":true`) {
			t.Fatalf("edit %d disabled the buttons without marking the question closed: %s", n, ed.Body)
		}
	}
	checkNoMentions(t, "closing edit", ed.Body)
	var closed sentMessage
	decode(t, ed, &closed)
	if ids, off := closed.customIDs(); len(ids) != 4 || !off {
		t.Errorf("closed question components = %s, want the 3 buttons and the reason menu disabled", ed.Body)
	}
	if len(closed.Embeds) != 1 || !strings.HasSuffix(closed.Embeds[0].Title, "[closed]") {
		t.Errorf("closed question embed = %s", ed.Body)
	}

	// The leaderboard (private, like every reply); Bob's "@everyone" in his name pings nobody.
	f.Dispatch(slash("i6", alice, "leaderboard", "period", "week"))
	lb := f.callback(t, "i6")
	if lb.Type != 4 || lb.Data.Flags != 64 || !strings.Contains(lb.text(), "Alice") || !strings.Contains(lb.text(), "Bob @everyone") {
		t.Errorf("leaderboard callback = %+v", lb)
	}
	if lb.Data.AllowedMentions == nil || len(lb.Data.AllowedMentions.Parse) != 0 {
		t.Errorf("leaderboard callback lacks allowed_mentions {parse: []}")
	}

	// Autocomplete offers the bank's topics matching what was typed.
	f.Dispatch(interaction("i7", 4, alice, map[string]any{"id": "cmd1", "name": "pyq", "type": 1, "options": []any{
		map[string]any{"name": "practice", "type": 1, "options": []any{map[string]any{"name": "topic", "type": 3, "value": "clo", "focused": true}}}}}))
	if r := f.callback(t, "i7"); r.Type != 8 || len(r.Data.Choices) != 1 || r.Data.Choices[0].Value != "closures" {
		t.Errorf("autocomplete callback = %+v, want type 8 with closures", r)
	}
	stop()
}
