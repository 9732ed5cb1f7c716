package bot

import (
	"context"
	"fmt"
	"strings"
	"unicode"
)

// MinDesignWords is how many words a design answer needs to earn its participation points: a
// trade-off cannot be argued in fewer, and "🐍🐍🐍" is not an answer.
const MinDesignWords = 3

// countWords counts words that hold a letter or a digit.
func countWords(s string) int {
	n := 0
	for _, w := range strings.Fields(s) {
		if strings.IndexFunc(w, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0 {
			n++
		}
	}
	return n
}

// bareAnswerTarget is the question an answer without `#N` is for. With one question open it is that
// one. With several (Wednesday's daily question and debugging challenge), guessing would lock an
// answer on the wrong question, so it is the one the answer fits (a letter only one of them has, or
// free text only a design question takes), else none, and the reply lists them.
func (e *Engine) bareAnswerTarget(ctx context.Context, r request, answer string) (PostedQuestion, string, error) {
	open, err := e.store.OpenPosts(ctx, r.ch.ID)
	if err != nil || len(open) == 0 {
		if err == nil {
			return e.targetPost(ctx, r, "")
		}
		return PostedQuestion{}, "", err
	}
	if len(open) == 1 {
		return open[0], "", nil
	}
	var fits []PostedQuestion
	for _, p := range open {
		if q := e.bank.Get(p.QuestionID); q != nil {
			if _, _, problem := parseAnswer(q, p.ShortRef(), answer); problem == "" {
				fits = append(fits, p)
			}
		}
	}
	if len(fits) == 1 {
		return fits[0], "", nil
	}
	example := strings.TrimSpace(answer)
	if example == "" || len(example) > 12 {
		example = "B"
	}
	return PostedQuestion{}, fmt.Sprintf("%d questions are open here, so say which one you are answering (nothing was recorded):\n%s\nFor example `/pyq answer %s %s`.",
		len(open), e.openLines(ctx, r.ch, open), open[0].ShortRef(), example), nil
}

// openList is `/pyq today`'s reply when questions are open: every one of them, not just the newest.
func (e *Engine) openList(ctx context.Context, ch Channel, open []PostedQuestion) string {
	if len(open) == 1 {
		p := open[0]
		return fmt.Sprintf("Question %s is still open in this channel: answer it with `/pyq answer %s CHOICE`. It is revealed %s.",
			p.ShortRef(), p.ShortRef(), e.revealPhrase(ctx, ch, p))
	}
	return fmt.Sprintf("%d questions are open in this channel:\n%s\nAnswer one with `/pyq answer #N CHOICE`.", len(open), e.openLines(ctx, ch, open))
}

func (e *Engine) openLines(ctx context.Context, ch Channel, open []PostedQuestion) string {
	lines := make([]string, 0, len(open))
	for _, p := range open {
		what, title := "question", p.QuestionID
		if q := e.bank.Get(p.QuestionID); q != nil {
			title = q.Title
			if q.Kind == KindDebug {
				what = "debugging challenge"
			} else {
				what = string(q.Kind) + " question"
			}
		}
		lines = append(lines, fmt.Sprintf("• %s — %s: %s (revealed %s)", p.ShortRef(), what, title, e.revealPhrase(ctx, ch, p)))
	}
	return strings.Join(lines, "\n")
}
