package storage

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

// Rubric checks: one per answer, replaced by the next; listed per user and workspace in question
// order; the last revealed design question a user answered, per channel; on both backends.
func TestRubricChecks(t *testing.T) {
	forEachChannel(t, func(t *testing.T, f *fixture, ch bot.Channel) {
		other := f.channel("T2", "C1") // another workspace: its checks are not Ann's here
		d1 := f.post(ch, 0, bot.KindDesign, "design")
		ann1 := f.answer(d1, "U1", "Ann", t0.Add(time.Hour))
		bob1 := f.answer(d1, "U2", "Bob", t0.Add(time.Hour))
		f.close(d1, nil)
		out := f.post(ch, 1, bot.KindOutput, "closures") // answered and closed, but not design
		f.answer(out, "U1", "Ann", t0.Add(25*time.Hour), "A")
		f.close(out, nil)
		d2 := f.post(ch, 2, bot.KindDesign, "design")
		ann2 := f.answer(d2, "U1", "Ann", t0.Add(49*time.Hour))
		f.close(d2, nil)
		d3 := f.post(ch, 3, bot.KindDesign, "design") // still open: not a reveal yet
		f.answer(d3, "U1", "Ann", t0.Add(73*time.Hour))
		x := f.post(other, 0, bot.KindDesign, "design")
		annElsewhere := f.answer(x, "U1", "Ann", t0.Add(time.Hour))
		f.close(x, nil)

		if id, err := f.db.LastAnsweredReveal(f.ctx, ch.ID, "U1", bot.KindDesign); err != nil || id != d2.ID {
			t.Errorf("LastAnsweredReveal(U1) = %d, %v; want %d (the open #%d and the output question do not count)", id, err, d2.ID, d3.ID)
		}
		if id, err := f.db.LastAnsweredReveal(f.ctx, ch.ID, "U2", bot.KindDesign); err != nil || id != d1.ID {
			t.Errorf("LastAnsweredReveal(U2) = %d, %v; want %d", id, err, d1.ID)
		}
		if _, err := f.db.LastAnsweredReveal(f.ctx, ch.ID, "nobody", bot.KindDesign); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("LastAnsweredReveal(nobody) error = %v, want ErrNotFound", err)
		}
		if _, err := f.db.RubricCheck(f.ctx, ann1.ID); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("RubricCheck before any check: %v, want ErrNotFound", err)
		}

		set := func(a bot.Answer, p bot.PostedQuestion, items []int, total int, at time.Time) {
			t.Helper()
			if err := f.db.SetRubricCheck(f.ctx, bot.RubricCheck{PostID: p.ID, AnswerID: a.ID, Items: items, Total: total, CheckedAt: at}); err != nil {
				t.Fatalf("SetRubricCheck(answer %d): %v", a.ID, err)
			}
		}
		set(ann2, d2, []int{2}, 5, t0.Add(50*time.Hour))
		set(ann1, d1, []int{1, 2, 4}, 4, t0.Add(9*time.Hour))
		set(ann1, d1, []int{1, 3}, 4, t0.Add(10*time.Hour)) // changed her mind: replaces the first
		set(bob1, d1, []int{}, 4, t0.Add(9*time.Hour))      // covered nothing
		set(annElsewhere, x, []int{1, 2, 3, 4}, 4, t0.Add(9*time.Hour))

		got, err := f.db.RubricCheck(f.ctx, ann1.ID)
		if err != nil || fmt.Sprint(got.Items) != "[1 3]" || got.Total != 4 || !got.CheckedAt.Equal(t0.Add(10*time.Hour)) || got.PostID != d1.ID {
			t.Errorf("RubricCheck(ann1) = %+v, %v; want items [1 3] of 4 at +10h", got, err)
		}
		if got, err := f.db.RubricCheck(f.ctx, bob1.ID); err != nil || len(got.Items) != 0 || got.Total != 4 {
			t.Errorf("RubricCheck(bob1) = %+v, %v; want none of 4", got, err)
		}
		checks, err := f.db.RubricChecks(f.ctx, ch.WorkspaceID, "U1")
		if err != nil {
			t.Fatal(err)
		}
		var summary []string
		for _, c := range checks {
			summary = append(summary, fmt.Sprintf("#%d:%v/%d", c.PostID, c.Items, c.Total))
		}
		if want := fmt.Sprintf("[#%d:[1 3]/4 #%d:[2]/5]", d1.ID, d2.ID); fmt.Sprint(summary) != want {
			t.Errorf("RubricChecks(U1) = %v, want %s (oldest question first, this workspace only)", summary, want)
		}
		if n := f.count(`SELECT COUNT(*) FROM rubric_checks`); n != 4 {
			t.Errorf("%d rubric_checks rows, want 4: a new check replaces the old one", n)
		}
	})
}
