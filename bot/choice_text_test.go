package bot_test

import (
	"strings"
	"testing"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/content"
)

// multiLineChoices is a question as the bank's TOML gives it: each multi-line choice ends with a newline,
// one starts with a blank line and one ends with a whitespace-only line (as
// closures/closure-keeps-whole-object-alive's choices are written).
func multiLineChoices(t *testing.T) bot.Question {
	t.Helper()
	f, problems := content.Parse("closures/multi.toml", []byte(`id = "multi-line-choices"
kind = "output"
topic = "closures"
difficulty = "warmup"
title = "Multi-line choices"
prompt = "What does it print?"
code = '''
print("R-1")
'''
explanation = "It prints both lines."
answer = ["A"]

[[choices]]
key = "A"
text = '''
['email report R-1', 'email report R-2']
R-1 freed: True | R-2 freed: True
'''

[[choices]]
key = "B"
text = '''

['email report R-1', 'email report R-2']
    R-1 freed: False
   
'''
why = "Not so."
`))
	if len(content.Errors(problems)) > 0 {
		t.Fatalf("parse: %v", problems)
	}
	return f.Question
}

// The terminal shows a multi-line choice from its key on, its other lines under the first, with no
// empty first line and no whitespace-only last line; the reveal's code block has no blank line.
func TestMultiLineChoicesHaveNoBlankLines(t *testing.T) {
	h := newHarness(t, []bot.Question{multiLineChoices(t)})
	h.postOnly()
	text := bot.PlainText(h.last().Post)
	mustContain(t, text, "\n  [A] ['email report R-1', 'email report R-2']\n      R-1 freed: True | R-2 freed: True\n"+
		"  [B] ['email report R-1', 'email report R-2']\n          R-1 freed: False\nAnswer with:")
	for i, line := range strings.Split(text, "\n") {
		if line != "" && strings.TrimSpace(line) == "" || strings.HasSuffix(line, "] ") {
			t.Errorf("line %d of the question is %q: blank, or a key with nothing after it:\n%s", i+1, line, text)
		}
	}
	h.as("lead", true, "reveal")
	mustContain(t, h.titled("Answer to #1").Post.Text,
		"The answer was A:\n```\n['email report R-1', 'email report R-2']\nR-1 freed: True | R-2 freed: True\n```")
}
