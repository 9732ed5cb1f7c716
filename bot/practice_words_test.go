package bot_test

import (
	"strings"
	"testing"

	"github.com/pyqbot/pyqbot/bot"
)

// A team's topic spelled with capitals can be named in any case, and is shown as the bank spells
// it: `practice Django` was refused with "There is no topic … called "Django". Did you mean
// `Django`?", since the word was lowered and then compared exactly.
func TestMixedCaseTeamTopicCanBeNamed(t *testing.T) {
	t.Parallel()
	qs := testQuestions()
	qs[0].Topic = "Django"
	h := newHarness(t, qs)
	for _, tt := range []struct {
		admin      bool
		text, want string
	}{
		{false, "practice Django", "· Django · output ·"},
		{false, "practice django", "· Django · output ·"},
		{false, "practice new DJANGO warmup", "· Django · output · warmup ·"},
		{true, "filter topics django", "Topics: Django"},
	} {
		if got := bot.PlainText(h.as("ann", tt.admin, tt.text).Post); !strings.Contains(got, tt.want) {
			t.Errorf("/pyq %s: %q, want %q", tt.text, got, tt.want)
		}
	}
}

// Practice's refusals name what is wrong with the words: a repeat was told "Too many words …
// "Closures" is more than it takes" though the words it took were fewer than it takes, and a
// second topic that made the words too many blamed the kind typed last, a word that fitted.
func TestPracticeNamesTheWordsThatAreTooMany(t *testing.T) {
	t.Parallel()
	h := newHarness(t, adaptiveBank())
	const usage = " (`/pyq practice [new] [topic] [difficulty] [kind]`), so nothing was done."
	for _, tt := range []struct{ text, want string }{
		{"practice closures Closures", "Give each word once to `/pyq practice`: \"Closures\" repeats closures" + usage},
		{"practice senior new NEW Senior", `"NEW" repeats new and "Senior" repeats senior` + usage},
		{"practice new closures security senior output", "Too many words for `/pyq practice`: \"security\" (a topic after closures) is more than it takes" + usage},
		{"practice new closures security senior intermediate output",
			`"security" (a topic after closures) and "intermediate" (a difficulty after senior) are more than it takes` + usage},
		// An unknown word is said first, whatever else is wrong with the words: it has to change.
		{"practice again new closures senior output", `There is no topic, difficulty or kind called "again".`},
		{"practice xyz closures security senior output", `There is no topic, difficulty or kind called "xyz".`},
		{"practice xyz xyz", `There is no topic, difficulty or kind called "xyz".`},
		// Two topics are either one while the words fit.
		{"practice closures security", "Picked for you"},
	} {
		if got := bot.PlainText(h.as("ann", false, tt.text).Post); !strings.Contains(got, tt.want) {
			t.Errorf("/pyq %s: %q, want %q", tt.text, got, tt.want)
		}
	}
}
