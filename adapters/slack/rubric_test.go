package slack

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/adapters/contract"
	"github.com/pyqbot/pyqbot/adapters/slack/slackfake"
	"github.com/pyqbot/pyqbot/bot"
)

// goldenBlocks pins the Block Kit pyqbot sent, as Slack received it, in testdata/NAME.golden.json.
func goldenBlocks(t *testing.T, name, blocks string) {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(blocks), &v); err != nil {
		t.Fatalf("%s blocks: %v", name, err)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(map[string]any{"blocks": v}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", name+".golden.json")
	if *update {
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./adapters/slack -run Rubric -update to create it)", err)
	}
	if !bytes.Equal(b.Bytes(), want) {
		t.Errorf("Block Kit for %s differs from %s (rerun with -update if the change is intended):\n%s", name, path, b.Bytes())
	}
}

func rubricSave(fake *slackfake.Server, user, ref string, ticked ...string) map[string]any {
	var opts []any
	for _, v := range ticked {
		opts = append(opts, map[string]any{"value": v, "text": map[string]any{"type": "plain_text", "text": v}})
	}
	return buttonPress(fake, user, actionRubricSave, ref, map[string]any{
		blockRubricItems: map[string]any{actionRubricItems + "0": map[string]any{"type": "checkboxes", "selected_options": opts}}})
}

// The design reveal's "Check my answer against the rubric" button answers, privately through the
// press's response_url, with the checklist as checkboxes Slack accepts; Save records the ticks, a
// second press shows them ticked; forged values run nothing.
func TestSlackRubricChecklist(t *testing.T) {
	t.Parallel()
	e := newEngineEnv(t, contract.RubricQuestion())
	e.startWith(e.engine)
	e.as("lead", true, "today")
	e.as("alice", false, "answer asyncio, with a semaphore of 20 and a timeout on each call")
	e.as("bob", false, "answer threads, because the client library is blocking")
	e.as("lead", true, "reveal")
	msgs := e.fake.Messages("C1")
	if len(msgs) < 2 {
		t.Fatalf("%d messages after the reveal", len(msgs))
	}
	reveal := msgs[1]
	if b := actionOf(t, reveal.Blocks, actionRubric); b["value"] != "rubric #1" || buttonText(b) != bot.RubricButtonLabel {
		t.Fatalf("reveal's rubric button = %v", b)
	}
	goldenBlocks(t, "rubric-reveal", reveal.Blocks)

	press := func(payload map[string]any) {
		t.Helper()
		e.clock.Advance(time.Second) // a new signature: the same press twice is a replay
		if resp := e.signed(PathInteractions, formType, interactionPayload(t, payload)); resp.StatusCode != 200 {
			t.Fatalf("press answered %d", resp.StatusCode)
		}
	}
	press(buttonPress(e.fake, "Ualice", actionRubric, "rubric #1", nil))
	list := waitCalls(t, e.fake, "response_url", 1)[0]
	if why := slackfake.Refusal(slackfake.Call{Method: "chat.postMessage", Form: map[string][]string{"blocks": {list.Blocks()}, "text": {"x"}}}); why != "" {
		t.Fatalf("Slack would refuse the checklist: %s", why)
	}
	if list.JSON["response_type"] != "ephemeral" {
		t.Errorf("checklist response_type = %v, want ephemeral: only the presser sees it", list.JSON["response_type"])
	}
	boxes := actionOf(t, list.Blocks(), actionRubricItems+"0")
	if opts, _ := boxes["options"].([]any); boxes["type"] != "checkboxes" || len(opts) != 4 || boxes["initial_options"] != nil {
		t.Fatalf("checklist boxes = %v, want 4 unticked", boxes)
	}
	goldenBlocks(t, "rubric-checklist", list.Blocks())

	press(rubricSave(e.fake, "Ualice", "#1", "3", "1"))
	saved := waitCalls(t, e.fake, "response_url", 2)[1]
	if saved.JSON["replace_original"] != true || saved.JSON["response_type"] != "ephemeral" {
		t.Errorf("save reply replace_original = %v, response_type = %v; want it to take the checklist's place, privately",
			saved.JSON["replace_original"], saved.JSON["response_type"])
	}
	if list.JSON["replace_original"] != false {
		t.Errorf("checklist replace_original = %v, want false: the reveal it came from stays", list.JSON["replace_original"])
	}
	if s := strings.Join(sectionTexts(t, saved.Blocks()), "\n"); !strings.Contains(s, "Recorded for #1: your answer covered 2 of 4 (50%): I/O bound, so the GIL matters little; timeouts and cancellation.") {
		t.Errorf("save reply = %s", s)
	}
	press(buttonPress(e.fake, "Ualice", actionRubric, "rubric #1", nil))
	again := waitCalls(t, e.fake, "response_url", 3)[2]
	if why := slackfake.Refusal(slackfake.Call{Method: "chat.postMessage", Form: map[string][]string{"blocks": {again.Blocks()}, "text": {"x"}}}); why != "" {
		t.Fatalf("Slack would refuse the ticked checklist: %s", why)
	}
	if init, _ := actionOf(t, again.Blocks(), actionRubricItems+"0")["initial_options"].([]any); len(init) != 2 {
		t.Errorf("second checklist ticks %v, want items 1 and 3", init)
	}
	// Bob did nothing; Carol never answered, and is told so.
	press(buttonPress(e.fake, "Ucarol", actionRubric, "rubric #1", nil))
	if b := waitCalls(t, e.fake, "response_url", 4)[3].Blocks(); !strings.Contains(b, "You did not answer #1") {
		t.Errorf("Carol's press = %s", b)
	}

	for _, forged := range []map[string]any{
		buttonPress(e.fake, "Ualice", actionRubric, "reveal", nil),
		buttonPress(e.fake, "Ualice", actionRubric, "rubric #1 4", nil), // the button never carries ticks
		rubricSave(e.fake, "Ualice", "reveal", "1"),
		rubricSave(e.fake, "Ualice", "#1", "1; reveal"),
	} {
		press(forged)
	}
	calls := e.fake.Calls("response_url")
	if len(calls) != 4 {
		t.Errorf("%d response_url replies, want 4: a forged control got an answer", len(calls))
	}
	answers, _ := e.store.Answers(t.Context(), 1)
	check, err := e.store.RubricCheck(t.Context(), answers[0].ID)
	if err != nil || len(check.Items) != 2 || check.Items[0] != 1 || check.Items[1] != 3 {
		t.Errorf("Alice's check = %+v, %v; want [1 3] after the forged presses", check, err)
	}
	if _, err := e.store.RubricCheck(t.Context(), answers[1].ID); err == nil {
		t.Errorf("Bob has a rubric check, and he never ticked")
	}
}

func buttonText(el map[string]any) string {
	m, _ := el["text"].(map[string]any)
	s, _ := m["text"].(string)
	return s
}

// A rubric save that fails on pyqbot's side says so beside the checklist instead of taking its
// place: the user's ticks stay, to save again.
func TestSlackFailedRubricSaveKeepsTheChecklist(t *testing.T) {
	t.Parallel()
	for _, failed := range []bool{false, true} {
		e := newEnv(t, ModeHTTP)
		e.core.reply = func(bot.Event) bot.Reply {
			return bot.Reply{Private: true, Failed: failed, Post: bot.Post{Text: "a reply"}}
		}
		e.start()
		if r := e.signed(PathInteractions, formType, interactionPayload(t, rubricSave(e.fake, "U1", "#1", "2"))); r.StatusCode != 200 {
			t.Fatalf("save answered %d", r.StatusCode)
		}
		if got := waitCalls(t, e.fake, "response_url", 1)[0].JSON["replace_original"]; got != !failed {
			t.Errorf("failed=%v: replace_original = %v, want %v", failed, got, !failed)
		}
	}
}
