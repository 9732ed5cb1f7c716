package content

import (
	"fmt"
	"sort"
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
	for _, x := range exclude {
		if known[x] {
			continue
		}
		msg := fmt.Sprintf("[content] exclude: %q is neither a question id nor a topic", x)
		if s := closest(x, names); s != "" {
			msg += fmt.Sprintf(": did you mean %q?", s)
		} else {
			msg += ": remove it (`pyqbot content stats` lists the topics)"
		}
		out = append(out, Problem{File: source, Msg: msg})
	}
	return out
}

// closest is the name nearest to word by edit distance, if near enough to be a typo of it.
func closest(word string, names []string) string {
	best, bestD := "", len(word)/3+2
	for _, n := range names {
		if d := editDistance(word, n); d < bestD {
			best, bestD = n, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
