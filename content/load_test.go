package content

import "testing"

// A value of the wrong type in a question file names the key (with its table), what it takes and
// what it is, at its line: before, "invalid TOML: toml: cannot decode TOML integer into struct
// field content.fileQuestion.ID of type string".
func TestParseWrongTypeSaysWhatInUsersWords(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"id = 5\nkind = \"output\"\n", `q.toml:1: id must be a string like "dict-order" (it is an integer) (see content/FORMAT.md)`},
		{"id = \"q\"\n\nanswer = \"B\"\n", `q.toml:3: answer must be a list of strings like ["B"] (it is a string) (see content/FORMAT.md)`},
		{"id = \"q\"\nhints = [\"a\", 2]\n", `q.toml:2: hints must be a list of strings (it has an integer in it) (see content/FORMAT.md)`},
		{"id = \"q\"\n[[choices]]\nkey = \"A\"\n[[choices]]\nkey = 1\n", `q.toml:5: [[choices]] key must be a string (it is an integer) (see content/FORMAT.md)`},
		{"id = \"q\"\n[answer_by_version]\n\"3.12\" = 1\n", `q.toml:3: [answer_by_version] 3.12 must be a list of strings (it is an integer) (see content/FORMAT.md)`},
	} {
		f, ps := Parse("q.toml", []byte(tc.src))
		if f.Decoded() || len(ps) != 1 || ps[0].String() != tc.want {
			t.Errorf("%q: decoded %v, problems %v, want %q", tc.src, f.Decoded(), Problems(ps), tc.want)
		}
	}
}
