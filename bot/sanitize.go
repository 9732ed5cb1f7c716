package bot

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Text from users reaches public posts (reveals quote answers and names), so the engine checks it
// where it enters, before anything is parsed or stored:
//   - control characters (NUL and the other C0/C1 codes but tab and newline) and bidirectional
//     overrides, embeddings, isolates and marks are refused: they hide or reorder what teammates read
//     (U+202E can make `rm -rf` read as harmless text), and a NUL would be stored;
//   - zero-width spaces and the byte-order mark are dropped: they are invisible, usually pasted by
//     accident, and can make two answers that look equal differ; so are the two private-use
//     characters that mark user text in posts (usertext.go), so nobody can open or close a span;
//   - the zero-width joiner and non-joiner stay: emoji sequences and several scripts need them.
//
// Ids come from the platform, not from people: one that is not valid UTF-8 or holds control characters
// is refused rather than stored as raw bytes.

// refusedRune names a character the engine refuses in user text, or "" when r is fine.
func refusedRune(r rune) string {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return ""
	case r == 0:
		return "NUL (U+0000)"
	case unicode.IsControl(r):
		return fmt.Sprintf("a control character (U+%04X)", r)
	case r == 0x061C || r == 0x200E || r == 0x200F || (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069):
		return fmt.Sprintf("a text-direction control (U+%04X)", r)
	}
	return ""
}

// droppedRune reports invisible characters that are removed rather than refused.
func droppedRune(r rune) bool { return r == 0x200B || r == 0x2060 || r == 0xFEFF || userMark(r) }

// cleanText returns s without dropped characters, or a problem naming the first refused one.
func cleanText(s string) (string, string) {
	if !utf8.ValidString(s) {
		return "", "Your message is not valid text (UTF-8), so nothing was recorded. Type it again or paste it as plain text."
	}
	var b strings.Builder
	for _, r := range s {
		if what := refusedRune(r); what != "" {
			return "", fmt.Sprintf("Your message contains %s, an invisible character that can hide or reorder text in a public post, so nothing was recorded. Remove it and send it again.", what)
		}
		if !droppedRune(r) {
			b.WriteRune(r)
		}
	}
	return b.String(), ""
}

// cleanName makes a display name safe to show: refused and dropped characters are removed, since a
// name is the platform's, not something the user can retype here.
func cleanName(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "")
	}
	return strings.Map(func(r rune) rune {
		if refusedRune(r) != "" || droppedRune(r) || r == '\n' || r == '\r' || r == '\t' {
			return -1
		}
		return r
	}, s)
}

// UsableUserID reports whether Handle accepts s as who sent a command: not blank, and plain text
// (see validID). An adapter that is told its user up front (the terminal's --user) checks it there,
// so a bad name is refused at start-up instead of every command failing.
func UsableUserID(s string) bool { return strings.TrimSpace(s) != "" && validID(s) }

// validID reports whether a platform identifier can be stored and shown as it is.
func validID(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) || refusedRune(r) != "" || droppedRune(r) {
			return false
		}
	}
	return true
}

// cleanEvent applies the rules above to an event, or returns the reply that refuses it.
func cleanEvent(ev Event) (Event, string) {
	for _, id := range []string{ev.Conv.Platform, ev.Conv.Workspace, ev.Conv.Channel, ev.User.ID} {
		if !validID(id) {
			return ev, "The platform sent an identifier pyqbot cannot use (it is not plain text), so nothing was recorded. Please tell the bot's admin."
		}
	}
	text, problem := cleanText(ev.Text)
	if problem != "" {
		return ev, problem
	}
	ev.Text = text
	ev.User.Name = strings.TrimSpace(cleanName(ev.User.Name))
	return ev, ""
}
