package slack

import "strings"

// escaper escapes the three characters Slack's mrkdwn treats as control characters. Everything the
// adapter puts in mrkdwn goes through it: player names, free-text answers, question code. With `<`
// escaped, no text can form a mention such as <!channel> or <@U123>, or a link.
var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "\uE000", "", "\uE001", "")

// escape makes s safe to show as mrkdwn (or in a message's fallback text).
// It also drops the core's user-text marks (bot.UserText): escaped, user text already shows as
// written in Slack.
func escape(s string) string { return escaper.Replace(s) }

// truncate cuts s to at most n runes, marking the cut with an ellipsis. It never cuts an escaped
// entity such as &lt; in half.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:entitySafe(r, n-1)]) + "…"
}

// escapeTruncate escapes s and keeps the result within n runes: Slack's limits count what it
// receives, and escaping lengthens text.
func escapeTruncate(s string, n int) string { return truncate(escape(s), n) }

// entitySafe moves a cut at index cut back so that it does not split an entity like &amp;.
func entitySafe(r []rune, cut int) int {
	for i := cut - 1; i >= 0 && i >= cut-4; i-- {
		if r[i] == ';' {
			return cut
		}
		if r[i] == '&' {
			return i
		}
	}
	return cut
}

// chunks splits already-escaped s into pieces of at most n runes, preferring to cut at a line
// break, because a section's text is limited to 3000 characters.
func chunks(s string, n int) []string {
	var out []string
	r := []rune(s)
	for len(r) > n {
		cut := entitySafe(r, n)
		for i := n; i > n/2; i-- {
			if r[i-1] == '\n' {
				cut = i
				break
			}
		}
		out = append(out, strings.TrimRight(string(r[:cut]), "\n"))
		r = r[cut:]
	}
	if len(r) > 0 {
		out = append(out, string(r))
	}
	return out
}
