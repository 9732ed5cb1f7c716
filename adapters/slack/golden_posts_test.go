package slack

import (
	"strings"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
)

var choices = []bot.Choice{
	{Key: "A", Text: "[0, 1, 2]"},
	{Key: "B", Text: "[2, 2, 2]"},
	{Key: "C", Text: "TypeError: 'int' object is not callable"},
	{Key: "D", Text: "0\n1\n2"},
}

const footer = "#12 · closures · predict · warmup · revealed today at 17:00 · id late-binding-lambdas"

// question is a hand-made post for tests of one rendering rule (controls, sizes); the goldens
// render what the engine posts (goldenPosts).
func question(mode bot.AnswerMode) bot.Post {
	return bot.Post{
		Title: "Late-binding lambdas & the loop variable",
		Text:  "What does this print? (Hint: `i < 3` is checked before each lambda is *called*.)",
		Code:  "fs = [lambda: i for i in range(3)]\nif len(fs) > 2 and fs:\n    print([f() for f in fs])",
		Answer: &bot.AnswerForm{Ref: "#12", Mode: mode, Choices: func() []bot.Choice {
			if mode == bot.FreeText {
				return nil
			}
			return choices
		}()},
		Footer: footer,
	}
}

// The golden questions: Markdown and mrkdwn control characters where a real bank has them.
func goldenOutput() bot.Question {
	return bot.Question{ID: "late-binding-lambdas", Kind: bot.KindOutput, Topic: "closures", Difficulty: bot.Warmup,
		Title: "Late-binding lambdas & the loop variable", Prompt: "What does this print? (Hint: `i < 3` is checked before each lambda is *called*.)",
		Code: "fs = [lambda: i for i in range(3)]\nif len(fs) > 2 and fs:\n    print([f() for f in fs])", Choices: choices,
		Answer: []string{"B"}, Explanation: "Closures look up `i` when called, after the loop ended.", FixedCode: "fs = [lambda i=i: i for i in range(3)]",
		Docs: "https://docs.python.org/3/faq/programming.html#why-do-lambdas-defined-in-a-loop-with-different-values-all-return-the-same-result"}
}

func goldenReview() bot.Question {
	return bot.Question{ID: "review-load", Kind: bot.KindReview, Topic: "stdlib", Difficulty: bot.Intermediate,
		Title: "Review this pull request", Prompt: "Pick every real problem.", Code: "def load(path):\n    f = open(path)\n    return json.load(f)",
		Choices: []bot.Choice{{Key: "A", Text: "The file is never closed"}, {Key: "B", Text: "json.load needs a string"},
			{Key: "C", Text: "No encoding is given,\nso it depends on the locale"}},
		Answer: []string{"A", "C"}, Explanation: "Use `with open(path, encoding=\"utf-8\")`."}
}

func goldenDesign() bot.Question {
	return bot.Question{ID: "rate-limit", Kind: bot.KindDesign, Topic: "concurrency", Difficulty: bot.Senior,
		Title: "Rate-limit an API client", Prompt: "How would you keep a batch job under 50 requests/s? <!channel> & co.",
		Rubric: []string{"a token bucket", "backoff on 429"}, Explanation: "Share one limiter."}
}

// goldenPosts are the posts the engine makes in a day of play, recorded by the kit's adapter, with
// hostile display names to prove the escaping: each question kind as posted, the output question
// closed, its reveal and vote (open and closed), and the scheduled weekly leaderboard.
func goldenPosts(t testing.TB) map[string]bot.Post {
	t.Helper()
	conv := bot.Conversation{Platform: testkit.RecorderPlatform, Workspace: "T1", Channel: "C1"}
	out := map[string]bot.Post{}
	posted := func(q bot.Question) *testkit.Kit {
		k := testkit.NewEngine(t, testkit.Options{Questions: []bot.Question{q},
			Schedules: []bot.Schedule{{Job: bot.JobLeaderboard, Spec: "0 16 * * 5", Enabled: true}}})
		if r := k.As(conv, "Lead", true, "today"); !r.Empty() {
			t.Fatalf("today: %s", bot.PlainText(r.Post))
		}
		return k
	}
	only := func(k *testkit.Kit, what string, match func(bot.Post) bool, edits bool) bot.Post {
		t.Helper()
		list := k.Recorder.Sent()
		if edits {
			list = k.Recorder.Edits()
		}
		var found []bot.Post
		for _, s := range list {
			if match(s.Post) {
				found = append(found, s.Post)
			}
		}
		if len(found) == 0 {
			t.Fatalf("the engine made no %s", what)
		}
		return found[len(found)-1]
	}

	out["question-review"] = posted(goldenReview()).Recorder.Sent()[0].Post
	out["question-design"] = posted(goldenDesign()).Recorder.Sent()[0].Post

	k := posted(goldenOutput())
	out["question-single"] = k.Recorder.Sent()[0].Post
	for _, a := range [][2]string{ // in order: the reveal numbers the explanations as they came
		{"<!channel> & Mallory", "answer B because i is looked up late"},
		{"<!here> Bob", "answer B because the loop ends at 2"},
		{"Zoë & <@U1>", "answer A because each lambda gets its own i"},
	} {
		if r := k.As(conv, a[0], false, a[1]); !strings.HasPrefix(r.Post.Text, "Recorded") {
			t.Fatalf("%s: %s", a[0], bot.PlainText(r.Post))
		}
	}
	k.As(conv, "Lead", true, "reveal")
	out["reveal"] = only(k, "reveal", func(p bot.Post) bool { return strings.HasPrefix(p.Title, "Answer to #1") }, false)
	out["vote"] = only(k, "vote", func(p bot.Post) bool { return p.Vote != nil }, false)
	out["question-closed"] = only(k, "closing edit", func(p bot.Post) bool { return p.Closed && p.Answer == nil && p.Vote == nil }, true)
	for _, voter := range []string{"Cy", "Di"} {
		if r := k.As(conv, voter, false, "vote #1 2"); !strings.HasPrefix(r.Post.Text, "Recorded your vote") {
			t.Fatalf("%s's vote: %s", voter, bot.PlainText(r.Post))
		}
	}
	k.Tick(testkit.Monday.Add(25 * time.Hour)) // the vote window is 24 h
	out["vote-closed"] = only(k, "closed vote", func(p bot.Post) bool { return p.Vote != nil && p.Closed }, true)
	k.Tick(time.Date(2026, 11, 20, 16, 0, 0, 0, time.UTC)) // Friday 16:00: the weekly leaderboard
	out["leaderboard"] = only(k, "weekly leaderboard", func(p bot.Post) bool { return strings.HasPrefix(p.Title, "Weekly leaderboard") }, false)
	return out
}
