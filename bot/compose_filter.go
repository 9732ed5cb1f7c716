package bot

import (
	"fmt"
	"strings"
)

// How a channel's question filter reads, in `/pyq filter`'s replies.

// filterText is `/pyq filter`'s reply: how many of the bank's questions f lets through, and what it allows.
func filterText(bank *Bank, f Filter) string {
	n := 0
	for _, q := range bank.All() {
		if f.Allows(q) {
			n++
		}
	}
	list := func(items []string) string {
		if len(items) == 0 {
			return "all"
		}
		return strings.Join(items, ", ")
	}
	kinds := make([]string, len(f.Kinds))
	for i, k := range f.Kinds {
		kinds[i] = string(k)
	}
	diffs := make([]string, len(f.Difficulties))
	for i, d := range f.Difficulties {
		diffs[i] = string(d)
	}
	return fmt.Sprintf("This channel's questions come from %d of %d in the bank.\nTopics: %s\nKinds: %s\nDifficulty: %s",
		n, bank.Len(), list(f.Topics), list(kinds), list(diffs))
}
