package content

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// RequireWhy says where a wrong choice without a `why` is an error rather than a warning. Both are
// off while the built-in bank is being given its whys; the lead switches Builtin on once every built-in
// question has them. Team packs stay warnings so that existing packs keep loading.
var RequireWhy = struct{ Builtin, Team bool }{Builtin: false, Team: false}

// MaxWhy is the longest `why` FORMAT.md allows, in characters.
const MaxWhy = 300

// lintWhy checks the `why` of every choice: required on each choice that is not keyed (a warning
// unless RequireWhy says otherwise), not allowed on a keyed one (the explanation covers those).
func lintWhy(f File) []Problem {
	q := f.Question
	required := RequireWhy.Team
	if builtinFile(f) {
		required = RequireWhy.Builtin
	}
	var out []Problem
	for i, c := range q.Choices {
		keyed := slices.Contains(q.Answer, c.Key)
		switch {
		case keyed && c.Why != "":
			out = append(out, Problem{File: f.Path, Line: choiceKeyLine(f.Src, i, "why"),
				Msg: fmt.Sprintf("choice %s is keyed, so it has no \"why\": the explanation says why it is right; remove the why", c.Key)})
		case !keyed && c.Why == "":
			out = append(out, Problem{File: f.Path, Line: choiceKeyLine(f.Src, i, ""), Warning: !required,
				Msg: fmt.Sprintf("choice %s has no \"why\": add one or two sentences on the misconception behind it and why it fails", c.Key)})
		case !keyed && utf8.RuneCountInString(c.Why) > MaxWhy:
			out = append(out, Problem{File: f.Path, Line: choiceKeyLine(f.Src, i, "why"),
				Msg: fmt.Sprintf("the why of choice %s is %d characters: keep it to %d", c.Key, utf8.RuneCountInString(c.Why), MaxWhy)})
		}
	}
	return out
}

var choicesHeader = regexp.MustCompile(`^\s*\[\[\s*choices\s*\]\]`)

// choiceKeyLine finds the line of key inside the i-th [[choices]] table (from 0), or the line after
// the table's header when key is "" or not found there.
func choiceKeyLine(src []byte, i int, key string) int {
	lines := strings.Split(string(src), "\n")
	assign := regexp.MustCompile(`^\s*` + regexp.QuoteMeta(key) + `\s*=`)
	seen, header := -1, 0
	for n, line := range lines {
		if choicesHeader.MatchString(line) {
			seen++
			if seen == i {
				header = n + 1
			} else if seen > i {
				break
			}
			continue
		}
		if seen == i && key != "" && assign.MatchString(line) {
			return n + 1
		}
	}
	if header == 0 {
		return 1
	}
	return header + 1
}
