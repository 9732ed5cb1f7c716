package bot_test

import (
	"regexp"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

// letterOf finds which letter a practice post shows for the choice text.
func letterOf(t *testing.T, post bot.Post, text string) string {
	t.Helper()
	m := regexp.MustCompile(`\[([A-F])\] ` + regexp.QuoteMeta(text) + `\n`).FindStringSubmatch(bot.PlainText(post) + "\n")
	if m == nil {
		t.Fatalf("no choice %q in:\n%s", text, bot.PlainText(post))
	}
	return m[1]
}

func practiceRef(t *testing.T, post bot.Post) string {
	t.Helper()
	m := regexp.MustCompile(`\bp\d+\b`).FindString(post.Footer)
	if m == "" {
		t.Fatalf("no practice reference in footer %q", post.Footer)
	}
	return m
}

// A missed team question comes back as a review on the Leitner schedule, with its choices in a new
// order, until it is mastered; a miss sends it back to the first box.
func TestMissedQuestionComesBackOnALeitnerSchedule(t *testing.T) {
	t.Parallel()
	h := newHarness(t, testQuestions()[:1]) // output-one: the answer is "3", key C
	h.postOnly()
	mustContain(t, h.as("Ann", false, "answer A").Post.Text, "Recorded")
	h.as("lead", true, "reveal") // Monday 16 Nov: Ann missed it

	mustNotContain(t, h.as("Ann", false, "practice").Post.Title, "Review") // not due on the same day
	mustContain(t, h.as("Ann", false, "me").Post.Text, "Reviews: 0 due today, 1 waiting, 0 mastered.")

	review := func(right bool, wantTitle string) {
		t.Helper()
		post := h.as("Ann", false, "practice").Post
		mustContain(t, post.Title, wantTitle)
		right3 := letterOf(t, post, "3")
		if right3 == "C" {
			t.Errorf("the review shows the right choice under its old letter C")
		}
		pick := right3
		if !right {
			pick = letterOf(t, post, "1")
		}
		got := h.as("Ann", false, "answer "+practiceRef(t, post)+" "+pick)
		if right {
			mustContain(t, got.Post.Title, "Right!")
		} else {
			mustContain(t, got.Post.Title, "Not quite")
		}
		mustContain(t, bot.PlainText(got.Post), "The answer was "+right3)
	}
	step := func(days int) { h.clock.Advance(time.Duration(days) * 24 * time.Hour) }

	step(1) // Tuesday: box 1 is due, and `practice new` still skips it
	mustContain(t, h.as("Ann", false, "practice new").Post.Title, "Practice: Output one")
	mustContain(t, h.as("Ann", false, "me").Post.Text, "Reviews: 1 due today, 0 waiting, 0 mastered.")
	review(true, "Review: you missed this on Mon 16 Nov")
	mustContain(t, h.as("Ann", false, "me").Post.Text, "Reviews: 0 due today, 1 waiting, 0 mastered.")
	step(2) // box 2 is due 3 days later, not 2
	mustNotContain(t, h.as("Ann", false, "practice").Post.Title, "Review")
	step(1)
	review(false, "Review: you missed this on Mon 16 Nov") // wrong: back to box 1, missed today
	step(1)
	missedOn := h.clock.Now().Add(-24 * time.Hour).Format("Mon 2 Jan")
	for _, days := range []int{3, 7, 16, 35} {
		review(true, "Review: you missed this on "+missedOn)
		step(days)
	}
	review(true, "Review") // right in the last box: mastered
	mustContain(t, h.as("Ann", false, "me").Post.Text, "Reviews: 0 due today, 0 waiting, 1 mastered.")
	step(100)
	mustNotContain(t, h.as("Ann", false, "practice").Post.Title, "Review")
}

func TestNextReviewRules(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	for _, tt := range []struct {
		name       string
		r          bot.Review
		found      bool
		right      bool
		wantBox    int
		wantDue    time.Time
		wantSave   bool
		wantMaster bool
	}{
		{"a miss enters box 1", bot.Review{}, false, false, 1, at.Add(day), true, false},
		{"a right answer never enters", bot.Review{}, false, true, 0, time.Time{}, false, false},
		{"right when due moves up", bot.Review{Box: 1, DueAt: at}, true, true, 2, at.Add(3 * day), true, false},
		{"right before due changes nothing", bot.Review{Box: 2, DueAt: at.Add(day)}, true, true, 2, at.Add(day), false, false},
		{"right earlier on the due day moves up", bot.Review{Box: 2, DueAt: at.Add(5 * time.Hour)}, true, true, 3, at.Add(7 * day), true, false},
		{"wrong sends back to box 1", bot.Review{Box: 4, DueAt: at}, true, false, 1, at.Add(day), true, false},
		{"right in the last box masters", bot.Review{Box: 5, DueAt: at}, true, true, 5, at, true, true},
		{"a mastered question missed again returns", bot.Review{Box: 5, Mastered: true}, true, false, 1, at.Add(day), true, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, save := bot.NextReview(tt.r, tt.found, tt.right, at, bot.ReviewDueBy(at, time.UTC))
			if save != tt.wantSave || got.Box != tt.wantBox || !got.DueAt.Equal(tt.wantDue) || got.Mastered != tt.wantMaster {
				t.Errorf("NextReview = %+v save %v; want box %d due %v mastered %v save %v", got, save, tt.wantBox, tt.wantDue, tt.wantMaster, tt.wantSave)
			}
		})
	}
}
