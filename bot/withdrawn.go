package bot

import (
	"fmt"
	"strings"
)

// A question can leave the bank while it is open: an admin excludes it after reports
// (`[content] exclude`) and restarts. Its answers can then be judged against nothing, so they are
// not judged at all: neither right nor wrong (stored like a design answer's, correct NULL, so they
// stay out of accuracy), and worth no points. Answering it still counts as showing up that day for
// the streak, as every answer does (streak.go). The reveal and the closed question say so, from
// what the post row kept (its number, topic and id), as the question's own text is gone.

// withdrawnGrade is the grade of every answer to a question withdrawn from the bank.
var withdrawnGrade = Grade{Unjudged: true}

// withdrawnNote explains a withdrawn question's answers in its reveal and closed post.
const withdrawnNote = "It was withdrawn from the question bank after it was posted, so its answers are not scored: no points, and they count neither as right nor as wrong."

// withdrawnRevealPost is the reveal of a question withdrawn from the bank: no answer to state, no
// spread or winners to compute, and no vote (the explanations were of a question nobody can check).
func withdrawnRevealPost(p PostedQuestion, answers []Answer) Post {
	var b strings.Builder
	b.WriteString(withdrawnNote)
	switch n := len(answers); n {
	case 0:
		b.WriteString("\n\nNobody answered this one.")
	default:
		fmt.Fprintf(&b, "\n\n%d answer%s recorded; answering still counts for your streak.", n, plural(n))
	}
	return Post{Title: fmt.Sprintf("Answer to %s: withdrawn from the bank", p.ShortRef()), Text: b.String(),
		Footer: withdrawnFooter(p, "withdrawn, not scored")}
}

// withdrawnClosedPost replaces a withdrawn question once it is revealed: its text is gone from the
// bank, so the post says why instead of showing an empty question.
func withdrawnClosedPost(p PostedQuestion) Post {
	return Post{Title: "Question withdrawn from the bank", Text: withdrawnNote, Closed: true,
		Footer: withdrawnFooter(p, "closed: see the thread")}
}

// withdrawnFooter is "#12 · closures · closed: see the thread · id out-one", leaving out what the
// post row does not have (a post stored before topics were kept has none).
func withdrawnFooter(p PostedQuestion, state string) string {
	parts := []string{p.ShortRef()}
	if p.Topic != "" {
		parts = append(parts, p.Topic)
	}
	parts = append(parts, state)
	if p.QuestionID != "" {
		parts = append(parts, "id "+p.QuestionID)
	}
	return strings.Join(parts, " · ")
}
