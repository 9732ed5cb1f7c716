package slack

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/pyqbot/pyqbot/adapters/contract"
	"github.com/pyqbot/pyqbot/adapters/slack/slackfake"
	"github.com/pyqbot/pyqbot/bot"
)

// actionOf finds the element with action_id in a message's blocks.
func actionOf(t *testing.T, blocks, actionID string) map[string]any {
	t.Helper()
	var bs []struct {
		Elements []map[string]any `json:"elements"`
	}
	if err := json.Unmarshal([]byte(blocks), &bs); err != nil {
		t.Fatal(err)
	}
	for _, b := range bs {
		for _, el := range b.Elements {
			if el["action_id"] == actionID {
				return el
			}
		}
	}
	t.Fatalf("no element %q in %s", actionID, blocks)
	return nil
}

func reasonSubmission(user string, meta reasonMeta, key, why string) map[string]any {
	private, _ := json.Marshal(reasonMeta{Ref: meta.Ref, Multi: meta.Multi, Channel: meta.Channel})
	return map[string]any{
		"type": "view_submission", "team": map[string]any{"id": slackfake.TeamID}, "user": map[string]any{"id": user, "name": strings.ToLower(user)},
		"view": map[string]any{"type": "modal", "callback_id": callbackReason, "private_metadata": string(private),
			"state": map[string]any{"values": map[string]any{
				blockChoice: map[string]any{actionChoice: map[string]any{"type": "static_select", "selected_option": map[string]any{"value": key}}},
				blockReason: map[string]any{actionWhy: map[string]any{"type": "plain_text_input", "value": why}},
			}}},
	}
}

func votePress(fake *slackfake.Server, user, value string) map[string]any {
	p := buttonPress(fake, user, actionVote+"0", "", nil)
	p["actions"] = []any{map[string]any{"type": "static_select", "action_id": actionVote + "0", "block_id": actionVote + "0",
		"selected_option": map[string]any{"value": value, "text": map[string]any{"type": "plain_text", "text": "x"}}}}
	return p
}

// "Answer with a reason" opens a modal Slack accepts, its submission records the answer and the
// reason, and the reveal's vote select (accepted by the fake) records a vote; a forged option runs
// nothing.
func TestSlackAnswerWithReasonAndVote(t *testing.T) {
	t.Parallel()
	e := newEngineEnv(t, contract.OutputQuestion())
	e.startWith(e.engine)
	e.postToday()
	q := e.fake.Messages("C1")[0]
	button := actionOf(t, q.Blocks, actionReason)
	value, _ := button["value"].(string)
	meta, err := parseReasonMeta(value)
	if err != nil || meta.Ref != "#1" || len(meta.Choices) != 3 || meta.Choices[1] != [2]string{"B", "B. [2, 2, 2]"} {
		t.Fatalf("reason button value %q: %+v %v", value, meta, err)
	}

	answer := func(n int, user, key, why string) {
		t.Helper()
		e.signed(PathInteractions, formType, interactionPayload(t, buttonPress(e.fake, user, actionReason, value, nil)))
		open := waitCalls(t, e.fake, "views.open", n)[n-1]
		if why := slackfake.Refusal(open); why != "" {
			t.Fatalf("Slack would refuse the reason modal: %s", why)
		}
		view, _ := open.JSON["view"].(map[string]any)
		if view["callback_id"] != callbackReason || !strings.Contains(open.Blocks(), `"max_length":500`) || !strings.Contains(open.Blocks(), "B. [2, 2, 2]") {
			t.Fatalf("reason modal = %s", open.Blocks())
		}
		var private reasonMeta
		json.Unmarshal([]byte(view["private_metadata"].(string)), &private)
		resp := e.signed(PathInteractions, formType, interactionPayload(t, reasonSubmission(user, private, key, why)))
		if resp.StatusCode != 200 {
			t.Fatalf("submission answered %d", resp.StatusCode)
		}
	}
	answer(1, "Ualice", "B", "the lambdas close over i, which ends at 2")
	answer(2, "Ubob", "C", "range starts at 0")
	// Each confirmation goes out after its acknowledgement, so the two may arrive in either order.
	var b string
	for _, c := range waitCalls(t, e.fake, "chat.postEphemeral", 2) {
		if c.Form.Get("user") == "Ualice" {
			b = c.Form.Get("blocks")
		}
	}
	if !strings.Contains(b, "Recorded your answer B to #1") || !strings.Contains(b, "Your reason will be shown") {
		t.Errorf("Alice's confirmation = %s", b)
	}
	// A submission without a reason keeps the modal open with the error.
	resp := e.signed(PathInteractions, formType, interactionPayload(t, reasonSubmission("Ucarol", reasonMeta{Ref: "#1", Channel: "C1"}, "B", "  ")))
	if m := ackMessage(t, resp); m["response_action"] != "errors" {
		t.Errorf("blank reason ack = %v, want the modal's errors", m)
	}

	if r := e.as("lead", true, "reveal"); !r.Empty() {
		t.Fatalf("reveal: %s", r.Post.Text)
	}
	msgs := e.fake.Messages("C1")
	if len(msgs) != 3 {
		t.Fatalf("%d messages after the reveal, want the question, the reveal and the vote", len(msgs))
	}
	reveal, vote := msgs[1], msgs[2]
	if vote.ThreadTS != q.TS || reveal.ThreadTS != q.TS {
		t.Errorf("reveal and vote in threads %q, %q, want the question's %q", reveal.ThreadTS, vote.ThreadTS, q.TS)
	}
	if s := strings.Join(sectionTexts(t, reveal.Blocks), "\n"); !strings.Contains(s, "1. ualice (B): the lambdas close over i, which ends at 2") {
		t.Errorf("reveal = %s", s)
	}
	sel := actionOf(t, vote.Blocks, actionVote+"0")
	opts, _ := sel["options"].([]any)
	if sel["type"] != "static_select" || len(opts) != 2 || opts[1].(map[string]any)["value"] != "vote #1 2" {
		t.Fatalf("vote select = %v", sel)
	}

	e.signed(PathInteractions, formType, interactionPayload(t, votePress(e.fake, "Ucarol", "vote #1 2")))
	replies := waitCalls(t, e.fake, "response_url", 1)
	if b := replies[0].Blocks(); !strings.Contains(b, "Recorded your vote on #1 for explanation 2, by ubob") {
		t.Errorf("vote reply = %s", b)
	}
	for _, forged := range []string{"reveal", "vote #1 2; reveal", "answer #1 A"} {
		e.signed(PathInteractions, formType, interactionPayload(t, votePress(e.fake, "Udave", forged)))
	}
	var votes int
	if err := e.store.SQL().QueryRow(`SELECT COUNT(*) FROM votes`).Scan(&votes); err != nil || votes != 1 {
		t.Errorf("%d votes recorded (%v), want Carol's only", votes, err)
	}
	if n, _ := e.store.CountAnswers(t.Context(), 1); n != 2 {
		t.Errorf("%d answers, want 2: a forged vote option answered", n)
	}
}

// More than 100 explanations need more than one select: each within Slack's 100 options.
func TestSlackVoteOfManyExplanationsFitsSlacksSelects(t *testing.T) {
	t.Parallel()
	f := bot.VoteForm{Ref: "#3"}
	for i := range 130 {
		f.Options = append(f.Options, bot.VoteOption{N: i + 1, Label: fmt.Sprintf("%d · Player %d: %s", i+1, i, strings.Repeat("why ", 30))})
	}
	blocks := voteBlocks(f)
	if len(blocks) != 2 {
		t.Fatalf("%d vote blocks for 130 explanations, want 2", len(blocks))
	}
	raw, _ := json.Marshal(blocks)
	fake := slackfake.New()
	defer fake.Close()
	call := slackfake.Call{Method: "chat.postMessage", Form: map[string][]string{"blocks": {string(raw)}, "text": {"vote"}}}
	if why := slackfake.Refusal(call); why != "" {
		t.Fatalf("Slack would refuse the vote: %s", why)
	}
}
