package bot

import (
	"slices"
	"strings"
	"time"
)

// Reading `/pyq schedule`'s words: the action, a cron spec with its zone as typed in chat, a skip date.

// splitSpec reads `"CRON" [ZONE]` as typed in chat: the spec in straight or curly quotes (chat apps
// curl them), or unquoted as a descriptor or five fields (after an optional CRON_TZ= prefix).
func splitSpec(s string) (spec, zone string, problem string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", "", "Give the schedule in quotes, e.g. `/pyq schedule set question \"0 9 * * 1-5\"`."
	}
	for _, q := range [][2]string{{`"`, `"`}, {"“", "”"}, {"'", "'"}, {"‘", "’"}} {
		if strings.HasPrefix(s, q[0]) {
			body := s[len(q[0]):]
			end := strings.Index(body, q[1])
			if end < 0 {
				return "", "", "The schedule's closing quote is missing: write it like `\"0 9 * * 1-5\"`."
			}
			return strings.TrimSpace(body[:end]), strings.TrimSpace(body[end+len(q[1]):]), ""
		}
	}
	fields := strings.Fields(s)
	n := 5
	if strings.HasPrefix(fields[0], "TZ=") || strings.HasPrefix(fields[0], "CRON_TZ=") {
		n++
		if len(fields) > 1 && strings.HasPrefix(fields[1], "@") {
			n = 2
			if strings.EqualFold(fields[1], "@every") {
				n = 3
			}
		}
	} else if strings.HasPrefix(fields[0], "@") {
		n = 1
		if strings.EqualFold(fields[0], "@every") {
			n = 2
		}
	}
	if len(fields) < n {
		return strings.Join(fields, " "), "", ""
	}
	return strings.Join(fields[:n], " "), strings.Join(fields[n:], " "), ""
}

// scheduleAction reads `/pyq schedule`'s first word, in any case: one of the vocabulary's actions,
// "list" when there is none. rest is the text after it.
func scheduleAction(text string) (action, rest string, ok bool) {
	action, rest = splitWord(text)
	action = strings.ToLower(action)
	if action == "" {
		action = "list"
	}
	return action, rest, slices.Contains(argValues("schedule", "action"), action)
}

// scheduleSuggestions are the actions a mistyped one is matched against: help is left out, as it
// changes nothing and `/pyq help schedule` is what people reach for.
func scheduleSuggestions() []string {
	return slices.DeleteFunc(slices.Clone(argValues("schedule", "action")), func(a string) bool { return a == "help" })
}

// skipDay reads a holiday as YYYY-MM-DD, in that form.
func skipDay(s string) (string, bool) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return "", false
	}
	return t.Format(time.DateOnly), true
}
