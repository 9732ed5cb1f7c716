package bot_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

func adaptiveBank() []bot.Question {
	var qs []bot.Question
	for _, topic := range []string{"closures", "security"} {
		for _, d := range bot.Difficulties {
			for i := range 4 {
				// Two kinds, debug only at senior, so that a kind named can only be served by moving
				// level: without the kind in the filter, the pick would stay at the person's level.
				kind := bot.KindOutput
				if d == bot.Senior && i >= 2 {
					kind = bot.KindDebug
				}
				qs = append(qs, bot.Question{ID: fmt.Sprintf("%s-%s-%d", topic, d, i), Kind: kind, Topic: topic, Difficulty: d,
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

	// A kind narrows the pick: closures has debug questions only at senior, next to Ann's level.
	post = practise("closures debug", "")
	mustContain(t, post.Text, "Picked for you — your level in closures: intermediate (nothing new at that level, so senior).")
	mustContain(t, post.Footer, " · closures · debug · senior · ")
}

// Practice with words adapts within them: a named topic is drilled at the person's level in it, a
// named difficulty replaces the level, and neither brings back a question seen in the last 30 days
// while one they allow is fresh. Before, `/pyq practice databases` drew at random from the whole
// topic: a tester's 25 asks met repeats within minutes, at every level.
func TestPracticeWithWordsAdaptsAndDoesNotRepeat(t *testing.T) {
	t.Parallel()
	h := newHarness(t, adaptiveBank())
	seen := map[string]bool{}
	practise := func(words, pick string, want ...string) bot.Post {
		t.Helper()
		h.clock.Advance(time.Minute) // each ask its own moment, so "seen longest ago" is one
		post := h.as("Ann", false, "practice "+words).Post
		mustContain(t, post.Title+"\n"+post.Text+"\n"+post.Footer, want...)
		if seen[post.Title] && !strings.Contains(post.Text, "seen longest ago") {
			t.Errorf("/pyq practice %s repeated %q, seen minutes ago", words, post.Title)
		}
		seen[post.Title] = true
		if pick != "" {
			mustContain(t, h.as("Ann", false, "answer "+practiceRef(t, post)+" "+pick).Post.Title, "Right!")
		}
		return post
	}
	// A topic named: the person's level in it, warmup to start, up a level after 3 right.
	for range 3 {
		practise("closures", "A", "closures warmup", "Picked for you — your level in closures: warmup.")
	}
	practise("closures", "", "closures intermediate", "Picked for you — your level in closures: intermediate.")

	// A difficulty named: that difficulty, each of the 4 once, then the one seen longest ago.
	var first string
	for i := range 4 {
		post := practise("closures senior", "", "closures senior", "Picked for you — closures, senior.")
		if i == 0 {
			first = post.Title
		}
	}
	post := practise("senior closures", "", "you have seen them all lately: this is the one seen longest ago")
	if post.Title != first {
		t.Errorf("with every closures senior seen, practice served %q, want the one seen longest ago, %q", post.Title, first)
	}

	// A difficulty without a topic: the weakest topic's (closures, 3 of 3 right, is the only one
	// with answers) are all seen, so a fresh one of another topic rather than a repeat.
	practise("senior", "", "security senior", "Picked for you — security, senior (nothing new lately in closures, your weakest topic).")
	practise("output senior", "", "security senior", " · security · output · senior · ") // a kind narrows the same way

	// Ann's level in security is warmup: its 4 warmup and 4 intermediate questions, then a senior
	// one still fresh rather than a repeat.
	for range 4 {
		practise("security", "", "security warmup", "Picked for you — your level in security: warmup.")
	}
	for range 4 {
		practise("security", "", "security intermediate", "your level in security: warmup (nothing new at that level, so intermediate).")
	}
	practise("security", "", "security senior", "your level in security: warmup (nothing new at or next to that level, so senior).")
}

// When every question the words allow was seen lately, practice serves the one seen longest ago of
// all of them, whatever its topic, so asking again serves each in turn, and the reason names the
// served question's difficulty. Before, it looked in the first-ranked topic only, serving the
// question seen a day before again and again while the other topic's were older, and named the
// person's level ("your level in closures: warmup" over a senior question).
func TestPracticeRepeatsTheOneSeenLongestAgo(t *testing.T) {
	t.Parallel()
	mk := func(id, topic string, d bot.Difficulty) bot.Question {
		return bot.Question{ID: id, Kind: bot.KindOutput, Topic: topic, Difficulty: d, Title: id,
			Prompt: "What prints?", Code: "print(1)", Choices: []bot.Choice{{Key: "A", Text: "1"}, {Key: "B", Text: "2"}},
			Answer: []string{"A"}, Explanation: "It prints 1."}
	}
	const again = " (you have seen them all lately: this is the one seen longest ago)."
	type ask struct{ words, reason string }
	tests := []struct {
		name string
		bank []bot.Question
		seen []string // asked a day apart, each serving a fresh question
		asks []ask    // then a minute apart: they serve the seen ones in the order they were seen
	}{
		{"of every topic the words allow",
			[]bot.Question{mk("closures-a", "closures", bot.Senior), mk("security-a", "security", bot.Senior), mk("security-b", "security", bot.Senior)},
			[]string{"security", "security", "closures"},
			// closures, with the fewest attempts, is the least practised topic throughout
			[]ask{{"senior", "security, senior" + again}, {"senior", "security, senior" + again},
				{"senior", "least practised topic: closures, senior" + again}}},
		{"its difficulty, not the level",
			[]bot.Question{mk("closures-w", "closures", bot.Warmup), mk("closures-s", "closures", bot.Senior)},
			[]string{"closures senior", "closures warmup"},
			[]ask{{"closures", "closures, senior" + again}, {"closures", "closures, warmup" + again}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, tc.bank)
			var order []string
			for _, words := range tc.seen {
				h.clock.Advance(24 * time.Hour)
				post := h.as("Ann", false, "practice "+words).Post
				mustNotContain(t, post.Text, "seen longest ago")
				order = append(order, post.Title)
			}
			for i, a := range tc.asks {
				h.clock.Advance(time.Minute)
				post := h.as("Ann", false, "practice "+a.words).Post
				if post.Title != order[i] {
					t.Errorf("ask %d, practice %s: served %q, want %q, seen longest ago (seen in order %q)", i+1, a.words, post.Title, order[i], order)
				}
				mustContain(t, post.Text, "Picked for you — "+a.reason)
			}
		})
	}
}
