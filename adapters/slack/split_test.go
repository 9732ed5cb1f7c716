package slack

import (
	"strings"
	"testing"

	"github.com/pyqbot/pyqbot/bot"
)

// The largest question content/FORMAT.md allows (40 lines of code, six choices of 300 characters)
// with a long prompt is one message: its buttons are never pushed into a thread reply. (Text made
// mostly of < > & escapes to up to five times its length; such a question would be split, with its
// buttons in the thread: the format's limits are what keep it from happening.)
func TestLargestQuestionIsOneMessage(t *testing.T) {
	t.Parallel()
	var choices []bot.Choice
	for _, k := range []string{"A", "B", "C", "D", "E", "F"} {
		choices = append(choices, bot.Choice{Key: k, Text: strings.Repeat(k+" if a < b & c: ", 20)})
	}
	p := bot.Post{
		Title:  strings.Repeat("T", 80),
		Text:   strings.Repeat("A prompt that explains the situation & asks <what> happens. ", 20),
		Code:   strings.TrimSuffix(strings.Repeat("    if left <= right and (a & b) > 0: "+strings.Repeat("x", 60)+"\n", 40), "\n"),
		Answer: &bot.AnswerForm{Ref: "#12", Mode: bot.SingleChoice, Choices: choices},
		Footer: footer,
	}
	if parts := splitBlocks(Blocks(p)); len(parts) != 1 {
		t.Fatalf("the largest question is %d messages, want 1", len(parts))
	}
}

func TestSplitKeepsOrderAndLimits(t *testing.T) {
	t.Parallel()
	var answers []string
	for i := range 40 {
		answers = append(answers, "• someone: "+strings.Repeat(string(rune('a'+i%26)), 500))
	}
	p := bot.Post{Title: "Answer to #1", Text: strings.Join(answers, "\n")}
	blocks := Blocks(p)
	parts := splitBlocks(blocks)
	if len(parts) < 2 {
		t.Fatalf("%d parts for 20,000 characters, want several", len(parts))
	}
	var joined []string
	for _, part := range parts {
		n := 0
		for _, b := range part {
			n += textOf(b)
		}
		if len(part) > maxMessageBlocks || n > maxMessageText {
			t.Errorf("a part has %d blocks and %d characters", len(part), n)
		}
		for _, b := range part {
			joined = append(joined, mustJSON(t, b))
		}
	}
	var all []string
	for _, b := range blocks {
		all = append(all, mustJSON(t, b))
	}
	if strings.Join(joined, "") != strings.Join(all, "") {
		t.Error("the parts do not hold the blocks in order")
	}
}
