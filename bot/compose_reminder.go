package bot

import (
	"fmt"
	"strings"
	"time"
)

// How reminders look: the private reminder, what it puts at stake, and the reminder lines of
// `/pyq remind` and `/pyq me`.

// reminderPost is the private reminder: which question, when it closes, and how to stop them.
func (e *Engine) reminderPost(d reminderDue, now time.Time) Post {
	loc := d.ch.Location()
	first := d.posts[0]
	var refs []string
	for _, p := range d.posts {
		refs = append(refs, p.ShortRef())
	}
	what := "Today's question " + first.ShortRef() + " is"
	if len(d.posts) > 1 {
		what = "Today's questions " + strings.Join(refs, " and ") + " are"
	}
	return Post{
		Title: "Reminder: " + first.ShortRef() + " is revealed in " + formatDuration(d.reveal.Sub(now)),
		Text: fmt.Sprintf("%s still open and you have not answered yet. It is revealed %s; answer in the team channel with `/pyq answer %s CHOICE`.",
			what, formatWhen(d.reveal, now, loc), first.ShortRef()),
		Footer: "You get one reminder on a question day because you turned them on. `/pyq remind 30m` changes the time, `/pyq remind off` stops them.",
	}
}

// leadText is a lead as people write it: "30m", "1h", "1h 30m".
func leadText(d time.Duration) string {
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case h == 0:
		return fmt.Sprintf("%dm", m)
	case m == 0:
		return fmt.Sprintf("%dh", h)
	}
	return fmt.Sprintf("%dh %dm", h, m)
}

// reminderStatus is one sentence on the user's setting, e.g. "Reminders are on, 1h before the reveal."
func reminderStatus(s ReminderSetting) string {
	if !s.On {
		return "Reminders are off."
	}
	return fmt.Sprintf("Reminders are on, %s before the reveal.", leadText(s.Lead))
}

// streakStakeText is what missing the day costs, e.g. " Missing it ends your streak of 12.", or ""
// without a streak.
func streakStakeText(s StreakState) string {
	switch {
	case s.Length == 0:
		return ""
	case s.Freezes == 0:
		return fmt.Sprintf(" Missing it ends your streak of %d.", s.Length)
	default:
		return fmt.Sprintf(" Missing it spends one of your %d freeze%s to keep your streak of %d.", s.Freezes, plural(s.Freezes), s.Length)
	}
}

// reminderMeLine is `/pyq me`'s line on the user's setting s on platform: "" while they are off and
// nothing went wrong, a plain warning when the platform refused the last one.
func reminderMeLine(s ReminderSetting, platform string) string {
	if !s.UnreachableAt.IsZero() {
		return fmt.Sprintf("Reminders could not be delivered: on %s %s would not deliver a private message to you (%s). "+
			"Once that is fixed the next one comes through; or stop them with `/pyq remind off`.",
			s.UnreachableAt.In(time.UTC).Format("Mon 2 Jan 15:04 MST"), platformName(platform), s.UnreachableNote)
	}
	if !s.On {
		return ""
	}
	return reminderStatus(s) + " `/pyq remind off` stops them."
}
