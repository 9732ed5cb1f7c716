package bot

import (
	"fmt"
	"strings"
	"time"
)

// The posts of scheduled jobs that are theirs alone: a challenge thread's opening line, a hint, and
// the note a late post starts with.

// challengeThreadText opens a debugging challenge's thread with what to expect: its n hints' times
// (offsets after the post, shown in loc) and what each costs.
func challengeThreadText(p PostedQuestion, n int, offsets []time.Duration, loc *time.Location) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Debugging challenge %s: answer with `/pyq answer %s CHOICE`.", p.ShortRef(), p.ShortRef())
	if n == 0 {
		b.WriteString(" No hints for this one: it is worth 10 points until the reveal.")
	} else {
		var times []string
		for i := range n {
			times = append(times, p.PostedAt.Add(offsets[i]).In(loc).Format("15:04"))
		}
		fmt.Fprintf(&b, " %d hint%s will appear in this thread (%s); each one takes %d points off a right answer given after it.",
			n, plural(n), strings.Join(times, ", "), HintPenalty)
	}
	b.WriteString(" The fix and the reasoning come here at the reveal.")
	return b.String()
}

// hintPost is hint n (1-based) of count for the challenge p, in its thread; worth is what a right
// answer recorded from now on earns, note the late note or empty.
func hintPost(q *Question, p PostedQuestion, n, count, worth int, note string) Post {
	ref := p.Ref
	return Post{
		Title:  fmt.Sprintf("Hint %d of %d for %s", n, count, p.ShortRef()),
		Text:   withNote(note, strings.TrimSpace(q.Hints[n-1])),
		Footer: fmt.Sprintf("A right answer recorded from now on is worth %d points (plus streak bonus).", worth),
		Thread: &ref,
	}
}

// lateNote is the line a late post starts with: "Posted late: the bot was down at 09:00.", or for
// a retry of an attempt that failed (retried) "Posted late: the first try at 09:00 failed."
func lateNote(at time.Time, loc *time.Location, now time.Time, retried bool) string {
	if loc == nil {
		loc = time.UTC
	}
	at = at.In(loc)
	when := at.Format("15:04")
	if LocalDay(at, loc) != LocalDay(now, loc) {
		when = at.Format("Mon 2 Jan 15:04")
	}
	if retried {
		return "Posted late: the first try at " + when + " failed."
	}
	return "Posted late: the bot was down at " + when + "."
}

func withNote(note, text string) string {
	switch {
	case note == "":
		return text
	case text == "":
		return "_" + note + "_"
	default:
		return "_" + note + "_\n\n" + text
	}
}
