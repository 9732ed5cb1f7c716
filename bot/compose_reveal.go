package bot

import (
	"fmt"
	"slices"
	"strings"
)

// How an answer is shown: the reveal in the question's thread, a practice answer's feedback, and the
// answer line a late answer is told.

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
			fmt.Fprintf(&b, "\n• %s. %s", k, choiceText(c.Text))
		}
		return b.String()
	default:
		c, _ := q.Choice(q.Answer[0])
		text := choiceText(c.Text)
		if strings.Contains(text, "\n") {
			return fmt.Sprintf("The answer was %s:\n```\n%s\n```", c.Key, text)
		}
		return fmt.Sprintf("The answer was %s: %s", c.Key, text)
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
	if len(answers) == 1 {
		return "How the 1 answer fell: " + strings.Join(parts, " · ")
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

func closedText(q *Question, p PostedQuestion) string {
	return fmt.Sprintf("Question %s is closed, so answers no longer count. %s", p.ShortRef(), answerLine(q))
}

func describeAnswer(a Answer) string {
	if len(a.Keys) == 0 {
		return fmt.Sprintf("%q", truncate(a.Text, 60))
	}
	return strings.Join(a.Keys, ",")
}

// practiceFeedbackPost is the private reply to a practice answer: the verdict, why each wrong pick
// fails, then what a reveal shows.
func practiceFeedbackPost(q *Question, ref string, keys []string, g Grade) Post {
	post := revealBody(q)
	verdict := "Not quite."
	switch {
	case q.FreeText():
		verdict = "Thanks: compare your answer with the rubric."
	case g.Correct:
		verdict = "Right!"
	case g.Points > 0:
		verdict = "Partly right: you found some of the problems and picked nothing wrong."
	}
	if why := whyNotLines(q, keys); why != "" {
		post.Text = why + "\n\n" + post.Text
	}
	post.Title = fmt.Sprintf("%s %s", ref, verdict)
	post.Footer = strings.TrimSpace("Another: `/pyq practice " + q.Topic + "`. " + post.Footer)
	return post
}
