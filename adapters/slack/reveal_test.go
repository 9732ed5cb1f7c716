package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/pyqbot/pyqbot/adapters/contract"
	"github.com/pyqbot/pyqbot/adapters/slack/slackfake"
	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
	"github.com/pyqbot/pyqbot/storage"
)

// engineEnv is the real engine on a SQLite file, posting through the adapter to the strict fake.
type engineEnv struct {
	*env
	engine *bot.Engine
	store  *storage.DB
}

func newEngineEnv(t *testing.T, questions ...bot.Question) *engineEnv {
	t.Helper()
	e := newEnv(t, ModeHTTP)
	k := testkit.NewEngine(t, testkit.Options{Questions: questions, Clock: e.clock, Adapters: []bot.Adapter{e.a}, Logger: e.log})
	return &engineEnv{env: e, engine: k.Engine, store: k.Store}
}

// postToday has the lead post today's question, failing the test on any reply (a post is silent).
func (e *engineEnv) postToday() {
	e.t.Helper()
	if r := e.as("lead", true, "today"); !r.Empty() {
		e.t.Fatalf("today: %s", r.Post.Text)
	}
}

func (e *engineEnv) as(user string, admin bool, text string) bot.Reply {
	e.t.Helper()
	return e.engine.Handle(context.Background(), bot.Event{Conv: conv, User: bot.User{ID: "U" + user, Name: user}, Admin: admin, Text: text})
}

// sectionTexts is the mrkdwn of a message's sections, unescaped: what a reader sees.
func sectionTexts(t *testing.T, blocks string) []string {
	t.Helper()
	var bs []struct {
		Type string `json:"type"`
		Text struct {
			Text string `json:"text"`
		} `json:"text"`
	}
	if err := json.Unmarshal([]byte(blocks), &bs); err != nil {
		t.Fatalf("blocks: %v", err)
	}
	var out []string
	for _, b := range bs {
		if b.Type == "section" {
			out = append(out, strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(b.Text.Text))
		}
	}
	return out
}

func TestLongDesignRevealGoesOutWholeInTheThread(t *testing.T) {
	t.Parallel()
	for _, size := range []int{500, maxAnswerText} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			e := newEngineEnv(t, contract.DesignQuestion())
			e.postToday()
			qts := e.fake.Messages("C1")[0].TS
			answers := map[string]string{}
			for i := range 40 {
				user := fmt.Sprintf("Player%02d", i)
				a := fmt.Sprintf("answer %02d: ", i) + strings.Repeat("a bounded queue & backpressure < memory; ", size/40+1)
				answers[user] = strings.TrimSpace(a[:size])
				if r := e.as(user, false, "answer #1 "+answers[user]); !strings.HasPrefix(r.Post.Text, "Recorded") {
					t.Fatalf("answer refused: %s", r.Post.Text)
				}
			}
			if r := e.as("lead", true, "reveal"); !r.Empty() {
				t.Fatalf("reveal replied %q", r.Post.Text)
			}
			parts := e.fake.Messages("C1")[1:]
			if min := size * 40 / 11000; len(parts) < min {
				t.Errorf("%d reveal messages for %d characters of answers, want at least %d", len(parts), size*40, min)
			}
			var thread strings.Builder
			for i, m := range parts {
				if m.ThreadTS != qts {
					t.Errorf("reveal part %d went to thread %q, want the question's %q", i+1, m.ThreadTS, qts)
				}
				for _, s := range sectionTexts(t, m.Blocks) {
					thread.WriteString(s)
				}
			}
			for user, a := range answers {
				if !strings.Contains(thread.String(), user+": "+a) {
					t.Fatalf("%s's answer is not in the thread in full", user)
				}
			}
			if m, _ := e.fake.Message("C1", qts); !strings.Contains(m.Blocks, "Closed: answers no longer count") {
				t.Error("the question was not marked closed")
			}
		})
	}
}

// A reveal Slack refuses still closes the question on Slack: its buttons go.
func TestRefusedRevealStillMarksTheQuestionClosed(t *testing.T) {
	t.Parallel()
	e := newEngineEnv(t, contract.DesignQuestion())
	e.as("lead", true, "today")
	qts := e.fake.Messages("C1")[0].TS
	e.as("Alice", false, "answer #1 bounded, so producers feel the pressure")
	e.fake.Fail("chat.postMessage", slackfake.Failure{Error: "msg_blocks_too_long"})
	r := e.as("lead", true, "reveal")
	if !strings.Contains(r.Post.Text, "closed and its answers are graded") {
		t.Errorf("reveal replied %q", r.Post.Text)
	}
	m, _ := e.fake.Message("C1", qts)
	if !strings.Contains(m.Blocks, "Closed: answers no longer count") || strings.Contains(m.Blocks, `"actions"`) {
		t.Errorf("the question still takes answers on Slack:\n%s", m.Blocks)
	}
}

func debugQuestion() bot.Question {
	return bot.Question{ID: "debug-default", Kind: bot.KindDebug, Topic: "functions", Difficulty: bot.Intermediate,
		Title: "Shared default list", Prompt: "Why does the second call see the first call's item?",
		Code: "def add(x, into=[]):\n    into.append(x)\n    return into", Symptom: "add(1) -> [1]\nadd(2) -> [1, 2]",
		Choices: []bot.Choice{{Key: "A", Text: "The default is evaluated once"}, {Key: "B", Text: "append copies"}},
		Answer:  []string{"A"}, Explanation: "Defaults are evaluated at definition time.",
		FixedCode: "def add(x, into=None):\n    into = [] if into is None else into\n    into.append(x)\n    return into",
		Check:     "assert add(1) == [1]\nassert add(2) == [2]"}
}

// Slack's mrkdwn has no language tag: a ```python fence would show "python" as the code's first
// line. Every code block Slack receives, in a reveal, practice feedback or the Home tab, is bare.
func TestCodeBlocksHaveNoLanguageTag(t *testing.T) {
	t.Parallel()
	e := newEngineEnv(t, debugQuestion())
	e.as("lead", true, "today")
	e.as("<!channel> Mallory", false, "answer #1 A")
	e.as("lead", true, "reveal")
	practice := e.as("Bob", false, "practice")
	feedback := e.as("Bob", false, "answer "+practice.Post.Answer.Ref+" A")
	me := e.as("Bob", false, "me")
	payloads := []string{mustJSON(t, Blocks(feedback.Post)), FallbackText(feedback.Post), mustJSON(t, homeView(me.Post, me.Post))}
	for _, c := range e.fake.Calls("chat.postMessage") {
		payloads = append(payloads, c.Blocks(), c.Form.Get("text"))
	}
	// JSON spells & < > as \u0026 \u003c \u003e: compare what Slack decodes.
	unjson := strings.NewReplacer(`\u0026`, "&", `\u003c`, "<", `\u003e`, ">")
	for i := range payloads {
		payloads[i] = unjson.Replace(payloads[i])
	}
	if !strings.Contains(payloads[0], "The fix:") || !strings.Contains(payloads[0], "```\\ndef add(x, into=None)") {
		t.Fatalf("practice feedback lacks the fixed code in a bare fence:\n%s", payloads[0])
	}
	reveal := unjson.Replace(e.fake.Messages("C1")[1].Blocks)
	if !strings.Contains(reveal, "```\\ndef add(x, into=None)") || !strings.Contains(reveal, "&lt;!channel&gt; Mallory +10") {
		t.Errorf("reveal lacks the bare-fenced fix or the escaped winner:\n%s", reveal)
	}
	for _, p := range payloads {
		if strings.Contains(p, "```python") || strings.Contains(p, "<!channel>") {
			t.Errorf("Slack would show a language tag or ping the channel:\n%s", p)
		}
	}
}

// A post Slack refuses is logged once, by the core where it decides what to tell the user, with the
// conversation's platform, workspace and channel; the adapter only returns the error.
func TestARefusedPostIsLoggedOnceWithItsConversation(t *testing.T) {
	t.Parallel()
	e := newEngineEnv(t, contract.DesignQuestion())
	e.fake.Fail("chat.postMessage", slackfake.Failure{Error: "channel_not_found"})
	if r := e.as("lead", true, "today"); r.Empty() {
		t.Fatal("today answered nothing after Slack refused the post; want a private error")
	}
	contract.CheckLoggedOnce(t, e.logs.String(), "channel_not_found", "platform=slack", "workspace="+slackfake.TeamID, "channel=C1")
}

// A public reply Slack refuses, with no response_url to fall back on (a modal's submission), is
// dropped by the adapter, so the adapter is where it is logged: once, with its conversation.
func TestARefusedPublicReplyIsLoggedOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t, ModeHTTP)
	e.core.reply = func(ev bot.Event) bot.Reply { return bot.Reply{Post: bot.Post{Text: "everyone sees " + ev.Text}} }
	e.start()
	e.fake.Fail("chat.postMessage", slackfake.Failure{Error: "channel_not_found"})
	e.signed(PathInteractions, formType, interactionPayload(t, viewSubmission("U4", "#7", "C1", "a queue")))
	e.core.next(t)
	e.stop() // Run returns once the reply's goroutine has
	contract.CheckLoggedOnce(t, e.logs.String(), "channel_not_found", "slack public reply failed", "platform=slack", "workspace="+slackfake.TeamID, "channel=C1")
}
