package slack

import (
	"strings"
	"testing"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
	"github.com/slack-go/slack"
)

// A multi-line choice as the bank's TOML gives it (a blank line first, a whitespace-only line and
// the block's newline last) shows in Slack's code block without blank lines around it.
func TestMultiLineChoiceCodeBlockHasNoBlankLines(t *testing.T) {
	q := goldenOutput()
	q.Choices = []bot.Choice{{Key: "A", Text: "[0, 1, 2]"},
		{Key: "B", Text: "\n['email report R-1', 'email report R-2']\n    R-1 freed: False\n  \n"}}
	k := testkit.NewEngine(t, testkit.Options{Questions: []bot.Question{q}})
	conv := bot.Conversation{Platform: testkit.RecorderPlatform, Workspace: "T1", Channel: "C1"}
	if r := k.As(conv, "Lead", true, "today"); !r.Empty() {
		t.Fatalf("today: %s", bot.PlainText(r.Post))
	}
	p := k.Recorder.Sent()[0].Post
	var texts []string
	for _, b := range answerBlocks(*p.Answer) {
		if s, ok := b.(*slack.SectionBlock); ok && s.Text != nil {
			texts = append(texts, s.Text.Text)
		}
	}
	got := strings.Join(texts, "\n")
	if want := "*B.*\n```\n['email report R-1', 'email report R-2']\n    R-1 freed: False\n```"; !strings.Contains(got, want) {
		t.Errorf("choices section = %q, want it to hold %q", got, want)
	}
}
