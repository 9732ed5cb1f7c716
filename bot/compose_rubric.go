package bot

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// How the design rubric looks: the reveal's control, the private checklist, the confirmation of a
// check and `/pyq me`'s coverage line.

// rubricControl is the reveal's checklist control, nil when the question has no rubric to check.
func (e *Engine) rubricControl(q *Question, p PostedQuestion, answers []Answer) *RubricForm {
	if q == nil || !q.FreeText() || len(q.Rubric) == 0 || len(answers) == 0 {
		return nil
	}
	return &RubricForm{Ref: p.ShortRef()}
}

// rubricChecklist is the private checklist: the user's own answer, then the rubric with their last
// ticks, and the form that records new ones.
func rubricChecklist(q *Question, p PostedQuestion, mine Answer, ticked []int) Post {
	form := &RubricForm{Ref: p.ShortRef()}
	var b strings.Builder
	fmt.Fprintf(&b, "Your answer: %s\n\nTick what your answer covered:", UserText(truncate(strings.TrimSpace(mine.Text), 500)))
	for i, item := range q.Rubric {
		it := RubricItem{N: i + 1, Label: item, Checked: slices.Contains(ticked, i+1)}
		form.Items = append(form.Items, it)
		mark := "[ ]"
		if it.Checked {
			mark = "[x]"
		}
		fmt.Fprintf(&b, "\n%s %d. %s", mark, it.N, Literal(item))
	}
	return Post{
		Title:  fmt.Sprintf("Rubric for %s: %s", p.ShortRef(), q.Title),
		Text:   b.String(),
		Rubric: form,
		Footer: fmt.Sprintf("Typed: /pyq %s · only you see this; it is feedback, not points", form.Command(1, 3)),
	}
}

// rubricRecordedText confirms a recorded check: how much of q's rubric the answer covered, which items.
func rubricRecordedText(q *Question, qref string, ticks []int) string {
	var covered []string
	for _, n := range ticks {
		covered = append(covered, q.Rubric[n-1])
	}
	text := fmt.Sprintf("Recorded for %s: your answer covered %d of %d (%d%%)", qref, len(ticks), len(q.Rubric), percentOf(len(ticks), len(q.Rubric)))
	if len(covered) > 0 {
		text += ": " + strings.TrimRight(strings.Join(covered, "; "), ".") // an item's own full stop is not doubled
	}
	text += fmt.Sprintf(".\nChange it any time with `/pyq %s`. Only you see it, and it is feedback, not points; `/pyq me` shows your coverage over time.",
		RubricForm{Ref: qref}.Command(1, 3))
	return text
}

// rubricCoverageLine sums up the user's checks (at least one), oldest question first, for `/pyq me`.
func rubricCoverageLine(checks []RubricCheck) string {
	covered, total := 0, 0
	var recent []string
	for i, c := range checks {
		covered += len(c.Items)
		total += c.Total
		if i >= len(checks)-5 {
			recent = append(recent, fmt.Sprintf("%d/%d", len(c.Items), c.Total))
		}
	}
	line := fmt.Sprintf("Design rubric: %d%% covered over %d question%s", percentOf(covered, total), len(checks), plural(len(checks)))
	if len(checks) > 1 {
		line += " (latest " + strconv.Itoa(len(recent)) + ", oldest first: " + strings.Join(recent, " · ") + ")"
	}
	return line + ". Your own check, not points."
}
