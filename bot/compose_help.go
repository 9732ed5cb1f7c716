package bot

import (
	"fmt"
	"strings"
)

// How help looks: the command list, one command's help and `/pyq topics`.

func helpText() string {
	var b strings.Builder
	b.WriteString("pyqbot drills practical Python: predict output, debug, review, explain trade-offs.\n")
	for _, c := range commands {
		fmt.Fprintf(&b, "`/pyq %s` — %s\n", c.Usage, c.Summary)
	}
	b.WriteString("`/pyq help COMMAND` explains one command; `/pyq help scoring` the points; `/pyq help debug` debugging challenges.")
	return b.String()
}

func unknownCommandText(word string) string {
	return fmt.Sprintf("I don't know `/pyq %s`. %s\n\n%s", word, suggestion(word, commandNames()), helpText())
}

// commandHelp is the full help of one command: usage, summary, arguments and examples.
func commandHelp(c CommandSpec) string {
	var b strings.Builder
	fmt.Fprintf(&b, "`/pyq %s` — %s", c.Usage, c.Summary)
	if c.Help != "" {
		b.WriteString("\n" + c.Help)
	}
	if len(c.Examples) > 0 {
		b.WriteString("\nExamples: ")
		for i, ex := range c.Examples {
			if i > 0 {
				b.WriteString(" · ")
			}
			b.WriteString("`" + ex + "`")
		}
	}
	return b.String()
}

// topicsPost is `/pyq topics`: each topic of the bank with how many questions it has.
func topicsPost(topics []TopicCount) Post {
	var rows [][]string
	for _, tc := range topics {
		rows = append(rows, []string{tc.Topic, fmt.Sprint(tc.Count)})
	}
	return Post{
		Title:  "Topics",
		Table:  &Table{Columns: []string{"Topic", "Questions"}, Rows: rows},
		Footer: "Practise one with `/pyq practice TOPIC [warmup|intermediate|senior]`.",
	}
}

// commandsPost is `/pyq help`: every command in one line.
func commandsPost() Post { return Post{Title: "pyqbot commands", Text: helpText()} }

// helpPost is `/pyq help TOPIC`: the scoring rules, debugging challenges or one command; ok is
// false when there is no help on topic.
func helpPost(topic string) (Post, bool) {
	switch topic {
	case "scoring":
		return Post{Title: "Scoring", Text: ScoringHelp}, true
	case "debug":
		return Post{Title: "Debugging challenges", Text: DebugHelp}, true
	}
	if c, ok := commandByName(topic); ok {
		return Post{Title: "/pyq " + c.Name, Text: commandHelp(c.CommandSpec)}, true
	}
	return Post{}, false
}
