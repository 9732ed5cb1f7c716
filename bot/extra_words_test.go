package bot_test

import (
	"strings"
	"testing"

	"github.com/pyqbot/pyqbot/bot"
)

// A word more than a command takes is refused, saying which word and the usage, instead of dropped:
// `/pyq leaderboard week month` showed the week as if month had not been typed.
func TestExtraWordsAreRefusedNotDropped(t *testing.T) {
	t.Parallel()
	h := newHarness(t, testQuestions())
	for _, tt := range []struct {
		admin      bool
		text, want string
	}{
		{false, "leaderboard week month", "Too many words for `/pyq leaderboard`: \"month\" is more than it takes (`/pyq leaderboard [week|month|all]`)"},
		{false, "topics extra", "\"extra\" is more than it takes (`/pyq topics`)"},
		{false, "help scoring extra", "\"extra\" is more than it takes"},
		{false, "me now", "\"now\" is more than it takes (`/pyq me`)"},
		{false, "today please", "\"please\" is more than it takes"},
		{true, "reveal #1 #2", "\"#2\" is more than it takes (`/pyq reveal [#N]`)"},
		{false, "practice new closures security senior output", "\"security\" (a topic after closures) is more than it takes"},
		// Fewer words than practice's arguments, but one repeats: the second is extra, not a filter.
		{false, "practice new new", "Give each word once to `/pyq practice`: \"new\" repeats new (`/pyq practice [new] [topic] [difficulty] [kind]`)"},
		{false, "practice closures Closures", "\"Closures\" repeats closures (`/pyq practice [new] [topic] [difficulty] [kind]`)"},
		{true, "reports clear 1 2", "\"2\" is more than it takes"},
	} {
		r := h.as("ann", tt.admin, tt.text)
		if got := bot.PlainText(r.Post); !r.Private || !strings.Contains(got, tt.want) || !strings.Contains(got, "nothing was done") {
			t.Errorf("/pyq %s: %q, want a private refusal with %q", tt.text, got, tt.want)
		}
	}
	// The forms that fit are untouched.
	for _, text := range []string{"leaderboard month", "topics", "help scoring", "me", "practice new", "practice new closures senior", "practice new closures senior output"} {
		if got := bot.PlainText(h.as("ann", false, text).Post); strings.Contains(got, "Too many words") {
			t.Errorf("/pyq %s was refused: %q", text, got)
		}
	}
}

// Practice takes a kind of question as a word, says so, and suggests one for a misspelling.
func TestPracticeTakesAKind(t *testing.T) {
	h := newHarness(t, testQuestions())
	post := h.as("ann", false, "practice output").Post
	mustContain(t, bot.PlainText(post), "Picked for you")
	got := bot.PlainText(h.as("ann", false, "practice outputs").Post)
	mustContain(t, got, `There is no topic, difficulty or kind called "outputs"`, "output")
	mustContain(t, bot.PlainText(h.as("ann", false, "help practice").Post), "kinds are output")
}
