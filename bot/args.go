package bot

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Argument parsing (args*.go): every command's words are read here, into values the commands act
// on. Where the vocabulary (vocabulary.go) lists an argument's allowed values, the parser accepts
// those and the reply to a mistyped one suggests from them, so a value added there is accepted
// here. A parser says whether the words were good; the command says what to do about bad ones,
// since the same mistake deserves different advice in different commands. args_answer.go reads
// answers and their reasons, args_schedule.go `/pyq schedule`'s words and args_practice.go
// `/pyq practice`'s.

// commandLine splits command text into its word (lower case; "help" when there is none), the words
// after it, and the text after it with its spacing kept (a design answer's lines).
func commandLine(text string) (word string, args []string, rest string) {
	word, rest = splitWord(text)
	word = strings.ToLower(word)
	if word == "" {
		word = "help"
	}
	return word, strings.Fields(rest), strings.TrimSpace(rest)
}

// splitWord splits off s's first word, at the first space, tab or newline.
func splitWord(s string) (word, rest string) {
	s = strings.TrimSpace(s)
	i := strings.IndexAny(s, " \t\n")
	if i < 0 {
		return s, ""
	}
	return s[:i], s[i+1:]
}

// argValues is the allowed values the vocabulary gives the argument arg of command: the one list
// the parsers accept and the replies suggest from.
func argValues(command, arg string) []string {
	for _, c := range vocabulary {
		if c.Name != command {
			continue
		}
		for _, a := range c.Args {
			if a.Name == arg {
				return a.Values
			}
		}
	}
	panic("bot: the vocabulary has no argument " + arg + " of " + command) // a programming error, caught by every test
}

// numberRef parses a number as people copy it from a post: "#12" or "12". ok is false for anything
// else, zero and negatives included.
func numberRef(s string) (id int64, ok bool) {
	id, err := strconv.ParseInt(strings.TrimPrefix(s, "#"), 10, 64)
	return id, err == nil && id > 0
}

// RefWord is a question reference given in a field of its own (ArgSpec.Ref) as the command's
// text takes it: "12" and "#12" are "#12", "p7" stays (whether the command takes a practice
// question is its parser's to say). Anything else is an error that says how to write one.
func RefWord(v string) (string, error) {
	v = strings.TrimSpace(v)
	if id, ok := numberRef(v); ok {
		return "#" + strconv.FormatInt(id, 10), nil
	}
	if id := practiceID(v); id > 0 {
		return "p" + strconv.FormatInt(id, 10), nil
	}
	return "", fmt.Errorf("%q is not a question: give its number as it stands on the post, e.g. #12 (a practice question as p7)", truncate(v, 40))
}

// practiceID parses a practice reference "p7"; 0 when s is not one.
func practiceID(s string) int64 {
	if len(s) < 2 || (s[0] != 'p' && s[0] != 'P') {
		return 0
	}
	id, err := strconv.ParseInt(s[1:], 10, 64)
	if err != nil || id <= 0 {
		return 0
	}
	return id
}

// leadingRef splits a leading team question "#N" off args (vote and rubric take one before their
// other words); ref is "" without one.
func leadingRef(args []string) (ref string, rest []string) {
	if len(args) > 0 && strings.HasPrefix(args[0], "#") {
		return args[0], args[1:]
	}
	return "", args
}

// leadingTarget splits a leading "#N" or practice "pN" off a command's text (answer and report take
// either): args are its words, text the text they came from. ref is "" without one, and after is
// then text unchanged.
func leadingTarget(args []string, text string) (ref, after string) {
	if len(args) > 0 && (strings.HasPrefix(args[0], "#") || practiceID(args[0]) > 0) {
		_, after = splitWord(text)
		return args[0], after
	}
	return "", text
}

// parsePeriod reads a leaderboard period, in any case.
func parsePeriod(s string) (Period, bool) {
	p := Period(strings.ToLower(s))
	return p, slices.Contains(Periods, p)
}

// isDifficulty reports whether s is one of Difficulties.
func isDifficulty(s string) bool {
	for _, d := range Difficulties {
		if string(d) == s {
			return true
		}
	}
	return false
}

// isKind reports whether s is one of Kinds.
func isKind(s string) bool {
	for _, k := range Kinds {
		if string(k) == s {
			return true
		}
	}
	return false
}

// topicNames lists the bank's topics, the words practice and filter accept as one.
func topicNames(b *Bank) []string {
	var out []string
	for _, t := range b.Topics() {
		out = append(out, t.Topic)
	}
	return out
}

// filterDimensions folds the other spellings `/pyq filter` accepts into the vocabulary's values.
var filterDimensions = map[string]string{"topic": "topics", "kind": "kinds", "difficulties": "difficulty"}

// filterDimension reads the setting `/pyq filter` changes: topics, kinds, difficulty or clear.
func filterDimension(word string) (string, bool) {
	w := strings.ToLower(word)
	if canon, ok := filterDimensions[w]; ok {
		w = canon
	}
	return w, slices.Contains(argValues("filter", "what"), w)
}

// splitWords accepts "a,b c" and "a, b" alike.
func splitWords(args []string) []string {
	var out []string
	for _, a := range args {
		for _, w := range strings.Split(strings.ToLower(a), ",") {
			if w = strings.TrimSpace(w); w != "" {
				out = append(out, w)
			}
		}
	}
	return out
}

// voteNumber reads the explanation number of `/pyq vote`: "2", "2." or "no.2".
func voteNumber(s string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(s, "no."), "."))
	return n, err == nil
}

// parseRubricTicks reads the item numbers after the question: none means show the checklist
// (record false); "none" records that nothing was covered. "1,3" and "1 3" both work.
func parseRubricTicks(args []string) (ticks []int, record bool, problem string) {
	if len(args) == 0 {
		return nil, false, ""
	}
	if len(args) == 1 && strings.EqualFold(args[0], "none") {
		return []int{}, true, ""
	}
	for _, arg := range args {
		for _, w := range strings.FieldsFunc(arg, func(r rune) bool { return r == ',' }) {
			n, err := strconv.Atoi(strings.TrimSuffix(w, "."))
			if err != nil && strings.EqualFold(w, "none") {
				return nil, false, "`none` stands alone (nothing covered); to record items give only their numbers."
			}
			if err != nil {
				return nil, false, fmt.Sprintf("%q is not an item number.", w)
			}
			if !slices.Contains(ticks, n) {
				ticks = append(ticks, n)
			}
		}
	}
	slices.Sort(ticks)
	return ticks, true, ""
}

// reportsAction reads `/pyq reports`'s first word: list (also without one) or clear.
func reportsAction(args []string) (action string, ok bool) {
	if len(args) == 0 {
		return "list", true
	}
	for _, v := range argValues("reports", "action") {
		if strings.EqualFold(args[0], v) {
			return v, true
		}
	}
	return "", false
}

// ParseReminderLead reads a lead as typed: minutes and hours ("30m", "2h", "1h30m"), whole minutes,
// within [MinReminderLead, MaxReminderLead]. The error is the reply to show.
func ParseReminderLead(s string) (time.Duration, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	bad := func(why string) (time.Duration, error) {
		return 0, &UserError{fmt.Sprintf("`%s` %s. %s Nothing was changed.", s, why, remindUsage)}
	}
	if s == "" || strings.ContainsAny(s, "+-") {
		return bad("is not a time before the reveal")
	}
	for _, r := range s {
		if !strings.ContainsRune("0123456789.hm", r) {
			return bad("is not a duration in minutes or hours")
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || strings.HasSuffix(s, ".") {
		return bad("is not a duration in minutes or hours")
	}
	switch {
	case d%time.Minute != 0:
		return bad("is not a whole number of minutes")
	case d < MinReminderLead:
		return bad("is too short: a reminder must leave time to answer")
	case d > MaxReminderLead:
		return bad("is too long: a reminder that early comes before the question is posted")
	}
	return d, nil
}
