package discord

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pyqbot/pyqbot/bot"
)

var carol = actor{id: "u-carol", name: "Carol", perms: alice.perms}

func submitReason(id string, who actor, customID, text string) []byte {
	return interaction(id, 5, who, map[string]any{"custom_id": customID, "components": []any{
		map[string]any{"type": 1, "components": []any{map[string]any{"type": 4, "custom_id": idReason, "value": text}}}}})
}

// threadMessages are the messages posted in the question's thread, decoded, in order.
func threadMessages(t *testing.T, f *fakeDiscord, thread string) []sentMessage {
	t.Helper()
	var out []sentMessage
	for _, c := range f.matching("POST", "/api/v9/channels/"+thread+"/messages") {
		if c.Path != "/api/v9/channels/"+thread+"/messages" || c.Status >= 300 {
			continue
		}
		var m sentMessage
		decode(t, c, &m)
		out = append(out, m)
	}
	return out
}

// answerWithReason plays "Answer with a reason…": pick the choice in the menu, get the modal (its
// body checked against Discord's rules by do), submit the reason.
func answerWithReason(t *testing.T, do2 func(body []byte) response, who actor, n int, key, reason string) response {
	t.Helper()
	r := do2(press(fmt.Sprintf("why%d", n), who, idWhy+"#1", key))
	if r.Type != 9 || r.Data.CustomID != idWhyText+"#1:"+key {
		t.Fatalf("picking %s in the reason menu answered %+v, want the reason modal", key, r)
	}
	return do2(submitReason(fmt.Sprintf("because%d", n), who, r.Data.CustomID, reason))
}

// The question offers "Answer with a reason…" beside its buttons; the menu opens a modal that passes
// the fake's rules; the reason reaches the reveal; the vote menu in the thread records a vote.
func TestDiscordAnswerWithReasonAndVote(t *testing.T) {
	t.Parallel()
	f, srv := playHTTP(t, testQuestion())
	send := func(body []byte) response { t.Helper(); return interact(t, srv, body) }
	send(slash("v0", lead, "today"))
	var q sentMessage
	decode(t, f.waitFor("POST", "/api/v9/channels/c1/messages"), &q)
	ids, _ := q.customIDs()
	if len(ids) != 4 || ids[3] != idWhy+"#1" {
		t.Fatalf("question controls = %v, want three choice buttons and the reason menu", ids)
	}
	thread := strings.Split(f.waitFor("POST", "/api/v9/channels/c1/messages/").Path, "/")[6]

	r := answerWithReason(t, send, alice, 1, "B", "the lambdas close over i, which ends at 2")
	if r.Data.Flags != 64 || !strings.Contains(r.Data.Content, "Recorded your answer B to #1") || !strings.Contains(r.Data.Content, "Your reason will be shown") {
		t.Fatalf("reason modal submit answered %+v", r.Data)
	}
	answerWithReason(t, send, bob, 2, "C", "range starts at 0")
	// A reason over the core's limit cannot be typed (max_length), and is refused if sent anyway.
	r = answerWithReason(t, send, carol, 3, "B", strings.Repeat("x", bot.MaxReasonLen+1))
	if !strings.Contains(r.Data.Content, "keep it to 500") {
		t.Errorf("an over-long reason answered %q", r.Data.Content)
	}
	// Forged ids of these shapes run nothing.
	for _, id := range []string{idWhy + "#1;reveal", idWhyText + "#1:B C", idVote + "#x", idVotePage + "#1:3:0"} {
		if r := send(press("forged"+id, alice, id, "1")); !strings.Contains(r.Data.Content, "did not recognise") {
			t.Errorf("forged %q answered %+v", id, r.Data)
		}
	}

	send(slash("v9", lead, "reveal"))
	var msgs []sentMessage
	for len(msgs) < 2 {
		f.waitForNth("POST", "/api/v9/channels/"+thread+"/messages", len(msgs)+1)
		msgs = threadMessages(t, f, thread)
	}
	if d := msgs[0].Embeds[0].Description; !strings.Contains(d, "1. Alice (B): the lambdas close over i, which ends at 2") ||
		!strings.Contains(d, "2. Bob @everyone (C): range starts at 0") {
		t.Errorf("reveal = %s", d)
	}
	voteIDs, _ := msgs[1].customIDs()
	if len(voteIDs) != 1 || voteIDs[0] != idVote+"#1" {
		t.Fatalf("vote message controls = %v, want the vote menu", voteIDs)
	}
	r = send(press("vote1", carol, idVote+"#1", "2"))
	if !strings.Contains(r.Data.Content, "Recorded your vote on #1 for explanation 2, by Bob") {
		t.Errorf("vote menu answered %q", r.Data.Content)
	}
	if r = send(press("vote2", alice, idVote+"#1", "1")); !strings.Contains(r.Data.Content, "your own") {
		t.Errorf("voting for yourself answered %q", r.Data.Content)
	}
}

// Over 25 explanations a select cannot hold them: numbered buttons, 20 a page with Previous and
// Next, every page within the fake's rules; turning a page shows it to the presser alone; a button
// on the second page records the vote.
func TestDiscordVoteButtonsPageBeyond25(t *testing.T) {
	t.Parallel()
	f, srv := playHTTP(t, testQuestion())
	send := func(body []byte) response { t.Helper(); return interact(t, srv, body) }
	send(slash("p0", lead, "today"))
	thread := strings.Split(f.waitFor("POST", "/api/v9/channels/c1/messages/").Path, "/")[6]
	const n = 30
	for i := range n {
		who := actor{id: fmt.Sprintf("u%d", i), name: fmt.Sprintf("Player %d", i), perms: alice.perms}
		if r := send(slash(fmt.Sprintf("p%d", i+1), who, "answer", "choice", fmt.Sprintf("B because reason number %d", i))); !strings.Contains(r.Data.Content, "Recorded") {
			t.Fatalf("answer %d: %+v", i, r.Data)
		}
	}
	send(slash("p99", lead, "reveal"))
	var msgs []sentMessage
	for n := 1; len(msgs) == 0 || len(msgs[len(msgs)-1].Components) == 0; n++ {
		f.waitForNth("POST", "/api/v9/channels/"+thread+"/messages", n)
		msgs = threadMessages(t, f, thread)
	}
	vote := msgs[len(msgs)-1]
	ids, _ := vote.customIDs()
	if len(vote.Components) != 5 || len(ids) != 22 || ids[0] != "pyq:vote #1 1" || ids[19] != "pyq:vote #1 20" {
		t.Fatalf("vote controls = %d rows %v, want 4 rows of numbers 1-20 and a paging row", len(vote.Components), ids)
	}
	next := ids[21]
	// Next on the vote everyone sees: page 2 for the presser alone; the shared vote is not edited.
	edits := len(f.matching("PATCH", "/api/v9/channels/"+thread+"/messages/"))
	r := send(pressOn("page", alice, next, 0))
	if r.Type != 4 || r.Data.Flags&64 == 0 || len(r.Data.Components) != 3 {
		t.Fatalf("Next on the shared vote answered type %d flags %d with %d rows, want a private message with two rows of numbers and the paging row",
			r.Type, r.Data.Flags, len(r.Data.Components))
	}
	if n := len(f.matching("PATCH", "/api/v9/channels/"+thread+"/messages/")); n != edits {
		t.Errorf("turning the page edited the shared vote (%d edits, was %d)", n, edits)
	}
	pids := componentIDs(r.Data.Components)
	if pids[0] != "pyq:vote #1 21" || pids[9] != "pyq:vote #1 30" {
		t.Fatalf("page 2 = %v", pids)
	}
	// Previous on that private page turns it in place.
	if r := send(pressOn("page1", alice, pids[10], 64)); r.Type != 7 || componentIDs(r.Data.Components)[0] != "pyq:vote #1 1" {
		t.Errorf("Previous on the private page answered type %d with %v, want an update back to page 1", r.Type, componentIDs(r.Data.Components))
	}
	if r := send(press("v27", alice, pids[6])); !strings.Contains(r.Data.Content, "Recorded your vote on #1 for explanation 27, by Player 26") {
		t.Errorf("a page-2 button answered %q", r.Data.Content)
	}
}
