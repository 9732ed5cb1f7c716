package bot

import (
	"fmt"
	"strings"
	"time"
)

// How a question looks: the team question (open and closed) and the private practice question.

// questionPost is a team question as posted in a channel, with how many have answered so far.
func questionPost(q *Question, p PostedQuestion, now time.Time, loc *time.Location, answered int) Post {
	post := questionBody(q)
	post.Answer = answerForm(q, p.ShortRef())
	post.Answer.Reasons = !q.FreeText() // a design answer is its own explanation
	post.Footer = fmt.Sprintf("%s · %s · %s · %s · %d answered · revealed %s · id %s",
		p.ShortRef(), q.Topic, q.Kind, q.Difficulty, answered, whenRevealed(p.RevealAt, now, loc), q.ID)
	return post
}

// closedQuestionPost replaces a question once it is revealed: no way to answer, pointing to the thread.
func closedQuestionPost(q *Question, p PostedQuestion) Post {
	post := questionBody(q)
	post.Closed = true
	post.Footer = fmt.Sprintf("%s · %s · closed: the answer is in the thread · id %s", p.ShortRef(), q.Topic, q.ID)
	return post
}

func questionBody(q *Question) Post {
	text := q.Prompt
	if q.Kind == KindDebug && q.Symptom != "" {
		text += "\n\nWhat the user sees:\n```\n" + strings.TrimRight(q.Symptom, "\n") + "\n```"
	}
	return Post{Title: q.Title, Text: text, Code: strings.Trim(q.Code, "\n")}
}

func answerForm(q *Question, ref string) *AnswerForm {
	f := &AnswerForm{Ref: ref, Choices: make([]Choice, len(q.Choices))}
	for i, c := range q.Choices {
		c.Text = choiceText(c.Text)
		f.Choices[i] = c
	}
	switch {
	case q.FreeText():
		f.Mode = FreeText
	case q.MultiSelect():
		f.Mode = MultiChoice
	}
	return f
}

// practicePost is a private practice question (a review too: title says which), answered by ref ("p7").
func practicePost(q *Question, ref, title, note string) Post {
	post := questionBody(q)
	post.Title = title
	post.Text = withNote(note, post.Text)
	post.Answer = answerForm(q, ref)
	post.Footer = fmt.Sprintf("%s · %s · %s · %s · practice: only you see this, and it is not on the leaderboard",
		ref, q.Topic, q.Kind, q.Difficulty)
	return post
}

// reviewTitle heads a review: the question the user missed, and when.
func reviewTitle(missedAt time.Time, loc *time.Location) string {
	return "Review: you missed this on " + missedAt.In(loc).Format("Mon 2 Jan")
}

// choiceText is a choice's text as every adapter shows it: without the blank lines a multi-line
// choice starts or ends with (a TOML multi-line string ends with a newline, and may hold a blank line
// more), which showed as an empty first line and a whitespace-only last one in the terminal and
// inside Slack's and Discord's code blocks. The lines between, and their indentation, are kept.
func choiceText(s string) string {
	lines := strings.Split(s, "\n")
	for len(lines) > 1 && strings.TrimSpace(lines[0]) == "" {
		lines = lines[1:]
	}
	for len(lines) > 1 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	return strings.Join(lines, "\n")
}
