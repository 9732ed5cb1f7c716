package bot

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
)

type command struct {
	CommandSpec
	run func(e *Engine, ctx context.Context, r request) Reply
	// loadsChannel: run loads r.ch itself, so Handle does not (answer reads it with the question).
	loadsChannel bool
	// ownArity: run says itself what is wrong with too many words, better than extraWords can
	// (vote: "say which explanation"; remind: the durations it takes; practice: which words repeat
	// or fill an argument twice, rather than the last ones).
	ownArity bool
}

// commands pairs each word of the vocabulary with the engine method that runs it.
var commands []command

func init() {
	runs := map[string]func(e *Engine, ctx context.Context, r request) Reply{
		"today": (*Engine).cmdToday, "answer": (*Engine).cmdAnswer, "reveal": (*Engine).cmdReveal,
		"leaderboard": (*Engine).cmdLeaderboard, "me": (*Engine).cmdMe, "practice": (*Engine).cmdPractice,
		"schedule": (*Engine).cmdSchedule, "filter": (*Engine).cmdFilter, "topics": (*Engine).cmdTopics,
		"help": (*Engine).cmdHelp, "vote": (*Engine).cmdVote, "report": (*Engine).cmdReport, "reports": (*Engine).cmdReports,
		"remind": (*Engine).cmdRemind, "rubric": (*Engine).cmdRubric,
	}
	for _, spec := range vocabulary {
		run, ok := runs[spec.Name]
		if !ok {
			panic("bot: command " + spec.Name + " has no handler") // a programming error, caught by every test
		}
		commands = append(commands, command{CommandSpec: spec, run: run, loadsChannel: spec.Name == "answer",
			ownArity: spec.Name == "vote" || spec.Name == "remind" || spec.Name == "practice"})
	}
}

// AdminMatters reports whether what the command text does depends on Event.Admin. An adapter that
// has to ask the platform whether someone is an admin (a network call) asks only for these, so an
// answer never waits on the platform before it is committed.
func AdminMatters(text string) bool {
	word, _ := splitWord(text)
	c, ok := commandByName(strings.ToLower(word))
	return ok && (c.Admin || c.AdminAware)
}

// IsAnswer reports whether the command text answers a question.
func IsAnswer(text string) bool {
	word, _ := splitWord(text)
	return strings.EqualFold(word, "answer")
}

// PendingText is what an adapter shows when the reply to a command is late: the command is still
// running and its reply follows. It never says an answer was recorded, because it is not yet.
func PendingText(text string) string {
	if IsAnswer(text) {
		return "Your answer is being recorded: it is not saved yet. A confirmation follows here in a moment."
	}
	return "Working on it: the reply follows here in a moment."
}

// BusyText is the reply when a command could not even start before its deadline.
const BusyText = "pyqbot was too busy to handle that in time, so nothing was recorded or changed. Try again in a minute."

// extraWords is what the words go beyond the command's arguments, "" when they do not: a command
// without free text (an ArgSpec.Rest) takes a word an argument at most, and a word more is refused
// rather than dropped (`/pyq leaderboard week month` would otherwise show the week, silently).
func (c command) extraWords(args []string) string {
	if c.ownArity || len(args) <= len(c.Args) || slices.ContainsFunc(c.Args, func(a ArgSpec) bool { return a.Rest }) {
		return ""
	}
	return strings.Join(args[len(c.Args):], " ")
}

// tooManyWords refuses a command given extra words: what they are and the command's usage.
func (c command) tooManyWords(extra string) Reply {
	return c.tooManyWordsBecause(fmt.Sprintf("%q is more than it takes", truncate(extra, 60)))
}

// tooManyWordsBecause is tooManyWords saying which words are too many and why, where the command
// knows better than their count (practice: a second topic).
func (c command) tooManyWordsBecause(why string) Reply {
	return c.refuseWords("Too many words for", why)
}

// refuseWords refuses the command's words: heading, what is wrong with them, and the usage.
func (c command) refuseWords(heading, why string) Reply {
	return privateText(fmt.Sprintf("%s `/pyq %s`: %s (`/pyq %s`), so nothing was done.", heading, c.Name, why, c.Usage))
}

func commandByName(name string) (command, bool) {
	for _, c := range commands {
		if c.Name == name {
			return c, true
		}
	}
	return command{}, false
}

func (e *Engine) cmdHelp(_ context.Context, r request) Reply {
	if len(r.args) == 0 {
		return Reply{Private: true, Post: commandsPost()}
	}
	topic := strings.ToLower(strings.TrimPrefix(r.args[0], "/"))
	if post, ok := helpPost(topic); ok {
		return Reply{Private: true, Post: post}
	}
	return privateText(fmt.Sprintf("There is no help on %q. %s", topic, suggestion(topic, append(commandNames(), "scoring", "debug"))))
}

func commandNames() []string {
	names := make([]string, len(commands))
	for i, c := range commands {
		names[i] = c.Name
	}
	return names
}

// suggestion proposes the closest known word, if one is close enough to be a typo.
func suggestion(word string, known []string) string {
	best, bestDist := "", 1<<30
	for _, k := range known {
		d := EditDistance(strings.ToLower(word), k)
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

// EditDistance is the Levenshtein distance between a and b; "did you mean" everywhere uses it.
func EditDistance(a, b string) int {
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
	return Reply{Private: true, Post: topicsPost(e.bank.Topics())}
}
