package bot

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// PlainText renders a post for a terminal or a notification fallback.
func PlainText(p Post) string {
	return StripUserText(plainText(p))
}

func plainText(p Post) string {
	var b strings.Builder
	if p.Title != "" {
		title := p.Title
		if p.Closed {
			title += " [closed]"
		}
		b.WriteString("== " + title + " ==\n")
	}
	if p.Text != "" {
		b.WriteString(p.Text + "\n")
	}
	if p.Code != "" {
		b.WriteString("```python\n" + p.Code + "\n```\n")
	}
	if f := p.Answer; f != nil && !p.Closed {
		for _, c := range f.Choices {
			// A multi-line choice starts after its key, its other lines under the first.
			fmt.Fprintf(&b, "  [%s] %s\n", c.Key, strings.ReplaceAll(c.Text, "\n", "\n      "))
		}
		keys := make([]string, len(f.Choices))
		for i, c := range f.Choices {
			keys[i] = c.Key
		}
		switch f.Mode {
		case FreeText:
			fmt.Fprintf(&b, "Answer with: /pyq %s\n", f.Command("<your answer>"))
		case MultiChoice:
			fmt.Fprintf(&b, "Pick all that apply, e.g. /pyq %s\n", f.Command("<"+strings.Join(keys, ",")+">"))
		default:
			fmt.Fprintf(&b, "Answer with: /pyq %s\n", f.Command("<"+strings.Join(keys, "|")+">"))
		}
	}
	if f := p.Vote; f != nil && !p.Closed && len(f.Options) > 0 {
		for _, o := range f.Options {
			// The label starts with the option's number (votePost), as Slack's and Discord's selects
			// show it: a second number here read "(1) 1 · alice: …".
			fmt.Fprintf(&b, "  %s\n", o.Label)
		}
		fmt.Fprintf(&b, "Vote with: /pyq vote %s <1-%d>\n", f.Ref, len(f.Options))
	}
	if f := p.Rubric; f != nil {
		if len(f.Items) == 0 {
			fmt.Fprintf(&b, "%s: /pyq %s\n", RubricButtonLabel, f.OpenCommand())
		} else {
			fmt.Fprintf(&b, "Tick with: /pyq rubric %s <numbers, e.g. 1 3>, or /pyq %s\n", f.Ref, f.Command())
		}
	}
	if p.Table != nil {
		b.WriteString(TableText(p.Table))
	}
	if p.Footer != "" {
		b.WriteString("-- " + p.Footer + "\n")
	}
	return b.String()
}

// TableText lays a table out in aligned columns with a trailing newline, for a terminal or a chat
// code block. Backticks become quotes, since one would end a code block early; short rows are padded.
func TableText(t *Table) string {
	widths := make([]int, len(t.Columns))
	for i, c := range t.Columns {
		widths[i] = utf8.RuneCountInString(c)
	}
	for _, row := range t.Rows {
		for i, cell := range row {
			if i < len(widths) {
				widths[i] = max(widths[i], utf8.RuneCountInString(cell))
			}
		}
	}
	var b strings.Builder
	line := func(cells []string) {
		var l strings.Builder
		for i := range widths {
			cell := ""
			if i < len(cells) {
				cell = strings.ReplaceAll(cells[i], "`", "'")
			}
			if i > 0 {
				l.WriteString("  ")
			}
			l.WriteString(cell + strings.Repeat(" ", widths[i]-utf8.RuneCountInString(cell)))
		}
		b.WriteString(strings.TrimRight(l.String(), " ") + "\n")
	}
	line(t.Columns)
	for _, row := range t.Rows {
		line(row)
	}
	return b.String()
}
