package bot

import (
	"strconv"
	"strings"
)

// Post is a platform-neutral message. Adapters render it: Block Kit, Discord embeds, plain text.
type Post struct {
	Title  string
	Text   string
	Code   string // shown as a Python code block
	Answer *AnswerForm
	Vote   *VoteForm   // the best-explanation vote in a reveal's thread
	Rubric *RubricForm // a design reveal's checklist control, or the private checklist itself
	Table  *Table
	Footer string
	Closed bool        // a question that no longer takes answers
	Thread *MessageRef // reply in the thread of this message
}

// Empty reports whether there is nothing to show.
func (p Post) Empty() bool {
	return p.Title == "" && p.Text == "" && p.Code == "" && p.Answer == nil && p.Vote == nil && p.Rubric == nil && p.Table == nil && p.Footer == ""
}

// AnswerMode is how a question is answered.
type AnswerMode int

const (
	SingleChoice AnswerMode = iota // one button per choice
	MultiChoice                    // pick several, then submit
	FreeText                       // a text box
)

// AnswerForm is what an adapter turns into buttons, checkboxes or a text box. Every way of answering
// maps back to the command `answer REF KEYS`, so a button press and a typed command are the same event.
type AnswerForm struct {
	Ref     string // "#12" for a team question, "p7" for a private practice question
	Mode    AnswerMode
	Choices []Choice
	// Reasons offers "Answer with a reason" (a form with the choices and a text box, see
	// ReasonCommand): team questions with choices, whose reasons the reveal shares.
	Reasons bool
}

// Command is the event text that answering with the given keys (or free text) stands for.
func (f AnswerForm) Command(keys ...string) string {
	sep := ""
	if f.Mode == MultiChoice {
		sep = ","
	} else if f.Mode == FreeText {
		sep = " "
	}
	return "answer " + f.Ref + " " + strings.Join(keys, sep)
}

// Table is a small grid, e.g. a leaderboard.
type Table struct {
	Columns []string
	Rows    [][]string
}

// VoteForm is the vote for the best explanation: one option per numbered explanation of the reveal.
// Every way of voting maps back to the command `vote REF N`.
type VoteForm struct {
	Ref     string // "#12"
	Options []VoteOption
}

// VoteOption is one explanation to vote for.
type VoteOption struct {
	N int
	// Label is "2 · Alice: because the default list…", at most MaxVoteLabelLen characters. It holds
	// the option's number, so a renderer shows it as it is and adds no number of its own.
	Label string
}

// MaxVoteLabelLen bounds an option's label: Slack's option text takes 75 characters, Discord's 100.
const MaxVoteLabelLen = 75

// Command is the event text that voting for explanation n stands for.
func (f VoteForm) Command(n int) string { return "vote " + f.Ref + " " + strconv.Itoa(n) }
