package bot_test

import (
	"os"
	"strings"
	"testing"

	"github.com/pyqbot/pyqbot/bot"
)

// `/pyq help COMMAND` is each command's real help: usage, what the arguments take, an example; not a
// repeat of the one-line list.
func TestHelpForEachCommandExplainsItsArguments(t *testing.T) {
	t.Parallel()
	h := newHarness(t, testQuestions())
	list := h.as("ann", false, "help").Post.Text
	for _, c := range bot.Commands() {
		t.Run(c.Name, func(t *testing.T) {
			got := h.as("ann", false, "help "+c.Name).Post.Text
			mustContain(t, got, "/pyq "+c.Usage, c.Summary)
			if len(c.Examples) == 0 {
				t.Fatalf("%s has no example", c.Name)
			}
			for _, ex := range c.Examples {
				mustContain(t, got, ex)
			}
			for _, a := range c.Args {
				for _, v := range a.Values {
					if c.Name != "leaderboard" && c.Name != "help" { // their usage line lists the values
						mustContain(t, got, v)
					}
				}
			}
			if strings.Count(list, c.Summary) != 1 {
				t.Errorf("the command list shows %q %d times", c.Summary, strings.Count(list, c.Summary))
			}
		})
	}
	mustContain(t, h.as("ann", false, "help debug").Post.Text, "hint", "/pyq answer #N")
	mustContain(t, h.as("ann", false, "help schedule").Post.Text, "schedule set JOB", "skip YYYY-MM-DD")
	mustContain(t, h.as("ann", false, "help scorng").Post.Text, "Did you mean `scoring`")
}

// Required arguments are what the core refuses to run without; every argument a platform might
// declare as an option has a name it can use.
func TestVocabularyIsWellFormed(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, c := range bot.Commands() {
		if seen[c.Name] || c.Name == "" || !strings.HasPrefix(c.Usage, c.Name) {
			t.Errorf("command %q: empty, repeated, or usage %q does not start with it", c.Name, c.Usage)
		}
		seen[c.Name] = true
		for i, a := range c.Args {
			if a.Name == "" || strings.ToLower(a.Name) != a.Name || strings.Contains(a.Name, " ") || a.Help == "" {
				t.Errorf("%s: argument %d %q needs a lower-case name without spaces and a help line", c.Name, i, a.Name)
			}
			if a.Rest && i != len(c.Args)-1 {
				t.Errorf("%s: %s takes the rest of the line, so it must be the last argument", c.Name, a.Name)
			}
		}
	}
	if got := bot.CommandUsage(); !strings.Contains(got, "filter") || !strings.Contains(got, "schedule") {
		t.Errorf("CommandUsage %q misses commands", got)
	}
}

// The command list shows each command's whole usage, optional parts included, and the README's
// table of commands shows the same words: `/pyq help` listed `answer [#N] CHOICE` without the
// `[because …]` the README and `/pyq help answer` describe.
func TestUsageLinesAgreeWithTheREADME(t *testing.T) {
	t.Parallel()
	h := newHarness(t, testQuestions())
	list := h.as("ann", false, "help").Post.Text
	mustContain(t, list, "`/pyq answer [#N] CHOICE [because …]` — ")
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	mustSay := map[string]bool{"practice kind": true, "practice difficulty": true} // rows that must say what an argument takes
	for _, c := range bot.Commands() {
		mustContain(t, list, "`/pyq "+c.Usage+"` — "+c.Summary)
		row := "| `/pyq " + strings.ReplaceAll(c.Usage, "|", `\|`) + "` |"
		i := strings.Index(string(readme), row)
		if i < 0 {
			t.Errorf("the README's table of commands has no row %q: the usage there and in the vocabulary differ", row)
			continue
		}
		// Where the row says what an argument takes ("a kind is …"), it lists every value the
		// vocabulary has, in its order: the practice row left out concept, added after it.
		line, _, _ := strings.Cut(string(readme[i:]), "\n")
		for _, a := range c.Args {
			said := "a " + a.Name + " is "
			if mustSay[c.Name+" "+a.Name] && !strings.Contains(line, said) {
				t.Errorf("the README's row for /pyq %s does not say %q…", c.Name, said)
			}
			if len(a.Values) < 2 || !strings.Contains(line, said) {
				continue
			}
			if want := said + strings.Join(a.Values[:len(a.Values)-1], ", ") + " or " + a.Values[len(a.Values)-1]; !strings.Contains(line, want) {
				t.Errorf("the README's row for /pyq %s does not say %q", c.Name, want)
			}
		}
	}
}
