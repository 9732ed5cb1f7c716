package bot

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

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
	f := &AnswerForm{Ref: ref, Choices: q.Choices}
	switch {
	case q.FreeText():
		f.Mode = FreeText
	case q.MultiSelect():
		f.Mode = MultiChoice
	}
	return f
}

// answerLine states the right answer.
func answerLine(q *Question) string {
	switch {
	case q.FreeText():
		return "It was a design question: there is no single right answer."
	case len(q.Answer) == 0:
		return ""
	case q.MultiSelect():
		var b strings.Builder
		b.WriteString("The real problems were:")
		for _, k := range q.Answer {
			c, _ := q.Choice(k)
			fmt.Fprintf(&b, "\n• %s. %s", k, c.Text)
		}
		return b.String()
	default:
		c, _ := q.Choice(q.Answer[0])
		if strings.Contains(c.Text, "\n") {
			return fmt.Sprintf("The answer was %s:\n```\n%s\n```", c.Key, c.Text)
		}
		return fmt.Sprintf("The answer was %s: %s", c.Key, c.Text)
	}
}

// revealBody is the answer, the why and the proof: what a reveal and practice feedback share.
func revealBody(q *Question) Post {
	var b strings.Builder
	b.WriteString(answerLine(q))
	if q.FreeText() && len(q.Rubric) > 0 {
		b.WriteString("\nA strong answer mentions:")
		for _, item := range q.Rubric {
			b.WriteString("\n• " + Literal(item))
		}
	}
	if ex := strings.TrimSpace(q.Explanation); ex != "" {
		b.WriteString("\n\n" + ex)
	}
	// The proof goes inline, so the reveal reads answer, why, proof, then how the team did.
	post := Post{}
	switch {
	case q.Kind == KindDebug && q.FixedCode != "":
		b.WriteString("\n\nThe fix:\n" + fence("python", q.FixedCode))
	case q.Kind == KindConcept && q.Proof != "":
		b.WriteString("\n\nProof:\n" + fence("python", q.Proof) + "\nwhich prints:\n" + fence("", q.ProofOutput))
	}
	if q.Docs != "" {
		post.Footer = "Docs: " + q.Docs
	}
	post.Text = b.String()
	return post
}

// revealPost is the thread reply that closes a question: answer, why, spread and who got it, then
// the team's reasons. numbers holds the vote number of each explanation (by answer ID) when a vote
// opens; without one, reasons are listed unnumbered.
func revealPost(q *Question, p PostedQuestion, answers []Answer, numbers map[int64]int) Post {
	post := revealBody(q)
	post.Title = fmt.Sprintf("Answer to %s: %s", p.ShortRef(), q.Title)
	var b strings.Builder
	b.WriteString(post.Text)
	b.WriteString("\n\n")
	if len(answers) == 0 {
		b.WriteString("Nobody answered this one.")
	} else if q.FreeText() {
		fmt.Fprintf(&b, "The team's answers (+%d each, plus streak bonus):", DesignPoints)
		for _, a := range answers {
			// In full: answers are capped when recorded, and the adapters split a reveal too big
			// for one message.
			fmt.Fprintf(&b, "\n%s%s: %s", bullet(numbers, a.ID), UserText(a.User.Name), UserText(strings.TrimSpace(a.Text)))
		}
	} else {
		b.WriteString(spreadLine(q, answers))
		if line := commonMistakeLine(q, answers); line != "" {
			b.WriteString("\n" + line)
		}
		b.WriteString("\n" + winnersLine(answers))
		b.WriteString(reasonsBlock(answers, numbers))
	}
	post.Text = b.String()
	return post
}

// pickCounts is how many answers picked each choice key.
func pickCounts(answers []Answer) map[string]int {
	counts := map[string]int{}
	for _, a := range answers {
		for _, k := range a.Keys {
			counts[k]++
		}
	}
	return counts
}

func spreadLine(q *Question, answers []Answer) string {
	counts := pickCounts(answers)
	parts := make([]string, len(q.Choices))
	for i, c := range q.Choices {
		parts[i] = fmt.Sprintf("%s %d", c.Key, counts[c.Key])
	}
	return fmt.Sprintf("How the %d answers spread: %s", len(answers), strings.Join(parts, " · "))
}

// commonMistakeLine names the wrong choice most players picked and the misconception behind it, so
// the team learns from the mistake it shared rather than only seeing the spread. Ties go to the
// earlier letter; a choice nobody picked is never named.
func commonMistakeLine(q *Question, answers []Answer) string {
	counts := pickCounts(answers)
	var worst Choice
	most := 0
	for _, c := range q.Choices {
		if slices.Contains(q.Answer, c.Key) || counts[c.Key] <= most {
			continue
		}
		worst, most = c, counts[c.Key]
	}
	if most == 0 {
		return ""
	}
	line := fmt.Sprintf("Most picked wrong choice: %s (%d of %d)", worst.Key, most, len(answers))
	if why := strings.TrimSpace(worst.Why); why != "" {
		line += ": " + why
	}
	return line
}

// whyNotLines tells a player why each wrong choice they picked fails, from the choice's `why`.
func whyNotLines(q *Question, keys []string) string {
	var b strings.Builder
	for _, k := range keys {
		c, ok := q.Choice(k)
		if !ok || slices.Contains(q.Answer, k) || strings.TrimSpace(c.Why) == "" {
			continue
		}
		fmt.Fprintf(&b, "You picked %s: %s\n", k, strings.TrimSpace(c.Why))
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func winnersLine(answers []Answer) string {
	var right, partial []string
	for _, a := range answers {
		switch {
		case a.Correct:
			right = append(right, fmt.Sprintf("%s +%d", UserText(a.User.Name), a.Points))
		case a.Points > 0:
			partial = append(partial, fmt.Sprintf("%s +%d", UserText(a.User.Name), a.Points))
		}
	}
	line := "Nobody got it this time."
	if len(right) > 0 {
		line = "Got it: " + strings.Join(right, ", ")
	}
	if len(partial) > 0 {
		line += "\nPartly right: " + strings.Join(partial, ", ")
	}
	return line
}

func fence(lang, code string) string {
	return "```" + lang + "\n" + strings.Trim(code, "\n") + "\n```"
}

func truncate(s string, n int) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n-1]) + "…"
}

func sortStrings(s []string) { sort.Strings(s) }

// reasonsBlock lists the reasons shared with choice answers, with their authors and choices.
func reasonsBlock(answers []Answer, numbers map[int64]int) string {
	var b strings.Builder
	for _, a := range answers {
		if a.Reason == "" {
			continue
		}
		if b.Len() == 0 {
			b.WriteString("\n\nWhy they chose it:")
		}
		fmt.Fprintf(&b, "\n%s%s (%s): %s", bullet(numbers, a.ID), UserText(a.User.Name), strings.Join(a.Keys, ","), UserText(a.Reason))
	}
	return b.String()
}

// bullet starts one explanation's line: its vote number, or a plain bullet without a vote.
func bullet(numbers map[int64]int, answerID int64) string {
	if n, ok := numbers[answerID]; ok {
		return fmt.Sprintf("%d. ", n)
	}
	return "• "
}
