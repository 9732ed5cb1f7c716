// Package tomlerr says in users' words what go-toml reports in Go's: a value of the wrong type
// comes back from the decoder as "cannot decode TOML integer into struct field struct { Timezone
// string …}.Grace of type string"; this package turns it into "[bot] grace must be a string (it is
// an integer)". The config file and the question files share it; it imports nothing of pyqbot.
package tomlerr

import (
	"errors"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
)

// Examples gives, by dotted key ("bot.grace"), what a right value looks like, shown after the
// expected type: `like "10m"`. Keys without one get the type alone.
type Examples map[string]string

// mismatch is the decoder's wording for a wrong type (go-toml v2 keeps the error type private and
// only its message reaches us): what the document had, and the Go type it was decoded into.
var mismatch = regexp.MustCompile(`^cannot decode TOML (.+?) into (?:struct field .*? of type (.+)|(.+))$`)

// storeTable is the decoder's wording for a table header where a plain value belongs.
var storeTable = regexp.MustCompile(`^cannot store an? (array )?table in an? `)

// Describe explains a decode error of go-toml v2 for a value decoded into target (a pointer to
// the struct the document was decoded into). ok is false when err is not a wrong-type error (a
// syntax error, say): the caller shows it as before. line is 1-based, or 0 when unknown.
func Describe(err error, target any, ex Examples) (line int, msg string, ok bool) {
	var de *toml.DecodeError
	if !errors.As(err, &de) || len(de.Key()) == 0 {
		return 0, "", false
	}
	text := strings.TrimPrefix(de.Error(), "toml: ")
	var got, gotGo string
	if m := mismatch.FindStringSubmatch(text); m != nil {
		got, gotGo = m[1], m[2]+m[3]
	} else if m := storeTable.FindStringSubmatch(text); m != nil {
		got = m[1] + "table"
	} else {
		return 0, "", false
	}
	key := []string(de.Key())
	field, header, found := resolve(reflect.TypeOf(target), key)
	if !found {
		return 0, "", false
	}
	line, _ = de.Position()
	want := wantWords(field)
	if e := ex[strings.Join(key, ".")]; e != "" {
		want += " like " + e
	}
	name := key[len(key)-1]
	if header != "" {
		name = header + " " + name
	}
	what := "it is " + article(gotWords(got))
	if field.Kind() == reflect.Slice && gotGo != "" && gotGo != field.String() && got != "array" {
		// The list itself was fine; one of its items is not.
		what = "it has " + article(gotWords(got)) + " in it"
	}
	return line, name + " must be " + want + " (" + what + ")", true
}

// resolve walks t (through pointers, lists of tables and maps) along key by toml tags, returning
// the type of the last part (pointers removed) and the header of the table holding it: "[bot]",
// "[[schedule]]", or "" at the top level.
func resolve(t reflect.Type, key []string) (reflect.Type, string, bool) {
	header, arrayTable := "", false
	for i, part := range key {
		t = deref(t)
		if t.Kind() == reflect.Slice && deref(t.Elem()).Kind() == reflect.Struct {
			t = deref(t.Elem()) // an array of tables: each entry has the same keys
		}
		switch t.Kind() {
		case reflect.Struct:
			f, ok := fieldByTag(t, part)
			if !ok {
				return nil, "", false
			}
			t = f.Type
		case reflect.Map:
			t = t.Elem()
		default:
			return nil, "", false
		}
		if i < len(key)-1 {
			header = strings.Join(key[:i+1], ".")
		}
		if i == len(key)-2 {
			s := deref(t)
			arrayTable = s.Kind() == reflect.Slice && deref(s.Elem()).Kind() == reflect.Struct
		}
	}
	switch {
	case header == "":
	case arrayTable:
		header = "[[" + header + "]]"
	default:
		header = "[" + header + "]"
	}
	return deref(t), header, true
}

func deref(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

func fieldByTag(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
		if tag == name || (tag == "" && strings.EqualFold(f.Name, name)) {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// wantWords names a Go type as the TOML a user writes for it.
func wantWords(t reflect.Type) string {
	t = deref(t)
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		e := deref(t.Elem())
		if e.Kind() == reflect.Struct || e.Kind() == reflect.Map {
			return "a list of tables"
		}
		w := wantWords(e)
		if w == "true or false" {
			return "a list of true/false values"
		}
		return "a list of " + strings.TrimPrefix(strings.TrimPrefix(w, "a "), "an ") + "s"
	case reflect.Struct, reflect.Map:
		return "a table"
	}
	return "a " + t.Kind().String()
}

// gotWords names what the decoder found ("integer", "inline table") as a user would.
func gotWords(toml string) string {
	switch toml {
	case "array":
		return "list"
	case "float":
		return "number with a fraction"
	case "boolean":
		return "true/false value"
	case "local datetime", "local date", "local time", "datetime":
		return toml
	}
	return toml
}

func article(w string) string {
	if w != "" && strings.ContainsRune("aeiou", rune(w[0])) {
		return "an " + w
	}
	return "a " + w
}

// Lines maps each key assigned in src to the line it is on, by dotted key: "bot.grace", and for
// the n-th (from 0) entry of an array of tables "schedule.1.zone". Keys inside inline tables are
// not listed. A document that does not parse gives what was read before the error.
func Lines(src []byte) map[string]int {
	out := map[string]int{}
	var p unstable.Parser
	p.Reset(src)
	prefix := ""
	count := map[string]int{}
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			name := keyOf(e)
			prefix = name
			if e.Kind == unstable.ArrayTable {
				prefix = name + "." + strconv.Itoa(count[name])
				count[name]++
			}
			if line := lineOfKey(&p, e); line > 0 {
				if _, seen := out[prefix]; !seen {
					out[prefix] = line
				}
			}
		case unstable.KeyValue:
			name := keyOf(e)
			if prefix != "" {
				name = prefix + "." + name
			}
			if line := lineOfKey(&p, e); line > 0 {
				out[name] = line
			}
		}
	}
	return out
}

func keyOf(n *unstable.Node) string {
	var parts []string
	it := n.Key()
	for it.Next() {
		parts = append(parts, string(it.Node().Data))
	}
	return strings.Join(parts, ".")
}

func lineOfKey(p *unstable.Parser, n *unstable.Node) int {
	it := n.Key()
	if !it.Next() || it.Node().Raw.Length == 0 {
		return 0
	}
	return p.Shape(it.Node().Raw).Start.Line
}
