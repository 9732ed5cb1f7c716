package discord

import (
	"strings"
	"testing"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
)

// A multi-line choice as the bank's TOML gives it (a blank line first, a whitespace-only line and
// the block's newline last) shows in Discord's code block without blank lines around it.
func TestMultiLineChoiceCodeBlockHasNoBlankLines(t *testing.T) {
	q := bot.Question{ID: "multi-line", Kind: bot.KindOutput, Topic: "closures", Difficulty: bot.Warmup,
		Title: "Multi-line", Prompt: "What prints?", Code: "print(1)", Answer: []string{"A"}, Explanation: "It does.",
		Choices: []bot.Choice{{Key: "A", Text: "[0, 1, 2]"},
			{Key: "B", Text: "\n['email report R-1', 'email report R-2']\n    R-1 freed: False\n  \n"}}}
	k := testkit.NewEngine(t, testkit.Options{Questions: []bot.Question{q}})
	conv := bot.Conversation{Platform: testkit.RecorderPlatform, Workspace: "T1", Channel: "C1"}
	if r := k.As(conv, "Lead", true, "today"); !r.Empty() {
		t.Fatalf("today: %s", bot.PlainText(r.Post))
	}
	got := choicesText(k.Recorder.Sent()[0].Post.Answer)
	if want := "**B.**\n```\n['email report R-1', 'email report R-2']\n    R-1 freed: False\n```"; !strings.Contains(got, want) {
		t.Errorf("choices = %q, want them to hold %q", got, want)
	}
}
