package content

import (
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"
)

// Unknown keys are found here rather than with go-toml's strict mode, which rescans the whole file to
// describe each unknown key (FuzzParse: a 170 KB file of typos took 5 s). Each line is looked up by
// one scan of the file, for at most maxUnknownKeys keys.

// maxUnknownKeys is how many unknown keys of one file are listed, each with its line.
const maxUnknownKeys = 20

var (
	topLevelKeys = tomlKeys(reflect.TypeFor[Exported]())
	choiceKeys   = tomlKeys(reflect.TypeFor[ExportedChoice]())
)

func tomlKeys(t reflect.Type) map[string]bool {
	keys := map[string]bool{}
	for i := range t.NumField() {
		// "-" is a field a file cannot set (Source), not a key named "-".
		if tag := t.Field(i).Tag.Get("toml"); tag != "" && tag != "-" {
			keys[strings.Split(tag, ",")[0]] = true
		}
	}
	return keys
}

// unknownKeys reports the keys of raw (the file decoded as plain tables) that the format does not have.
func unknownKeys(name string, src []byte, raw map[string]any) []Problem {
	type unknown struct {
		key    string
		choice int // index of the [[choices]] table it is in, or -1
	}
	var found []unknown
	for k := range raw {
		if !topLevelKeys[k] {
			found = append(found, unknown{k, -1})
		}
	}
	if choices, ok := raw["choices"].([]any); ok {
		for i, c := range choices {
			if m, ok := c.(map[string]any); ok {
				for k := range m {
					if !choiceKeys[k] {
						found = append(found, unknown{k, i})
					}
				}
			}
		}
	}
	if len(found) == 0 {
		return nil
	}
	sort.Slice(found, func(i, j int) bool {
		if found[i].choice != found[j].choice {
			return found[i].choice < found[j].choice
		}
		return found[i].key < found[j].key
	})
	lines := strings.Split(string(src), "\n")
	ix := indexChoices(src)
	var out []Problem
	for _, u := range found[:min(len(found), maxUnknownKeys)] {
		key, from, to := u.key, 0, len(lines)
		if u.choice >= 0 {
			key = "choices." + u.key
			from = ix.keyLine(u.choice) - 1
			if u.choice+1 < len(ix.header) {
				to = ix.header[u.choice+1] - 1
			}
		} else if len(ix.header) > 0 {
			to = ix.header[0] - 1 // a top-level key written after [[choices]] would belong to the choice
		}
		out = append(out, Problem{File: name, Line: keyLineIn(lines, u.key, from, to),
			Msg: fmt.Sprintf("unknown key %q: remove it or fix its spelling (see content/FORMAT.md)", key)})
	}
	sortProblems(out)
	if len(found) > maxUnknownKeys {
		out = append(out, Problem{File: name, Msg: fmt.Sprintf("and %d more unknown keys: see content/FORMAT.md for the keys a question has", len(found)-maxUnknownKeys)})
	}
	return out
}

// keyLineIn finds where key is assigned or opens a table within lines[from:to], or 0.
func keyLineIn(lines []string, key string, from, to int) int {
	q := regexp.QuoteMeta(key)
	re := regexp.MustCompile(`^\s*(["']?` + q + `["']?\s*[.=]|\[+\s*["']?` + q + `["']?\s*[\].])`)
	for i := max(from, 0); i < min(to, len(lines)); i++ {
		if re.MatchString(lines[i]) {
			return i + 1
		}
	}
	return 0
}
