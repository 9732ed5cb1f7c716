package content

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/pyqbot/pyqbot/bot"
)

// Topics are the topic slugs the built-in bank is organised by; a team's own questions may add more.
var Topics = []string{"functions", "closures", "datamodel", "iterators", "concurrency", "exceptions",
	"performance", "security", "testing", "stdlib", "typing",
	"imports", "http", "databases", "observability", "numbers-and-time"}

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{2,63}$`)

// Lint checks the rules of FORMAT.md that need no interpreter, including ids unique across files.
func Lint(files []File) []Problem {
	var out []Problem
	seen := map[string]string{}
	type spelling struct{ topic, path string }
	topics := map[string]spelling{} // lower case → the first spelling met, and where
	for _, f := range files {
		out = append(out, lintFile(f)...)
		id := f.Question.ID
		if prev, dup := seen[id]; dup && id != "" {
			out = append(out, Problem{File: f.Path, Line: lineOf(f.Src, "id", 0),
				Msg: fmt.Sprintf("id %q is already used by %s: ids must be unique, give this question a new one", id, prev)})
		} else {
			seen[id] = f.Path
		}
		// Commands find a topic in any case (Bank.Topic), so `Django` and `django` would be one
		// topic to `/pyq practice django` and two in the bank's lists and counts.
		t := f.Question.Topic
		if first, ok := topics[strings.ToLower(t)]; !ok {
			topics[strings.ToLower(t)] = spelling{t, f.Path}
		} else if first.topic != t {
			out = append(out, Problem{File: f.Path, Line: lineOf(f.Src, "topic", 0),
				Msg: fmt.Sprintf("topic %q is %q in %s, but for the case: spell a topic the same in every file", t, first.topic, first.path)})
		}
	}
	return out
}

func lintFile(f File) []Problem {
	q := f.Question
	var out []Problem
	add := func(key string, format string, args ...any) {
		out = append(out, Problem{File: f.Path, Line: lineOf(f.Src, key, 0), Msg: fmt.Sprintf(format, args...)})
	}
	required := map[string]string{"id": q.ID, "kind": string(q.Kind), "topic": q.Topic, "difficulty": string(q.Difficulty),
		"title": q.Title, "prompt": q.Prompt, "explanation": q.Explanation, "docs": q.Docs}
	for _, key := range []string{"id", "kind", "topic", "difficulty", "title", "prompt", "explanation", "docs"} {
		if strings.TrimSpace(required[key]) == "" {
			out = append(out, Problem{File: f.Path, Line: 1, Msg: fmt.Sprintf("missing %q: every question needs it (see content/FORMAT.md)", key)})
		}
	}
	if q.ID != "" {
		if !idPattern.MatchString(q.ID) {
			add("id", "id %q must be 3-64 characters of a-z, 0-9 and '-'", q.ID)
		}
		if base := strings.TrimSuffix(path.Base(f.Path), ".toml"); base != q.ID {
			add("id", "id %q does not match the file name %s.toml: rename the file or fix the id", q.ID, base)
		}
	}
	if q.Topic != "" {
		if dir := path.Base(path.Dir(f.Path)); dir != q.Topic && builtinFile(f) {
			add("topic", "topic %q does not match the folder %q: move the file or fix the topic", q.Topic, dir)
		}
		if builtinFile(f) && !slices.Contains(Topics, q.Topic) {
			add("topic", "topic %q is not a topic of the built-in bank (%s): use one of them or add it to content.Topics and FORMAT.md",
				q.Topic, strings.Join(Topics, ", "))
		}
		// A team's topic `design` made `/pyq practice design` (Discord's kind option) serve the
		// topic, and topic design with kind design was refused as too many words.
		if clash := bot.TopicClash(q.Topic); clash != "" {
			add("topic", "topic %q is spelled like %s, so the two could not be told apart: rename the topic, e.g. to %q (a topic may not be %s)",
				q.Topic, clash, strings.ToLower(q.Topic)+"-questions", strings.Join(bot.TopicClashes(), ", "))
		}
	}
	if q.Kind != "" && !slices.Contains(bot.Kinds, q.Kind) {
		add("kind", "kind %q is not one of output, debug, review, concept, design", q.Kind)
	}
	if q.Difficulty != "" && !slices.Contains(bot.Difficulties, q.Difficulty) {
		add("difficulty", "difficulty %q is not one of warmup, intermediate, senior", q.Difficulty)
	}
	if len(q.Title) > 80 {
		add("title", "title is %d characters: keep it to 80", len(q.Title))
	}
	if t := strings.TrimSpace(q.Title); strings.HasSuffix(t, ".") && !strings.HasSuffix(t, "...") {
		add("title", "title ends with a period: remove it (titles are headings)")
	}
	if q.Docs != "" && !strings.HasPrefix(q.Docs, "https://docs.python.org/3/") {
		add("docs", "docs must link to https://docs.python.org/3/…")
	}
	if q.Kind != bot.KindDesign && strings.TrimSpace(q.Code) == "" {
		add("code", "missing code: %s question shows a snippet", withArticle(string(q.Kind)))
	}
	if n := strings.Count(strings.Trim(q.Code, "\n"), "\n") + 1; q.Code != "" && n > 40 {
		add("code", "code is %d lines: keep it to 40 so it reads in a chat message", n)
	}
	switch q.Kind {
	case bot.KindDesign:
		if len(q.Choices) > 0 || len(q.Answer) > 0 {
			add("answer", "design questions have no choices and no answer: use a rubric")
		}
		if len(q.Rubric) < 4 || len(q.Rubric) > 8 {
			add("rubric", "rubric has %d points: give 4 to 8 things a strong answer mentions", len(q.Rubric))
		}
	case bot.KindOutput, bot.KindDebug, bot.KindReview, bot.KindConcept:
		out = append(out, lintChoices(f)...)
	}
	switch q.Kind {
	case bot.KindDebug:
		for key, v := range map[string]string{"symptom": q.Symptom, "fixed_code": q.FixedCode, "check": q.Check} {
			if strings.TrimSpace(v) == "" {
				out = append(out, Problem{File: f.Path, Line: 1, Msg: fmt.Sprintf("debug question is missing %q", key)})
			}
		}
	case bot.KindConcept:
		if strings.TrimSpace(q.Proof) == "" {
			out = append(out, Problem{File: f.Path, Line: 1, Msg: "concept question is missing \"proof\": a snippet that demonstrates the keyed statement"})
		}
		if strings.TrimSpace(q.ProofOutput) == "" {
			out = append(out, Problem{File: f.Path, Line: 1, Msg: "concept question is missing \"proof_output\": what the proof prints"})
		}
	}
	if q.Kind == bot.KindDebug && len(q.Hints) > 0 && (len(q.Hints) < 2 || len(q.Hints) > 3) {
		add("hints", "debug questions have 2 or 3 hints (vaguest first), not %d", len(q.Hints))
	}
	if q.Kind != bot.KindDebug && len(q.Hints) > 0 {
		add("hints", "only debug questions have hints")
	}
	if q.Kind != bot.KindDesign && len(q.Rubric) > 0 {
		add("rubric", "only design questions have a rubric")
	}
	out = append(out, lintVersions(f)...)
	if q.Kind == bot.KindDebug {
		out = append(out, lintTraceback(f)...)
	}
	return out
}

// withArticle puts "a" or "an" before a word: "an output question", "a debug question".
func withArticle(word string) string {
	if word != "" && strings.ContainsRune("aeiou", rune(word[0])) {
		return "an " + word
	}
	return "a " + word
}

// builtinFile reports whether f belongs to the built-in bank (as opposed to a team's directory).
func builtinFile(f File) bool { return strings.HasPrefix(f.Path, BuiltinRoot+"/") }

func lintChoices(f File) []Problem {
	q := f.Question
	var out []Problem
	ix := indexChoices(f.Src)
	choiceLine := ix.keyLine
	if len(q.Choices) < 2 || len(q.Choices) > 6 {
		out = append(out, Problem{File: f.Path, Line: choiceLine(0), Msg: fmt.Sprintf("%d choices: give 2 to 6", len(q.Choices))})
	}
	texts := map[string]string{} // normalised text → key of the choice that has it
	for i, c := range q.Choices {
		want := string(rune('A' + i))
		if c.Key != want {
			out = append(out, Problem{File: f.Path, Line: choiceLine(i), Msg: fmt.Sprintf("choice %d has key %q: keys go A, B, C… in order, so this one is %q", i+1, c.Key, want)})
		}
		// Compared as shown: a choice's blank lines at either end are not drawn (bot's choiceText),
		// so "\n1" and "1" would look the same to a player.
		norm := strings.TrimLeft(Normalize(c.Text), "\n")
		switch {
		case norm == "":
			out = append(out, Problem{File: f.Path, Line: choiceLine(i), Msg: fmt.Sprintf("choice %s has no text", c.Key)})
		case texts[norm] != "":
			out = append(out, Problem{File: f.Path, Line: choiceLine(i), Msg: fmt.Sprintf("choice %s repeats the text of choice %s (as shown, without blank lines at either end): make every choice different", c.Key, texts[norm])})
		case len(c.Text) > 300:
			out = append(out, Problem{File: f.Path, Line: choiceLine(i), Msg: fmt.Sprintf("choice %s is %d characters: keep it to 300", c.Key, len(c.Text))})
		}
		if texts[norm] == "" {
			texts[norm] = c.Key
		}
	}
	out = append(out, lintWhy(f, ix)...)
	answerLine := lineOf(f.Src, "answer", 0)
	if answerLine == 0 {
		answerLine = 1
	}
	keys := map[string]bool{}
	for _, k := range q.Answer {
		if _, ok := q.Choice(k); !ok {
			out = append(out, Problem{File: f.Path, Line: answerLine, Msg: fmt.Sprintf("answer %q is not among the choices", k)})
		}
		if keys[k] {
			out = append(out, Problem{File: f.Path, Line: answerLine, Msg: fmt.Sprintf("answer lists %q twice", k)})
		}
		keys[k] = true
	}
	switch {
	case q.Kind == bot.KindReview && len(q.Answer) < 2:
		out = append(out, Problem{File: f.Path, Line: answerLine, Msg: "a review question keys at least two real problems"})
	case q.Kind == bot.KindReview && len(q.Answer) >= len(q.Choices):
		out = append(out, Problem{File: f.Path, Line: answerLine, Msg: "a review question needs at least one plausible finding that is not a problem"})
	case q.Kind != bot.KindReview && len(q.Answer) != 1:
		out = append(out, Problem{File: f.Path, Line: answerLine, Msg: fmt.Sprintf("%s question keys exactly one choice, not %d", withArticle(string(q.Kind)), len(q.Answer))})
	}
	return out
}

// Normalize makes program output and choice texts comparable: trailing spaces go from every line and
// trailing blank lines from the end.
func Normalize(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	return strings.TrimRight(strings.Join(lines, "\n"), "\n")
}
