package content

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// RequireWhy says where a wrong choice without a `why` is an error rather than a warning: an error in
// the built-in bank (every built-in wrong choice has one), a warning in team packs so that existing
// packs keep loading.
var RequireWhy = struct{ Builtin, Team bool }{Builtin: true, Team: false}

// MaxWhy is the longest `why` FORMAT.md allows, in characters.
const MaxWhy = 300

// lintWhy checks the `why` of every choice: required on each choice that is not keyed (a warning
// unless RequireWhy says otherwise), not allowed on a keyed one (the explanation covers those).
func lintWhy(f File, ix choiceLines) []Problem {
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
			out = append(out, Problem{File: f.Path, Line: ix.whyLine(i),
				Msg: fmt.Sprintf("choice %s is keyed, so it has no \"why\": the explanation says why it is right; remove the why", c.Key)})
		case !keyed && c.Why == "":
			out = append(out, Problem{File: f.Path, Line: ix.keyLine(i), Warning: !required,
				Msg: fmt.Sprintf("choice %s has no \"why\": add one or two sentences on the misconception behind it and why it fails", c.Key)})
		case !keyed && utf8.RuneCountInString(c.Why) > MaxWhy:
			out = append(out, Problem{File: f.Path, Line: ix.whyLine(i),
				Msg: fmt.Sprintf("the why of choice %s is %d characters: keep it to %d", c.Key, utf8.RuneCountInString(c.Why), MaxWhy)})
		}
	}
	return out
}

var (
	choicesHeader = regexp.MustCompile(`^\s*\[\[\s*choices\s*\]\]`)
	whyAssign     = regexp.MustCompile(`^\s*why\s*=`)
)

// choiceLines indexes, once per file, where each [[choices]] table starts and where its why is, so
// that linting a file stays linear in its size however many choices it has.
type choiceLines struct {
	header []int // line of the i-th [[choices]] header
	why    []int // line of its why, 0 when it has none
	lines  int   // how many lines the file has
}

func indexChoices(src []byte) choiceLines {
	var ix choiceLines
	all := strings.Split(string(src), "\n")
	ix.lines = len(all)
	for n, line := range all {
		switch {
		case choicesHeader.MatchString(line):
			ix.header = append(ix.header, n+1)
			ix.why = append(ix.why, 0)
		case len(ix.why) > 0 && ix.why[len(ix.why)-1] == 0 && whyAssign.MatchString(line):
			ix.why[len(ix.why)-1] = n + 1
		}
	}
	return ix
}

// keyLine is the line of the i-th choice's key (the line after its header; the header itself when
// it ends the file), or 1.
func (ix choiceLines) keyLine(i int) int {
	if i < len(ix.header) {
		return min(ix.header[i]+1, ix.lines)
	}
	return 1
}

// whyLine is the line of the i-th choice's why, else its key line.
func (ix choiceLines) whyLine(i int) int {
	if i < len(ix.why) && ix.why[i] > 0 {
		return ix.why[i]
	}
	return ix.keyLine(i)
}
