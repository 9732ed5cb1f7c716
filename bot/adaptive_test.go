package bot_test

import (
	"fmt"
	"testing"

	"github.com/pyqbot/pyqbot/bot"
)

func adaptiveBank() []bot.Question {
	var qs []bot.Question
	for _, topic := range []string{"closures", "security"} {
		for _, d := range bot.Difficulties {
			for i := range 4 {
				qs = append(qs, bot.Question{ID: fmt.Sprintf("%s-%s-%d", topic, d, i), Kind: bot.KindOutput, Topic: topic, Difficulty: d,
					Title: fmt.Sprintf("%s %s %d", topic, d, i), Prompt: "What prints?", Code: "print(1)",
					Choices: []bot.Choice{{Key: "A", Text: "1"}, {Key: "B", Text: "2"}}, Answer: []string{"A"}, Explanation: "It prints 1."})
			}
		}
	}
	return qs
}

// Practice without a topic drills the weakest topic at a level that keeps the person near 70% right,
// never repeats a question seen in the last 30 days while a fresh one is left, and says why.
func TestPracticeAdaptsToThePerson(t *testing.T) {
	t.Parallel()
	h := newHarness(t, adaptiveBank())
	practise := func(words, pick string) bot.Post {
		t.Helper()
		post := h.as("Ann", false, "practice "+words).Post
		if pick != "" {
			mustContain(t, h.as("Ann", false, "answer "+practiceRef(t, post)+" "+pick).Post.Title, "p")
		}
		return post
	}
	mustContain(t, practise("", "").Text, "Picked for you — least practised topic: closures, warmup.")

	for range 3 {
		practise("closures warmup", "A")
	}
	mustContain(t, practise("", "").Text, "weakest topic: closures, intermediate") // 3 right in a row: a step up

	seen := map[string]bool{}
	for _, pick := range []string{"B", "B", "A"} { // security: 1 of 3
		post := practise("security warmup", pick)
		seen[post.Title] = true
	}
	post := practise("", "A")
	mustContain(t, post.Text, "Picked for you — weakest topic: security, warmup.")
	if seen[post.Title] {
		t.Errorf("adaptive practice repeated %q, seen minutes ago", post.Title)
	}
	// Every security warmup has been seen now: the neighbouring level.
	mustContain(t, practise("", "").Text, "weakest topic: security, warmup (nothing new at that level, so intermediate)")
}
