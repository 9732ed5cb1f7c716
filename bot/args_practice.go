package bot

import (
	"fmt"
	"slices"
	"strings"
)

// practiceFilter reads `/pyq practice`'s words, in any order and any case: the mode `new` (skip
// reviews), topics of the bank (kept as the bank spells them), difficulties and kinds. bad is the
// first word that is none of them, as typed: it is said first, whatever else is wrong, since the
// word has to change anyway (`xyz xyz` is not told to give xyz once). repeat names the words that
// repeat one already given (`new new`), which the filter would silently drop. extra, beyond the
// words practice takes, names the ones that make them too many (a second topic), not the last ones
// typed: `new closures security senior output` blamed the kind, which was fine. At most one of
// the three is set.
func practiceFilter(b *Bank, args []string) (f Filter, bad, repeat, extra string) {
	seen := map[string]string{}   // lower case → as typed first
	first := map[string]string{}  // argument → the word that filled it first, as typed
	repeated := map[string]bool{} // lower case: named as a repeat already (`new new new` once)
	var repeats, spare []string
	for _, arg := range args {
		a := strings.ToLower(arg)
		if prev, ok := seen[a]; ok {
			if !repeated[a] {
				repeated[a] = true
				repeats = append(repeats, fmt.Sprintf("%q repeats %s", arg, prev))
			}
			continue
		}
		seen[a] = arg
		topic, isTopic := b.Topic(a)
		var role string
		switch {
		case slices.Contains(argValues("practice", "mode"), a): // skip reviews: a fresh question
			role = "mode"
		case isTopic:
			role = "topic"
			f.Topics = append(f.Topics, topic)
		case isDifficulty(a):
			role = "difficulty"
			f.Difficulties = append(f.Difficulties, Difficulty(a))
		case isKind(a):
			role = "kind"
			f.Kinds = append(f.Kinds, Kind(a))
		default:
			if bad == "" {
				bad = arg
			}
			spare = append(spare, fmt.Sprintf("%q", truncate(arg, 40)))
			continue
		}
		// Two topics (or kinds…) are allowed while the words are few enough, either one then
		// allowed; the second is what makes them too many when they are not.
		if prev, ok := first[role]; ok {
			spare = append(spare, fmt.Sprintf("%q (a %s after %s)", truncate(arg, 40), role, prev))
		} else {
			first[role] = arg
		}
	}
	if bad != "" {
		return f, bad, "", ""
	}
	if len(repeats) > 0 {
		return f, "", andList(repeats), ""
	}
	// Without repeats or unknown words each argument's first word fits, so at least n words are
	// spare; the last n are named, since dropping them leaves words that fit.
	practice, _ := commandByName("practice")
	if n := len(args) - len(practice.Args); n > 0 {
		named := spare[max(0, len(spare)-n):]
		verb := " is"
		if len(named) > 1 {
			verb = " are"
		}
		return f, "", "", andList(named) + verb + " more than it takes"
	}
	return f, "", "", ""
}

// listAtMost is how many items andList names before "and N more": a reply stays short whatever
// was typed.
const listAtMost = 3

// andList joins items as a sentence does: "a", "a and b", "a, b and c"; past one more than
// listAtMost items, "a, b, c and 2 more".
func andList(items []string) string {
	if len(items) > listAtMost+1 { // "and 1 more" would name no fewer words than the fourth
		items = append(slices.Clip(items[:listAtMost]), fmt.Sprintf("%d more", len(items)-listAtMost))
	}
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
