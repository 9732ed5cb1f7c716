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
