package slack

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/pyqbot/pyqbot/bot"
)

// Block Kit limits (api.slack.com/reference/block-kit): what the renderer keeps within.
const (
	maxHeader      = 150  // header block text
	maxSection     = 3000 // section text
	maxButtonText  = 75   // button and option text
	maxActions     = 25   // elements in one actions block
	maxCheckboxes  = 10   // options in one checkbox group
	maxFallback    = 3000 // the message's `text`, shown in notifications
	codeFenceSlack = 8    // room for the ``` fences and newlines around a code chunk
)

// Action ids. A press of the button with action id actionAnswer+KEY carries the command it stands
// for in its value; the others carry the question's ref.
const (
	actionAnswer = "pyq_answer_" // + choice key: single-choice buttons
	actionPick   = "pyq_pick_"   // + group index: review checkboxes (state only, no command)
	actionSubmit = "pyq_submit"  // review: submit the ticked boxes
	actionWrite  = "pyq_write"   // design: open the answer modal
	blockReview  = "pyq_review"
)

// Blocks renders a post as Block Kit. Every piece of text in mrkdwn is escaped, so no text can
// mention anyone; plain_text fields are never parsed for mentions.
func Blocks(p bot.Post) []slack.Block {
	var blocks []slack.Block
	if p.Title != "" {
		title := p.Title
		if p.Closed {
			title += " (closed)"
		}
		blocks = append(blocks, slack.NewHeaderBlock(plain(truncate(title, maxHeader))))
	}
	for _, c := range chunks(escape(bareFences(p.Text)), maxSection) {
		blocks = append(blocks, section(c))
	}
	blocks = append(blocks, codeSections(p.Code)...)
	if f := p.Answer; f != nil && !p.Closed {
		blocks = append(blocks, answerBlocks(*f)...)
	}
	if f := p.Vote; f != nil && !p.Closed {
		blocks = append(blocks, voteBlocks(*f)...)
	}
	if f := p.Rubric; f != nil {
		blocks = append(blocks, rubricBlocks(*f)...)
	}
	if p.Table != nil {
		blocks = append(blocks, codeSections(strings.TrimRight(bot.TableText(p.Table), "\n"))...)
	}
	switch {
	case p.Closed && p.Vote != nil:
		blocks = append(blocks, slack.NewContextBlock("", mrkdwn(":lock: Voting closed: votes no longer count.")))
	case p.Closed:
		blocks = append(blocks, slack.NewContextBlock("", mrkdwn(":lock: Closed: answers no longer count. The answer is in the thread.")))
	}
	if p.Footer != "" {
		blocks = append(blocks, slack.NewContextBlock("", mrkdwn(escapeTruncate(p.Footer, maxSection))))
	}
	return blocks
}

// FallbackText is the message's `text`: what notifications and screen readers show.
func FallbackText(p bot.Post) string {
	return escapeTruncate(strings.TrimSpace(bareFences(bot.PlainText(p))), maxFallback)
}

// langTag matches a code fence that opens with a language tag (```python) at the start of a line.
var langTag = regexp.MustCompile("(?m)^```[A-Za-z0-9_+#.-]+[ \t]*$")

// bareFences drops the language tag from every code fence: Slack's mrkdwn has none, and would show
// the word `python` as the first line of the code (integrations/slack#502). The core keeps the tag
// because Discord highlights with it.
func bareFences(s string) string {
	if !strings.Contains(s, "```") {
		return s // most replies have no code: skip the regexp's scan (it showed in answer profiles)
	}
	return langTag.ReplaceAllString(s, "```")
}

func plain(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
}
func mrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}
func section(s string) *slack.SectionBlock { return slack.NewSectionBlock(mrkdwn(s), nil, nil) }

// codeSections shows text as one or more code blocks (escaped: Slack parses mrkdwn control
// characters inside code blocks too).
func codeSections(code string) []slack.Block {
	if strings.TrimSpace(code) == "" {
		return nil
	}
	var out []slack.Block
	for _, c := range chunks(escape(code), maxSection-codeFenceSlack) {
		out = append(out, section("```\n"+c+"\n```"))
	}
	return out
}

// answerBlocks lists the choices and the way to answer: a button per choice, checkboxes and a
// Submit button, or a button that opens a text box.
func answerBlocks(f bot.AnswerForm) []slack.Block {
	var out []slack.Block
	if len(f.Choices) > 0 {
		var b strings.Builder
		for i, c := range f.Choices {
			if i > 0 {
				b.WriteString("\n")
			}
			b.WriteString("*" + escape(c.Key) + ".*")
			if strings.Contains(c.Text, "\n") {
				b.WriteString("\n```\n" + escape(c.Text) + "\n```")
			} else {
				b.WriteString(" " + escape(c.Text))
			}
		}
		for _, c := range chunks(b.String(), maxSection) {
			out = append(out, section(c))
		}
	}
	switch f.Mode {
	case bot.SingleChoice:
		var buttons []slack.BlockElement
		for _, c := range f.Choices {
			buttons = append(buttons, slack.NewButtonBlockElement(actionAnswer+c.Key, f.Command(c.Key), plain(truncate(c.Key, maxButtonText))))
		}
		for i := 0; i < len(buttons); i += maxActions {
			out = append(out, slack.NewActionBlock("pyq_answer_"+strconv.Itoa(i/maxActions), buttons[i:min(i+maxActions, len(buttons))]...))
		}
		if b := reasonButton(f); b != nil {
			out = append(out, b)
		}
	case bot.MultiChoice:
		var elems []slack.BlockElement
		for g := 0; g*maxCheckboxes < len(f.Choices); g++ {
			var opts []*slack.OptionBlockObject
			for _, c := range f.Choices[g*maxCheckboxes : min((g+1)*maxCheckboxes, len(f.Choices))] {
				opts = append(opts, slack.NewOptionBlockObject(c.Key, plain(truncate(c.Key+". "+firstLine(c.Text), maxButtonText)), nil))
			}
			elems = append(elems, slack.NewCheckboxGroupsBlockElement(actionPick+strconv.Itoa(g), opts...))
		}
		submit := slack.NewButtonBlockElement(actionSubmit, f.Ref, plain("Submit"))
		submit.Style = slack.StylePrimary
		out = append(out, slack.NewActionBlock(blockReview, append(elems, submit)...))
		if b := reasonButton(f); b != nil {
			out = append(out, b)
		}
	case bot.FreeText:
		write := slack.NewButtonBlockElement(actionWrite, f.Ref, plain("Answer"))
		write.Style = slack.StylePrimary
		out = append(out, slack.NewActionBlock("pyq_write", write),
			slack.NewContextBlock("", mrkdwn(escape("Or type /pyq "+f.Command("your answer")))))
	}
	return out
}

func firstLine(s string) string {
	line, rest, _ := strings.Cut(s, "\n")
	if rest != "" {
		line += " …"
	}
	return line
}

var _ bot.ProgressMarker = (*Adapter)(nil)

// ProgressMarks draws `/pyq me`'s grid with emoji squares: Slack shows them at one width, in
// messages and on the Home tab alike.
func (a *Adapter) ProgressMarks() bot.Marks { return bot.EmojiMarks }
