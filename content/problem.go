package content

import (
	"fmt"
	"sort"
	"strings"
)

// Problem is one thing wrong with a question file, at a line (0 when it concerns the whole file).
// A warning is shown but does not fail lint or stop the bank from loading. Pythons names the
// interpreters a verification problem was seen on (none for problems found without running).
type Problem struct {
	File    string
	Line    int
	Msg     string
	Warning bool
	Pythons []Version

	hung bool // a snippet of the file ran until snippetTimeout (see VerifyAll)
}

func (p Problem) String() string {
	msg := p.Msg
	if len(p.Pythons) > 0 {
		vs := make([]string, len(p.Pythons))
		for i, v := range p.Pythons {
			vs[i] = v.String()
		}
		msg = "on Python " + strings.Join(vs, ", ") + ": " + msg
	}
	if p.Warning {
		msg = "warning: " + msg
	}
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, msg)
	}
	return fmt.Sprintf("%s: %s", p.File, msg)
}

// Problems is a list of problems usable as an error.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Errors returns the problems that are not warnings.
func Errors(ps []Problem) []Problem {
	var out []Problem
	for _, p := range ps {
		if !p.Warning {
			out = append(out, p)
		}
	}
	return out
}

// MergeReports lists the problems of several interpreters' reports, one line for a problem seen
// identically on several of them (naming each), ordered by file and line.
func MergeReports(reports []Report) []Problem {
	var out []Problem
	index := map[string]int{}
	for _, r := range reports {
		for _, p := range r.Problems {
			k := fmt.Sprintf("%s\x00%d\x00%s\x00%v", p.File, p.Line, p.Msg, p.Warning)
			if i, ok := index[k]; ok {
				out[i].Pythons = append(out[i].Pythons, p.Pythons...)
				continue
			}
			index[k] = len(out)
			p.Pythons = append([]Version(nil), p.Pythons...)
			out = append(out, p)
		}
	}
	sortProblems(out)
	return out
}

func sortProblems(ps []Problem) {
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].File != ps[j].File {
			return ps[i].File < ps[j].File
		}
		return ps[i].Line < ps[j].Line
	})
}
