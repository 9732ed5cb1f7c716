package discord

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/pyqbot/pyqbot/adapters/contract"
	"github.com/pyqbot/pyqbot/bot"
)

// rubricQuestion is the adapters' rubric question with its first item naming __GIL__: the bank's
// rubric text is not Markdown, so Discord must show the underscores escaped, as the goldens pin.
func rubricQuestion() bot.Question {
	q := contract.RubricQuestion()
	q.Rubric[0] = "I/O bound, so the __GIL__ matters little"
	return q
}

// menuOf is the first select menu of a response's components.
func menuOf(t *testing.T, r response) map[string]any {
	t.Helper()
	for _, raw := range r.Data.Components {
		var row struct {
			Components []map[string]any `json:"components"`
		}
		json.Unmarshal(raw, &row)
		for _, c := range row.Components {
			if c["type"] == float64(3) {
				return c
			}
		}
	}
	t.Fatalf("no select menu in %s", r.Data.Components)
	return nil
}

// The design reveal's "Check my answer against the rubric" button answers with an ephemeral
// checklist (a multi-select Discord accepts, defaults as last saved); picking records the ticks;
// ids pyqbot did not issue run nothing.
func TestDiscordRubricChecklist(t *testing.T) {
	t.Parallel()
	f, srv := playHTTP(t, rubricQuestion())
	send := func(body []byte) response { t.Helper(); return interact(t, srv, body) }
	send(slash("r0", lead, "today"))
	f.waitFor("POST", "/api/v9/channels/c1/messages")
	thread := strings.Split(f.waitFor("POST", "/api/v9/channels/c1/messages/").Path, "/")[6]
	send(submitModal("r1", alice, idText+"#1", "asyncio, a semaphore of 20 and a timeout on each call"))
	send(submitModal("r2", bob, idText+"#1", "threads, the client library blocks"))
	send(slash("r3", lead, "reveal"))
	rv := f.waitFor("POST", "/api/v9/channels/"+thread+"/messages")
	var reveal sentMessage
	decode(t, rv, &reveal)
	if ids, _ := reveal.customIDs(); len(ids) != 1 || ids[0] != idRubric+"#1" {
		t.Fatalf("reveal controls = %v, want the rubric button", ids)
	}
	golden(t, "rubric-reveal", rv.Body)

	code, body := do(t, srv, signed(press("r4", alice, idRubric+"#1"), testNow))
	var list response
	if err := json.Unmarshal([]byte(body), &list); err != nil || code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	if list.Type != 4 || list.Data.Flags != 64 || !strings.Contains(list.text(), "Tick what your answer covered") {
		t.Fatalf("rubric button answered %+v, want an ephemeral checklist", list)
	}
	menu := menuOf(t, list)
	if opts, _ := menu["options"].([]any); menu["custom_id"] != idRubricSet+"#1" || len(opts) != 4 || menu["min_values"] != float64(0) || menu["max_values"] != float64(4) {
		t.Fatalf("checklist menu = %v", menu)
	}
	golden(t, "rubric-checklist", []byte(body))

	// The saved result takes the checklist's place (UPDATE_MESSAGE, the message stays private), as
	// on Slack, instead of adding a message under it.
	if r := send(press("r5", alice, idRubricSet+"#1", "3", "1")); r.Type != 7 || r.Data.Components == nil || len(r.Data.Components) != 0 ||
		!strings.Contains(r.Data.Content, "Recorded for #1: your answer covered 2 of 4 (50%)") {
		t.Errorf("ticking answered type %d %+v, want the checklist replaced by the result, its menu gone", r.Type, r.Data)
	}
	ticked := func(id string) string {
		t.Helper()
		opts, _ := menuOf(t, send(press(id, alice, idRubric+"#1")))["options"].([]any)
		var defaults []string
		for _, o := range opts {
			if om := o.(map[string]any); om["default"] == true {
				defaults = append(defaults, om["value"].(string))
			}
		}
		return strings.Join(defaults, ",")
	}
	if got := ticked("r6"); got != "1,3" {
		t.Errorf("the checklist shows %q ticked, want 1,3", got)
	}
	if r := send(press("r7", bob, idRubricSet+"#1", []string{}...)); !strings.Contains(r.Data.Content, "covered 0 of 4 (0%)") {
		t.Errorf("an empty pick answered %q, want none recorded", r.Data.Content)
	}
	if r := send(press("r8", carol, idRubric+"#1")); !strings.Contains(r.text(), "You did not answer #1") {
		t.Errorf("Carol's press answered %q", r.text())
	}
	for i, forged := range [][]byte{
		press("f1", alice, idRubric+"#1 4"),
		press("f2", alice, idRubric+"reveal"),
		press("f3", alice, idRubricSet+"#1", "1; reveal"),
		press("f4", alice, idRubricSet+"#x", "1"),
	} {
		if r := send(forged); !strings.Contains(r.Data.Content, "did not recognise") {
			t.Errorf("forged control %d answered %+v", i+1, r.Data)
		}
	}
	if got := ticked("r9"); got != "1,3" {
		t.Errorf("after the forged controls the checklist shows %q ticked, want Alice's 1,3", got)
	}
}

// The saved result takes the checklist's place; a failure on pyqbot's side is a private message
// beside it instead, so the ticks stay to save again.
func TestRubricSaveResponse(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		failed bool
		typ    discordgo.InteractionResponseType
	}{{false, discordgo.InteractionResponseUpdateMessage}, {true, discordgo.InteractionResponseChannelMessageWithSource}} {
		r := direct(bot.Reply{Private: true, Failed: tt.failed, Post: bot.Post{Text: "a reply"}}, false, true)
		if r.Type != tt.typ || tt.failed && r.Data.Flags != discordgo.MessageFlagsEphemeral {
			t.Errorf("failed=%v: response type %d flags %d, want type %d (private when failed)", tt.failed, r.Type, r.Data.Flags, tt.typ)
		}
	}
}
