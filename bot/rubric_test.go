package bot_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

// rubricBank is two design questions (4 and 5 rubric items) and an output question.
func rubricBank() []bot.Question {
	qs := testQuestions()
	second := qs[2]
	second.ID, second.Title, second.Prompt = "design-two", "Design two", "Cache or queue?"
	second.Rubric = []string{"invalidation", "TTL", "stampede", "consistency", "memory bound"}
	return []bot.Question{qs[0], qs[2], second}
}

// postKind posts questions day by day (the bank in the harness's seeded order) until one of kind
// is up, revealing the others, and returns its number.
func (h *harness) postKind(kind bot.Kind, answers map[string]string) string {
	h.t.Helper()
	for range 6 {
		h.as("lead", true, "today")
		p, err := h.store.LatestPost(context.Background(), 1)
		if err != nil {
			h.t.Fatal(err)
		}
		if p.Kind == kind {
			for user, text := range answers {
				mustContain(h.t, h.as(user, false, "answer "+text).Post.Text, "Recorded your answer")
			}
			return p.ShortRef()
		}
		h.as("lead", true, "reveal")
		h.clock.Advance(24 * time.Hour)
	}
	h.t.Fatalf("no %s question came up", kind)
	return ""
}

// After a design reveal the answerer ticks, privately, what their answer covered; the reveal offers
// the checklist; a check can change; `/pyq me` shows coverage over time; points never move.
func TestRubricChecklistAfterADesignReveal(t *testing.T) {
	t.Parallel()
	h := newHarness(t, rubricBank())
	mustContain(t, h.as("Alice", false, "rubric").Post.Text, "You have not answered a revealed design question in this channel")
	ref := h.postKind(bot.KindDesign, map[string]string{"Alice": "asyncio: it is I/O bound, and a bounded queue gives backpressure", "Bob": "threads, since the work is CPU bound"})
	mustContain(t, h.as("Alice", false, "rubric "+ref).Post.Text, ref+" is not revealed yet: its rubric is shown at the reveal")
	mustContain(t, h.as("Alice", false, "rubric").Post.Text, "You have not answered a revealed design question") // open: not revealed

	h.as("lead", true, "reveal")
	reveal := h.titled("Answer to " + ref)
	if f := reveal.Post.Rubric; f == nil || f.Ref != ref || len(f.Items) != 0 || f.OpenCommand() != "rubric "+ref {
		t.Fatalf("design reveal's rubric control = %+v, want the checklist control for %s", reveal.Post.Rubric, ref)
	}
	mustContain(t, bot.PlainText(reveal.Post), "Check my answer against the rubric: /pyq rubric "+ref)
	pointsBefore := h.as("Alice", false, "leaderboard all").Post.Table.Rows

	list := h.as("Alice", false, "rubric")
	if !list.Private || list.Post.Rubric == nil || len(list.Post.Rubric.Items) != 4 {
		t.Fatalf("checklist = %+v, want a private form of the 4 items", list)
	}
	if list.Post.Rubric.Items[1] != (bot.RubricItem{N: 2, Label: "I/O bound"}) || list.Post.Rubric.Command(1, 3) != "rubric "+ref+" 1 3" ||
		list.Post.Rubric.Command() != "rubric "+ref+" none" {
		t.Errorf("checklist form = %+v", list.Post.Rubric)
	}
	mustContain(t, list.Post.Title, "Rubric for "+ref+": Design one")
	mustContain(t, list.Post.Text, "Your answer: asyncio: it is I/O bound, and a bounded queue gives backpressure", "[ ] 1. GIL\n[ ] 2. I/O bound\n[ ] 3. backpressure\n[ ] 4. cancellation")

	steps := []privateStep{
		{"Alice", "rubric 2 3", "Recorded for " + ref + ": your answer covered 2 of 4 (50%): I/O bound; backpressure."},
		{"Alice", "rubric " + ref, "[ ] 1. GIL\n[x] 2. I/O bound\n[x] 3. backpressure\n[ ] 4. cancellation"},
		{"Alice", "rubric " + ref + " 1,2,3", "covered 3 of 4 (75%): GIL; I/O bound; backpressure."}, // changed
		{"Bob", "rubric " + ref + " none", "covered 0 of 4 (0%)."},
	}
	h.expectPrivate(steps)
	if got := h.as("Alice", false, "leaderboard all").Post.Table.Rows; fmt.Sprint(got) != fmt.Sprint(pointsBefore) {
		t.Errorf("the leaderboard moved after rubric checks: %v, was %v", got, pointsBefore)
	}
	mustContain(t, h.as("Alice", false, "me").Post.Text, "Design rubric: 75% covered over 1 question. Your own check, not points.")
	mustContain(t, h.as("Alice", false, "help scoring").Post.Text, "Design rubric: after a design reveal, `/pyq rubric`", "It is feedback, not points")
	mustContain(t, h.as("Alice", false, "help rubric").Post.Text, "`/pyq rubric [#N] [ITEMS…]`", "/pyq rubric #12 1 3 4")

	// Refusals say what to fix and record nothing.
	outRef := h.postKind(bot.KindOutput, map[string]string{"Alice": "C"})
	refusals := []privateStep{
		{"Carol", "rubric " + ref, "You did not answer " + ref + ", so there is no answer of yours to check."},
		{"Carol", "rubric " + ref + " 1", "You did not answer " + ref},
		{"Alice", "rubric " + ref + " 5", "There is no item 5 on " + ref + "'s rubric: pick numbers from 1 to 4"},
		{"Alice", "rubric " + ref + " 0 1", "There is no item 0"},
		{"Alice", "rubric " + ref + " two", `"two" is not an item number.`},
		{"Alice", "rubric " + outRef, outRef + " is an output question: only design questions have a rubric"},
		{"Alice", "rubric " + outRef + " 1", "only design questions have a rubric"},
		{"Alice", "rubric #99 1", "There is no question #99 in this channel."},
	}
	h.expectPrivate(refusals, "Nothing was recorded.")
	mustContain(t, h.as("Alice", false, "rubric "+ref).Post.Text, "[x] 1. GIL\n[x] 2. I/O bound\n[x] 3. backpressure\n[ ] 4. cancellation")
	h.as("lead", true, "reveal")
	h.clock.Advance(24 * time.Hour)

	// A second design question: coverage over time, and `/pyq rubric` alone now means the newer one.
	ref2 := h.postKind(bot.KindDesign, map[string]string{"Alice": "a cache with a TTL"})
	h.as("lead", true, "reveal")
	if h.titled("Answer to "+ref2).Post.Rubric == nil {
		t.Errorf("the second design reveal has no rubric control")
	}
	mustContain(t, h.as("Alice", false, "rubric").Post.Title, "Rubric for "+ref2+": Design two")
	mustContain(t, h.as("Alice", false, "rubric 2").Post.Text, "covered 1 of 5 (20%): TTL.")
	// 4 of 9 items over two questions, the latest shown in order.
	mustContain(t, h.as("Alice", false, "me").Post.Text, "Design rubric: 44% covered over 2 questions (latest 2, oldest first: 3/4 · 1/5). Your own check, not points.")
	mustNotContain(t, h.as("Carol", false, "me").Post.Text, "Design rubric")
}

// A design reveal nobody answered, and any other reveal, offers no checklist.
func TestRubricControlOnlyOnAnsweredDesignReveals(t *testing.T) {
	t.Parallel()
	h := newHarness(t, rubricBank())
	ref := h.postKind(bot.KindDesign, nil)
	h.as("lead", true, "reveal")
	if f := h.titled("Answer to " + ref).Post.Rubric; f != nil {
		t.Errorf("a design reveal without answers offers the checklist: %+v", f)
	}
	h.clock.Advance(24 * time.Hour)
	out := h.postKind(bot.KindOutput, map[string]string{"Alice": "C"})
	h.as("lead", true, "reveal")
	if f := h.titled("Answer to " + out).Post.Rubric; f != nil {
		t.Errorf("an output reveal offers a rubric checklist: %+v", f)
	}
}

// A replayed tick (a captured request sent again) is refused, so it cannot undo a newer one; a
// replayed look at the checklist changes nothing and is answered.
func TestRubricTickReplayIsRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t, rubricBank())
	ref := h.postKind(bot.KindDesign, map[string]string{"Alice": "asyncio, since it is I/O bound"})
	h.as("lead", true, "reveal")
	mustContain(t, h.signed("Alice", false, "rubric "+ref+" 1 2", "sig-1").Post.Text, "covered 2 of 4")
	mustContain(t, h.signed("Alice", false, "rubric "+ref+" 2", "sig-2").Post.Text, "covered 1 of 4")
	mustContain(t, h.signed("Alice", false, "rubric "+ref+" 1 2", "sig-1").Post.Text, "already received, so it was not run again")
	mustContain(t, h.signed("Alice", false, "rubric "+ref, "sig-3").Post.Text, "[ ] 1. GIL\n[x] 2. I/O bound")
	mustContain(t, h.signed("Alice", false, "rubric "+ref, "sig-3").Post.Text, "[x] 2. I/O bound")
}
