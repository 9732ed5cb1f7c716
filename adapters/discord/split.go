package discord

import (
	"strings"
	"unicode/utf8"
)

// splitMarkdown cuts s into pieces of at most n characters, at line ends where it can (inside a
// very long line, at a space), so that each piece shows on its own: a code block cut in two is
// closed at the end of one piece and opened again, with its language, at the start of the next.
// Nothing is dropped but the line breaks at the cuts.
func splitMarkdown(s string, n int) []string {
	const closeFence = "\n```"
	var out []string
	var cur strings.Builder
	fence := "" // the opening line of the code block cur is inside, "" outside one
	flush := func() {
		piece := strings.Trim(cur.String(), "\n")
		if fence != "" {
			piece += closeFence
		}
		if strings.TrimSpace(piece) != "" && piece != fence+closeFence {
			out = append(out, piece)
		}
		cur.Reset()
		if fence != "" {
			cur.WriteString(fence + "\n")
		}
	}
	room := func() int {
		r := n - utf8.RuneCountInString(cur.String())
		if fence != "" {
			r -= len(closeFence)
		}
		return r
	}
	for _, line := range strings.Split(s, "\n") {
		opens := strings.HasPrefix(strings.TrimSpace(line), "```")
		for {
			need := utf8.RuneCountInString(line) + 1
			if opens && fence == "" {
				need += len(closeFence) // a block opened here may have to be closed in this piece
			}
			if need <= room() {
				break
			}
			if cur.Len() > 0 && strings.Trim(cur.String(), "\n") != fence {
				flush()
				continue
			}
			// The line alone is longer than a piece: cut it at a space near the limit.
			head, tail := cutLine(line, room()-1)
			cur.WriteString(head + "\n")
			flush()
			line = tail
		}
		cur.WriteString(line + "\n")
		if opens {
			if fence == "" {
				fence = strings.TrimSpace(line)
			} else {
				fence = ""
			}
		}
	}
	flush()
	return out
}

// cutLine splits line after at most n runes, at the last space in its second half if there is
// one.
func cutLine(line string, n int) (string, string) {
	n = max(n, 1)
	r := []rune(line)
	if len(r) <= n {
		return line, ""
	}
	cut := n
	for i := n; i > n/2; i-- {
		if r[i] == ' ' {
			cut = i
			break
		}
	}
	return string(r[:cut]), strings.TrimLeft(string(r[cut:]), " ")
}
