package bot

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// Reading answers: the choice letters (or a design answer's text) and the reason after `because`.

// parseAnswer reads the keys (or text) of an answer to q. problem says what is wrong with it.
func parseAnswer(q *Question, ref, s string) (keys []string, text string, problem string) {
	s = strings.TrimSpace(s)
	if q.FreeText() {
		switch {
		case s == "":
			return nil, "", fmt.Sprintf("%s is a design question: write your answer after the command, e.g. `/pyq answer %s I would use …`.", ref, ref)
		case utf8.RuneCountInString(s) > MaxAnswerLen: // characters, as the platforms' text boxes count
			return nil, "", fmt.Sprintf("Your answer is %d characters; keep it under %d.", utf8.RuneCountInString(s), MaxAnswerLen)
		case countWords(s) < MinDesignWords:
			return nil, "", fmt.Sprintf("%s is a design question: say what you would do and why, in at least %d words, e.g. `/pyq answer %s I would use a bounded queue because …`. Nothing was recorded.", ref, MinDesignWords, ref)
		}
		return nil, s, ""
	}
	s, _, _ = splitReason(s) // the reason is read by answerReason; the keys come before it
	valid := make([]string, len(q.Choices))
	for i, c := range q.Choices {
		valid[i] = c.Key
	}
	pickOne := fmt.Sprintf("pick one of %s", strings.Join(valid, ", "))
	tokens := strings.FieldsFunc(strings.ToUpper(s), func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == ';' })
	if q.MultiSelect() && len(tokens) == 1 && len(tokens[0]) > 1 {
		tokens = strings.Split(tokens[0], "") // "AC" means A and C
	}
	if len(tokens) == 0 {
		return nil, "", fmt.Sprintf("Say which choice for %s: %s.", ref, pickOne)
	}
	if !q.MultiSelect() && len(tokens) > 1 {
		return nil, "", fmt.Sprintf("%s takes one choice: %s, e.g. `/pyq answer %s %s`; to say why, add `because …` after it.", ref, pickOne, ref, valid[0])
	}
	seen := map[string]bool{}
	for _, t := range tokens {
		if _, ok := q.Choice(t); !ok {
			return nil, "", fmt.Sprintf("There is no choice %q in %s: %s.", t, ref, pickOne)
		}
		if !seen[t] {
			seen[t] = true
			keys = append(keys, t)
		}
	}
	sortStrings(keys)
	return keys, "", ""
}

// splitReason separates `B because the default list is created once` into the answer before the
// first whole word "because" and the reason after it. found is false when there is no "because".
func splitReason(s string) (answer, reason string, found bool) {
	lower := strings.ToLower(s)
	for from := 0; ; {
		i := strings.Index(lower[from:], reasonWord)
		if i < 0 {
			return s, "", false
		}
		i += from
		end := i + len(reasonWord)
		before := i == 0 || isReasonSpace(s[i-1])
		after := end == len(s) || isReasonSpace(s[end])
		if before && after {
			return strings.TrimSpace(s[:i]), strings.TrimSpace(s[end:]), true
		}
		from = end
	}
}

func isReasonSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == ',' || c == ':' }

// answerReason is the reason given with an answer to a question with choices, whitespace folded to
// single spaces (it is shown on one line of the reveal). A design answer is its own explanation, so
// it has none. problem explains a reason that cannot be recorded.
func answerReason(q *Question, ref, s string) (reason, problem string) {
	if q.FreeText() {
		return "", ""
	}
	_, reason, found := splitReason(strings.TrimSpace(s))
	if !found {
		return "", ""
	}
	reason = strings.Join(strings.Fields(reason), " ")
	switch n := utf8.RuneCountInString(reason); {
	case n == 0:
		return "", fmt.Sprintf("Say why after `because`, e.g. `/pyq answer %s B because the default list is created once`, or leave `because` out. Nothing was recorded.", ref)
	case n > MaxReasonLen:
		return "", fmt.Sprintf("Your reason is %d characters; keep it to %d. Nothing was recorded.", n, MaxReasonLen)
	}
	return reason, ""
}

// ReasonCommand is the command an "Answer with a reason" form stands for: the answer, then the
// reason after "because" (a reason typed starting with "because" is not doubled).
func (f AnswerForm) ReasonCommand(keys []string, reason string) string {
	reason = strings.TrimSpace(reason)
	if _, rest, ok := splitReason(reason); ok && strings.HasPrefix(strings.ToLower(reason), reasonWord) {
		reason = rest
	}
	cmd := f.Command(keys...)
	if reason == "" {
		return cmd
	}
	return cmd + " " + reasonWord + " " + reason
}

func sortStrings(s []string) { sort.Strings(s) }
