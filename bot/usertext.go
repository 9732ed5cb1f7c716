package bot

import "strings"

// Text that people wrote (answers, reasons, display names) goes into public posts beside the bot's
// own Markdown. A platform that renders Markdown must show it as written: on Discord a reason like
// "[see the fix](https://evil.example)" would otherwise become a masked link under the bot's name,
// and `**` or `__` would restyle the reveal. The core cannot escape it itself (each platform
// escapes differently), so it marks where user text starts and ends, and each adapter renders the
// marked spans literally (Discord escapes their Markdown) or drops the marks (plain text, Slack,
// which escapes everything already). The marks are two private-use characters that the engine drops
// from every incoming text and name, so nobody can type them to open or close a span.
const (
	userOpen  = '\uE000'
	userClose = '\uE001'
)

// UserText marks s as written by a user.
func UserText(s string) string { return string(userOpen) + s + string(userClose) }

// Literal marks bank text that is not Markdown although it sits in a post's Markdown, such as a
// rubric item: in "__post_init__ validates" the underscores are a name, and Discord would underline
// "post_init". Adapters show it as they show user text (code spans are kept on every platform).
func Literal(s string) string { return UserText(s) }

// RenderUserText returns s with each user span passed through literal and the marks removed. A span
// left open (a post split mid-span) runs to the end; a stray close mark is dropped.
func RenderUserText(s string, literal func(string) string) string {
	if !strings.ContainsRune(s, userOpen) && !strings.ContainsRune(s, userClose) {
		return s
	}
	var b strings.Builder
	for s != "" {
		i := strings.IndexRune(s, userOpen)
		if i < 0 {
			b.WriteString(StripUserText(s))
			break
		}
		b.WriteString(StripUserText(s[:i]))
		s = s[i+len(string(userOpen)):]
		j := strings.IndexRune(s, userClose)
		if j < 0 {
			j = len(s)
		}
		b.WriteString(literal(StripUserText(s[:j])))
		s = s[j:]
		s = strings.TrimPrefix(s, string(userClose))
	}
	return b.String()
}

// StripUserText removes the marks, for output that shows everything as written anyway.
func StripUserText(s string) string {
	if !strings.ContainsRune(s, userOpen) && !strings.ContainsRune(s, userClose) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r == userOpen || r == userClose {
			return -1
		}
		return r
	}, s)
}

// userMark reports the marks, which incoming text and names must not carry.
func userMark(r rune) bool { return r == userOpen || r == userClose }
