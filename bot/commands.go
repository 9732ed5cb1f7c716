package bot

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

type command struct {
	name    string
	usage   string
	summary string
	admin   bool
	run     func(e *Engine, ctx context.Context, r request) Reply
}

// commands is the whole /pyq vocabulary, in the order help lists it.
var commands []command

func init() {
	commands = []command{
		{name: "today", usage: "today", summary: "post today's question in this channel, or point to the open one", run: (*Engine).cmdToday},
		{name: "answer", usage: "answer [#N] CHOICE", summary: "answer the open question (review: A,C; design: your text)", run: (*Engine).cmdAnswer},
		{name: "reveal", usage: "reveal [#N]", summary: "close the open question now and reveal it in its thread (admins)", admin: true, run: (*Engine).cmdReveal},
		{name: "leaderboard", usage: "leaderboard [week|month|all]", summary: "the team's ranking for the period (default week)", run: (*Engine).cmdLeaderboard},
		{name: "me", usage: "me", summary: "your points, streak, accuracy by topic and weakest topic", run: (*Engine).cmdMe},
		{name: "practice", usage: "practice [topic] [difficulty]", summary: "a private question with instant feedback; not on the leaderboard", run: (*Engine).cmdPractice},
		{name: "schedule", usage: "schedule [set|off|on|zone|skip|unskip …]", summary: "this channel's jobs and their next runs; admins change them (`/pyq schedule help`)", run: (*Engine).cmdSchedule},
		{name: "filter", usage: "filter [topics|kinds|difficulty WORDS…|clear]", summary: "which questions this channel gets (admins change it)", run: (*Engine).cmdFilter},
		{name: "topics", usage: "topics", summary: "the topics and how many questions each has", run: (*Engine).cmdTopics},
		{name: "help", usage: "help [scoring|COMMAND]", summary: "this list, the scoring rules, or one command", run: (*Engine).cmdHelp},
	}
}

func commandByName(name string) (command, bool) {
	for _, c := range commands {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

func helpText() string {
	var b strings.Builder
	b.WriteString("pyqbot drills practical Python: predict output, debug, review, explain trade-offs.\n")
	for _, c := range commands {
		fmt.Fprintf(&b, "`/pyq %s` — %s\n", c.usage, c.summary)
	}
	b.WriteString("`/pyq help scoring` explains the points.")
	return b.String()
}

func (e *Engine) cmdHelp(_ context.Context, r request) Reply {
	if len(r.args) == 0 {
		return Reply{Private: true, Post: Post{Title: "pyqbot commands", Text: helpText()}}
	}
	topic := strings.ToLower(r.args[0])
	if topic == "scoring" {
		return Reply{Private: true, Post: Post{Title: "Scoring", Text: ScoringHelp}}
	}
	if c, ok := commandByName(topic); ok {
		return privateText(fmt.Sprintf("`/pyq %s` — %s", c.usage, c.summary))
	}
	return privateText(fmt.Sprintf("There is no help on %q. %s", topic, suggestion(topic, append(commandNames(), "scoring"))))
}

func commandNames() []string {
	names := make([]string, len(commands))
	for i, c := range commands {
		names[i] = c.name
	}
	return names
}

func unknownCommandText(word string) string {
	return fmt.Sprintf("I don't know `/pyq %s`. %s\n\n%s", word, suggestion(word, commandNames()), helpText())
}

// suggestion proposes the closest known word, if one is close enough to be a typo.
func suggestion(word string, known []string) string {
	best, bestDist := "", 1<<30
	for _, k := range known {
		d := editDistance(strings.ToLower(word), k)
		if strings.HasPrefix(k, strings.ToLower(word)) && len(word) >= 2 {
			d = 1
		}
		if d < bestDist {
			best, bestDist = k, d
		}
	}
	if best != "" && bestDist <= max(2, len(best)/3) {
		return fmt.Sprintf("Did you mean `%s`?", best)
	}
	sorted := append([]string(nil), known...)
	sort.Strings(sorted)
	return "Try one of: " + strings.Join(sorted, ", ") + "."
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

func (e *Engine) cmdTopics(_ context.Context, r request) Reply {
	var rows [][]string
	for _, tc := range e.bank.Topics() {
		rows = append(rows, []string{tc.Topic, fmt.Sprint(tc.Count)})
	}
	return Reply{Private: true, Post: Post{
		Title:  "Topics",
		Table:  &Table{Columns: []string{"Topic", "Questions"}, Rows: rows},
		Footer: "Practise one with `/pyq practice TOPIC [warmup|intermediate|senior]`.",
	}}
}
