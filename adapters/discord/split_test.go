package discord

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pyqbot/pyqbot/bot"
)

// prose is n characters of distinct words, so each answer can be found on its own.
func prose(seed uint64, n int) string {
	r := rand.New(rand.NewPCG(seed, 7))
	words := []string{"queue", "token", "bucket", "backoff", "retry", "shard", "lease", "cache", "worker", "batch"}
	var b strings.Builder
	for b.Len() < n {
		b.WriteString(words[r.IntN(len(words))] + fmt.Sprint(r.IntN(1000)) + " ")
	}
	return strings.TrimSpace(b.String()[:n])
}

// threadText is every embed description and content posted in the channel, message by message.
func threadText(t *testing.T, f *fakeDiscord, channel string) []string {
	var out []string
	for _, c := range f.matching("POST", "/api/v9/channels/"+channel+"/messages") {
		if c.Path != "/api/v9/channels/"+channel+"/messages" || c.Status >= 300 {
			continue
		}
		var m struct {
			Content string
			Embeds  []struct{ Description string }
		}
		decode(t, c, &m)
		out = append(out, m.Content)
		for _, e := range m.Embeds {
			out = append(out, e.Description)
		}
	}
	return out
}

func TestDesignRevealWithFortyLongAnswersGoesOutWhole(t *testing.T) {
	t.Parallel()
	for _, size := range []int{500, bot.MaxAnswerLen} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			q := goldenQuestions()[4]
			f, srv := playHTTP(t, q)
			do(t, srv, signed(slash("d0", lead, "today"), testNow))
			th := f.waitFor("POST", "/api/v9/channels/c1/messages/")
			thread := strings.Split(th.Path, "/")[6]

			answers := make([]string, 40)
			for i := range answers {
				answers[i] = prose(uint64(i), size)
				who := actor{id: fmt.Sprintf("u%d", i), name: fmt.Sprintf("Player %d", i), perms: alice.perms}
				if _, body := do(t, srv, signed(submitModal(fmt.Sprintf("d%d", i+1), who, "pyq-text:#1", answers[i]), testNow)); !strings.Contains(body, "Recorded your answer") {
					t.Fatalf("answer %d: %s", i, body)
				}
			}
			do(t, srv, signed(slash("d99", lead, "reveal"), testNow))
			// The question is marked closed after its reveal went out.
			for n := 1; !strings.Contains(string(f.waitForNth("PATCH", "/api/v9/channels/c1/messages/"+thread, n).Body), "[closed]"); n++ {
			}
			parts := threadText(t, f, thread)
			for i, ans := range answers {
				found := false
				for _, p := range parts {
					found = found || strings.Contains(p, fmt.Sprintf("Player %d: %s", i, ans))
				}
				if !found {
					t.Errorf("answer %d (%d characters) is not in the thread in full", i, size)
				}
			}
			if len(parts) < 2 {
				t.Errorf("the reveal went out as %d part(s); it cannot fit in one message", len(parts))
			}
		})
	}
}

func TestSendOfATooBigPostReturnsTheFirstMessage(t *testing.T) {
	t.Parallel()
	f := newFakeDiscord(t)
	a := newTestAdapter(t, f, ModeGateway, Options{})
	var lines []string
	for i := range 30 {
		lines = append(lines, fmt.Sprintf("• line %d %s", i, prose(uint64(i), 400)))
	}
	p := bot.Post{Title: "Answer to #3", Text: strings.Join(lines, "\n"), Footer: "Docs: https://docs.python.org/3/",
		Thread: &bot.MessageRef{Channel: "c1", ID: "900", Thread: "900"}}
	ref, err := a.Send(context.Background(), conv, p)
	if err != nil {
		t.Fatal(err)
	}
	posts := f.matching("POST", "/api/v9/channels/900/messages")
	if len(posts) < 2 {
		t.Fatalf("%d posts, want the text split over several", len(posts))
	}
	msg, _ := f.Message("1001")
	if ref.ID != "1001" || msg == nil {
		t.Errorf("ref %+v, want the first message (1001)", ref)
	}
	all := strings.Join(threadText(t, f, "900"), "\n")
	for _, l := range lines {
		if !strings.Contains(all, l) {
			t.Errorf("lost %.30q…", l)
		}
	}
	if !strings.Contains(string(posts[0].Body), `"title":"Answer to #3"`) || !strings.Contains(string(posts[len(posts)-1].Body), "docs.python.org") {
		t.Errorf("the title belongs on the first part and the footer on the last")
	}
}

// largestQuestion is the biggest question content/FORMAT.md allows: 40 lines of code, six choices
// of 300 characters (with Markdown-looking text), an 80-character title.
func largestQuestion(kind bot.Kind) bot.Question {
	var code []string
	for i := range 40 {
		code = append(code, fmt.Sprintf("value_%02d = compute_something(argument_%02d, other=__name__, flag=True)  # n%02d", i, i, i))
	}
	var choices []bot.Choice
	for i, k := range []string{"A", "B", "C", "D", "E", "F"} {
		text := fmt.Sprintf("Choice %s: `__exit__` runs *after* the block %s", k, prose(uint64(i), 300))
		choices = append(choices, bot.Choice{Key: k, Text: string([]rune(text)[:300])})
	}
	q := bot.Question{ID: "largest", Kind: kind, Topic: "stdlib", Difficulty: bot.Senior,
		Title:  strings.Repeat("T", 70) + " __init__",
		Prompt: "A long prompt of two sentences that explains the situation in detail. " + prose(99, 200) + " What does this print?",
		Code:   strings.Join(code, "\n"), Choices: choices, Answer: []string{"B"}, Explanation: "Because.", Source: "test"}
	if kind == bot.KindReview {
		q.Answer = []string{"B", "D"}
	}
	if kind == bot.KindDebug {
		q.Symptom = "Traceback (most recent call last):\n" + strings.Repeat("  File \"app/main.py\", line 12, in handler\n    value = compute()\n", 4) + "KeyError: 'x'"
		q.FixedCode = "print(1)"
	}
	return q
}

func TestLargestQuestionKeepsEveryChoiceReadable(t *testing.T) {
	t.Parallel()
	for _, kind := range []bot.Kind{bot.KindOutput, bot.KindReview, bot.KindDebug} {
		t.Run(string(kind), func(t *testing.T) {
			q := largestQuestion(kind)
			f, srv := playHTTP(t, q)
			do(t, srv, signed(slash("l1", lead, "today"), testNow))
			post := f.waitFor("POST", "/api/v9/channels/c1/messages")
			if post.Status != 200 {
				t.Fatalf("the question was refused: %v", post.Problems)
			}
			var m sentMessage
			decode(t, post, &m)
			var shown strings.Builder
			for _, e := range m.Embeds {
				shown.WriteString(e.Description + "\n")
			}
			for _, c := range q.Choices {
				if !strings.Contains(shown.String(), "**"+c.Key+".** "+escapeMarkdown(c.Text)) {
					t.Errorf("choice %s is not shown in full:\n%s", c.Key, shown.String())
				}
			}
			if !strings.Contains(shown.String(), "value_00 = ") {
				t.Errorf("the code is missing")
			}
			if ids, _ := m.customIDs(); len(ids) == 0 {
				t.Errorf("no way to answer")
			}
		})
	}
}

func TestSplitMarkdownKeepsCodeBlocksWhole(t *testing.T) {
	t.Parallel()
	code := "```py\n" + strings.Repeat("x = 1\n", 50) + "```"
	text := "Intro line\n\n" + code + "\n\nAfter the code. " + strings.Repeat("word ", 300)
	for _, n := range []int{60, 200, 2000} {
		parts := splitMarkdown(text, n)
		joined := ""
		for _, p := range parts {
			if l := utf8.RuneCountInString(p); l > n {
				t.Errorf("n=%d: a part has %d characters", n, l)
			}
			if strings.Count(p, "```")%2 != 0 {
				t.Errorf("n=%d: a part leaves a code block open:\n%s", n, p)
			}
			joined += p + "\n"
		}
		if got := strings.Count(joined, "x = 1"); got != 50 {
			t.Errorf("n=%d: %d code lines survive, want 50", n, got)
		}
		if got := strings.Count(joined, "word"); got != 300 {
			t.Errorf("n=%d: %d words survive, want 300", n, got)
		}
	}
	if got := splitMarkdown("short", 2000); len(got) != 1 || got[0] != "short" {
		t.Errorf("short text split into %q", got)
	}
}

func TestEscapeMarkdown(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"__exit__":                     `\_\_exit\_\_`,
		"def f(*args, **kwargs)":       `def f(\*args, \*\*kwargs)`,
		"use `__exit__` here":          "use `__exit__` here",
		"``a ` b`` then _x_":           "``a ` b`` then \\_x\\_",
		"a stray ` backtick":           "a stray \\` backtick",
		"# not a header\n> not quoted": "\\# not a header\n\\> not quoted",
		"- not a list, 3 - 1":          "\\- not a list, 3 - 1",
		"||spoiler|| ~~struck~~ <@1>":  `\|\|spoiler\|\| \~\~struck\~\~ \<@1>`,
		`C:\path`:                      `C:\\path`,
		"[2, 2, 2]":                    "[2, 2, 2]",
	} {
		if got := escapeMarkdown(in); got != want {
			t.Errorf("escapeMarkdown(%q) = %q, want %q", in, got, want)
		}
	}
}
