package content

import (
	"fmt"
	"sort"

	"github.com/pyqbot/pyqbot/bot"
)

// CheckExclude reports each [content] exclude entry that is neither a question id nor a topic of
// files, with the closest of them as a suggestion: a typo would otherwise silently exclude nothing.
func CheckExclude(files []File, exclude []string, source string) []Problem {
	if len(exclude) == 0 {
		return nil
	}
	known := map[string]bool{}
	for _, f := range files {
		known[f.Question.ID] = true
		known[f.Question.Topic] = true
	}
	names := make([]string, 0, len(known))
	for n := range known {
		names = append(names, n)
	}
	sort.Strings(names)
	if source == "" {
		source = "[content] exclude"
	}
	var out []Problem
	for i, x := range exclude {
		if known[x] {
			continue
		}
		// A near miss of a real name is a typo, shown so it can be found; anything else may be a
		// value pasted into the wrong setting (a token), so it is named by its place only.
		var msg string
		if s := closest(x, names); s != "" {
			msg = fmt.Sprintf("[content] exclude: %q is neither a question id nor a topic: did you mean %q?", x, s)
		} else {
			msg = fmt.Sprintf("[content] exclude: entry %d is neither a question id nor a topic: remove it (`pyqbot content stats` lists the topics)", i+1)
		}
		out = append(out, Problem{File: source, Msg: msg})
	}
	return out
}

// closest is the name nearest to word by edit distance, if near enough to be a typo of it.
func closest(word string, names []string) string {
	best, bestD := "", len(word)/3+2
	for _, n := range names {
		if d := bot.EditDistance(word, n); d < bestD {
			best, bestD = n, d
		}
	}
	return best
}
