package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

// withWhys is the output question with a misconception on each wrong choice.
func withWhys() []bot.Question {
	q := testQuestions()[0]
	q.Choices = append([]bot.Choice(nil), q.Choices...)
	for i := range q.Choices {
		if q.Choices[i].Key != "C" {
			q.Choices[i].Why = "Why not " + q.Choices[i].Key + ": a plausible slip."
		}
	}
	return []bot.Question{q}
}

func TestRevealNamesTheMostPickedWrongChoiceAndItsWhy(t *testing.T) {
	for _, tc := range []struct {
		name    string
		answers map[string]string
		want    string // "" means no such line
	}{
		{"most picked", map[string]string{"Ann": "B", "Bob": "B", "Cy": "D", "Di": "C"},
			"Most picked wrong choice: B (2 of 4): Why not B: a plausible slip."},
		{"tie goes to the earlier letter", map[string]string{"Ann": "D", "Bob": "A", "Cy": "C"},
			"Most picked wrong choice: A (1 of 3): Why not A: a plausible slip."},
		{"everyone right", map[string]string{"Ann": "C", "Bob": "C"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, withWhys())
			h.postOnly()
			for user, k := range tc.answers {
				if r := h.as(user, false, "answer #1 "+k); !strings.HasPrefix(r.Post.Text, "Recorded") {
					t.Fatalf("%s's answer refused: %s", user, r.Post.Text)
				}
			}
			h.as("lead", true, "reveal")
			reveal := h.last().Post.Text
			if tc.want == "" {
				mustNotContain(t, reveal, "Most picked wrong choice")
				return
			}
			mustContain(t, reveal, tc.want)
		})
	}
}

func TestPracticeFeedbackExplainsTheWrongPick(t *testing.T) {
	h := newHarness(t, withWhys())
	h.as("Alice", false, "practice")
	r := h.as("Alice", false, "answer p1 B")
	mustContain(t, r.Post.Text, "You picked B: Why not B: a plausible slip.")
	h.as("Bob", false, "practice")
	r = h.as("Bob", false, "answer p2 C")
	mustNotContain(t, r.Post.Text, "You picked")
}

// A review reshuffles the letters: the why shown is the one of the choice the player saw under
// the letter they typed, not the bank's choice of that letter.
func TestReviewFeedbackFollowsTheShuffledLetters(t *testing.T) {
	h := newHarness(t, withWhys())
	h.as("Alice", false, "practice")
	h.as("Alice", false, "answer p1 B") // wrong: enters the review queue
	h.clock.Advance(25 * time.Hour)
	r := h.as("Alice", false, "practice")
	mustContain(t, r.Post.Title+r.Post.Text, "Review")
	var shownRight string
	for _, c := range r.Post.Answer.Choices {
		if c.Text == "3" { // the bank's keyed C
			shownRight = c.Key
		}
	}
	wrong := "A"
	if shownRight == "A" {
		wrong = "B"
	}
	fb := h.as("Alice", false, "answer p2 "+wrong)
	var bankKey string
	for _, c := range r.Post.Answer.Choices {
		if c.Key == wrong {
			switch c.Text {
			case "1":
				bankKey = "A"
			case "2":
				bankKey = "B"
			case "4":
				bankKey = "D"
			}
		}
	}
	mustContain(t, fb.Post.Text, "You picked "+wrong+": Why not "+bankKey+": a plausible slip.")
}
