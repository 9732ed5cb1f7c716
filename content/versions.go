package content

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/pyqbot/pyqbot/bot"
)

// promptVersion finds the Python version a prompt names ("On Python 3.12, what does this print?").
var promptVersion = regexp.MustCompile(`(?i)\bpython\s+(3\.\d+)\b`)

// lintVersions checks min_python and answer_by_version (FORMAT.md, "Python-version questions").
func lintVersions(f File) []Problem {
	q := f.Question
	if f.MinPython == "" && len(f.AnswerByVersion) == 0 {
		return nil
	}
	var out []Problem
	add := func(line int, format string, args ...any) {
		if line == 0 {
			line = 1
		}
		out = append(out, Problem{File: f.Path, Line: line, Msg: fmt.Sprintf(format, args...)})
	}
	var min Version
	if f.MinPython != "" {
		line := lineOf(f.Src, "min_python", 0)
		v, err := ParseVersion(f.MinPython)
		switch {
		case err != nil || v.Patch != 0 || strings.Count(f.MinPython, ".") != 1:
			add(line, "min_python %q is not a feature version: write it like \"3.11\"", f.MinPython)
		case !v.AtLeastFeature(Oldest) || v.Major != 3:
			add(line, "min_python %q is older than %s, the oldest Python the bank supports: remove min_python", f.MinPython, Oldest.Feature())
		default:
			min = v
		}
	}
	tableLine := headerLine(f.Src, "answer_by_version")
	if len(f.AnswerByVersion) > 0 && q.Kind != bot.KindOutput {
		add(tableLine, "only output questions have answer_by_version (a %s question is verified the same way on every version): use min_python, or remove the table", q.Kind)
	}
	if n := len(f.AnswerByVersion); n > Newest.Minor-Oldest.Minor+1 {
		add(tableLine, "answer_by_version has %d entries: give at most one per version %s to %s", n, Oldest.Feature(), Newest.Feature())
		return out
	}
	versions := make([]string, 0, len(f.AnswerByVersion))
	for v := range f.AnswerByVersion {
		versions = append(versions, v)
	}
	sort.Strings(versions)
	for _, vs := range versions {
		keys := f.AnswerByVersion[vs]
		line := tableKeyLine(f.Src, "answer_by_version", vs)
		if line == 0 {
			line = tableLine
		}
		v, err := ParseVersion(vs)
		switch {
		case err != nil || v.Patch != 0 || strings.Count(vs, ".") != 1:
			add(line, "answer_by_version key %q is not a feature version: write it like \"3.11\"", vs)
			continue
		case v.Major != 3 || !v.AtLeastFeature(Oldest):
			add(line, "answer_by_version[%q] is older than %s, the oldest Python the bank supports: remove it", vs, Oldest.Feature())
		case min != (Version{}) && !v.AtLeastFeature(min):
			add(line, "answer_by_version[%q] is older than min_python %q, so it is never checked: remove it", vs, f.MinPython)
		}
		if len(keys) != 1 {
			add(line, "answer_by_version[%q] lists %d keys: an output question keys exactly one choice", vs, len(keys))
		}
		for _, k := range keys {
			if _, ok := q.Choice(k); !ok {
				add(line, "answer_by_version[%q] = %q is not among the choices", vs, k)
			}
		}
	}
	m := promptVersion.FindStringSubmatch(q.Prompt)
	promptLine := lineOf(f.Src, "prompt", 0)
	switch {
	case m == nil:
		add(promptLine, "the prompt names no Python version, but the question has min_python or answer_by_version: say which version the answer is for (\"On Python 3.12, what does this print?\")")
	case len(f.AnswerByVersion) > 0:
		if keys, ok := f.AnswerByVersion[m[1]]; ok && !slices.Equal(keys, q.Answer) {
			add(promptLine, "the prompt asks about Python %s, but answer_by_version[%q] = %q differs from answer %q: answer is what the version named in the prompt prints",
				m[1], m[1], keys, q.Answer)
		}
	}
	if pv, err := ParseVersion(safeIndex(m, 1)); err == nil && min != (Version{}) && !pv.AtLeastFeature(min) {
		add(promptLine, "the prompt asks about Python %s, older than min_python %q", m[1], f.MinPython)
	}
	return out
}

func safeIndex(m []string, i int) string {
	if i < len(m) {
		return m[i]
	}
	return ""
}

// headerLine finds the line of a [name] table header, or 0.
func headerLine(src []byte, name string) int {
	re := regexp.MustCompile(`^\s*\[\s*` + regexp.QuoteMeta(name) + `\s*\]`)
	for i, line := range strings.Split(string(src), "\n") {
		if re.MatchString(line) {
			return i + 1
		}
	}
	return 0
}

// tableKeyLine finds the line of key (bare or quoted) inside the [name] table, or 0.
func tableKeyLine(src []byte, name, key string) int {
	start := headerLine(src, name)
	if start == 0 {
		return 0
	}
	re := regexp.MustCompile(`^\s*["']?` + regexp.QuoteMeta(key) + `["']?\s*=`)
	lines := strings.Split(string(src), "\n")
	for i := start; i < len(lines); i++ {
		if strings.HasPrefix(strings.TrimSpace(lines[i]), "[") {
			break
		}
		if re.MatchString(lines[i]) {
			return i + 1
		}
	}
	return 0
}
