package tomlerr

import (
	"strconv"
	"testing"

	"github.com/pelletier/go-toml/v2"
)

type entry struct {
	Job     string `toml:"job"`
	Enabled *bool  `toml:"enabled"`
}

type doc struct {
	ID  string `toml:"id"`
	Bot struct {
		Grace string `toml:"grace"`
	} `toml:"bot"`
	Content struct {
		Dirs []string `toml:"dirs"`
	} `toml:"content"`
	Schedule []entry `toml:"schedule"`
	Level    int     `toml:"level"`
}

func TestDescribe(t *testing.T) {
	ex := Examples{"bot.grace": `"10m"`}
	for _, tc := range []struct{ src, want string }{
		{"[bot]\ngrace = 3\n", `2: [bot] grace must be a string like "10m" (it is an integer)`},
		{"[bot]\ngrace = [1]\n", `2: [bot] grace must be a string like "10m" (it is a list)`},
		{"[bot.grace]\nx = 1\n", `1: [bot] grace must be a string like "10m" (it is a table)`},
		{"[content]\ndirs = \"../q3\"\n", `2: [content] dirs must be a list of strings (it is a string)`},
		{"[content]\ndirs = [\"a\", 3]\n", `2: [content] dirs must be a list of strings (it has an integer in it)`},
		{"[[schedule]]\njob = \"x\"\n\n[[schedule]]\nenabled = \"no\"\n", `5: [[schedule]] enabled must be true or false (it is a string)`},
		{"id = 5\n", `1: id must be a string (it is an integer)`},
		{"level = \"x\"\n", `1: level must be a whole number (it is a string)`},
		{"bot = 3\n", `1: bot must be a table (it is an integer)`},
		{"schedule = 1.5\n", `1: schedule must be a list of tables (it is a number with a fraction)`},
	} {
		var d doc
		err := toml.Unmarshal([]byte(tc.src), &d)
		line, msg, ok := Describe(err, &d, ex)
		got := strconv.Itoa(line) + ": " + msg
		if !ok || got != tc.want {
			t.Errorf("%q: got %q (ok %v), want %q (decoder said %v)", tc.src, got, ok, tc.want, err)
		}
	}
	var d doc
	if _, _, ok := Describe(toml.Unmarshal([]byte("id = \n"), &d), &d, nil); ok {
		t.Error("a syntax error was described as a wrong type")
	}
}

func TestLines(t *testing.T) {
	src := "# c\nid = \"x\"\n[bot]\n  grace = \"1h\"\nsub.key = 2\n[[schedule]]\nzone = \"a\"\n[[schedule]]\n\nzone = \"b\"\n"
	got := Lines([]byte(src))
	for k, want := range map[string]int{"id": 2, "bot": 3, "bot.grace": 4, "bot.sub.key": 5, "schedule.0": 6, "schedule.0.zone": 7, "schedule.1.zone": 10} {
		if got[k] != want {
			t.Errorf("Lines[%q] = %d, want %d (all: %v)", k, got[k], want, got)
		}
	}
	if got := Lines([]byte("a = 1\nb = \n")); got["a"] != 1 {
		t.Errorf("a document with a syntax error: %v, want a on line 1", got)
	}
}
