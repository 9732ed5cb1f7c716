package discord

import (
	"strings"

	"github.com/pyqbot/pyqbot/bot"
)

// escapeMarkdown makes text that is not meant as Markdown (a title, a choice) show as written:
// `__exit__` must not underline "exit", `*args` must not start italics. Code spans (`x`) are kept
// as they are, since the bank writes code in them on purpose and Discord shows them verbatim; a
// stray backtick with no partner is escaped.
func escapeMarkdown(s string) string { return escapeChars(s, `\*_~|<`) }

// escapeUserMarkdown is escapeMarkdown for what people wrote, which also loses masked links
// ([text](url)): the bank's text never has one, and a user's would show as the bot's link.
func escapeUserMarkdown(s string) string { return escapeChars(s, `\*_~|<[]`) }

// escapeChars escapes each of special outside code spans, and line-start Markdown.
func escapeChars(s, special string) string {
	var b strings.Builder
	lineStart := true
	for i := 0; i < len(s); {
		c := s[i]
		if c == '`' {
			n := runLen(s[i:], '`')
			if end := closingRun(s[i+n:], n); end >= 0 {
				b.WriteString(s[i : i+n+end+n])
				i += n + end + n
				lineStart = false
				continue
			}
			b.WriteString(strings.Repeat("\\`", n))
			i += n
			lineStart = false
			continue
		}
		switch {
		case strings.IndexByte(special, c) >= 0:
			b.WriteByte('\\')
		case lineStart && (c == '#' || c == '>' || (c == '-' && i+1 < len(s) && s[i+1] == ' ')):
			b.WriteByte('\\') // a header, quote or list only at the start of a line
		}
		b.WriteByte(c)
		lineStart = c == '\n' || (lineStart && c == ' ')
		i++
	}
	return b.String()
}

// runLen counts the leading bytes of s equal to c.
func runLen(s string, c byte) int {
	n := 0
	for n < len(s) && s[n] == c {
		n++
	}
	return n
}

// closingRun is the offset in s of a run of exactly n backticks, or -1.
func closingRun(s string, n int) int {
	for i := 0; i < len(s); {
		if s[i] != '`' {
			i++
			continue
		}
		m := runLen(s[i:], '`')
		if m == n {
			return i
		}
		i += m
	}
	return -1
}

// literalUserText shows what people wrote exactly as written: the core marks user text (answers,
// reasons, names) in a post's text, and Discord would otherwise render its Markdown (a masked link
// under the bot's name, a stray ** restyling the reveal). Title and footer are plain text on
// Discord, so there the marks are only dropped.
func literalUserText(p bot.Post) bot.Post {
	p.Text = bot.RenderUserText(p.Text, escapeUserMarkdown)
	p.Title = bot.StripUserText(p.Title)
	p.Footer = bot.StripUserText(p.Footer)
	return p
}
