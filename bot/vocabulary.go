package bot

import (
	"fmt"
	"strings"
)

// Limits every adapter derives its own sizes from, so a text box never accepts what the core refuses.
const (
	// MaxAnswerLen caps free-text answers (design answers); the reveal shows each in full.
	MaxAnswerLen = 3000
)

// Periods lists the leaderboard periods in the order help shows them.
var Periods = []Period{Week, Month, All}

// ScheduleJobs names the jobs a channel's schedule has, in the order `/pyq schedule` lists them.
var ScheduleJobs = []Job{JobQuestion, JobDebug, JobReveal, JobLeaderboard}

// ArgSpec is one argument of a command, in the order the command text takes it.
type ArgSpec struct {
	Name     string   // a platform's option name (Discord); lower case, no spaces
	Help     string   // one line, shown beside the option
	Required bool     // the command is refused without it
	Values   []string // the allowed values when they are fixed; empty when free
	Topic    bool     // a topic of the bank: platforms may offer autocomplete
	Rest     bool     // free text that takes the rest of the line
	// Ref marks a question reference, #N (or pN, a practice question, where the command takes
	// one). A platform's form that asks for it in a field of its own passes the field through
	// RefWord, so a bare 12 typed there is #12 and not a word of the next argument.
	Ref bool
}

// CommandSpec is one `/pyq` word: what it takes and how it is explained. Adapters derive their
// command registration from it (Discord options, the console's help), and tests check the Slack
// manifests against it.
type CommandSpec struct {
	Name     string
	Usage    string // the words after /pyq, e.g. "answer [#N] CHOICE"
	Summary  string // one line, for the command list
	Help     string // what `/pyq help NAME` adds to the summary: arguments, allowed values
	Examples []string
	Admin    bool // only the platform's admins may run it at all (schedule and filter check changes themselves)
	// AdminAware commands behave differently for admins (schedule and filter let them change
	// things) without being refused to everyone else; see AdminMatters.
	AdminAware bool
	Args       []ArgSpec
}

// Commands returns the whole /pyq vocabulary, in the order help lists it.
func Commands() []CommandSpec { return append([]CommandSpec(nil), vocabulary...) }

// CommandUsage is the one-line hint Slack's manifest shows under /pyq: every word, in help's order.
func CommandUsage() string {
	names := make([]string, len(vocabulary))
	for i, c := range vocabulary {
		names[i] = c.Name
	}
	return strings.Join(names, " | ")
}

func kindNames() []string       { return names(Kinds) }
func difficultyNames() []string { return names(Difficulties) }
func periodNames() []string     { return names(Periods) }

func names[T ~string](values []T) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	return out
}

// TopicClash says what else a topic spelled like word (in any case) would be, "" when nothing: a
// word `/pyq practice` takes in place of a topic (its mode, a difficulty or a kind, as the vocabulary
// lists them) or the `all` of `/pyq filter topics`. Such a topic and the other could not both be
// named, since the commands read the word one way only; content lint refuses it (TopicClashes).
func TopicClash(word string) string {
	c, _ := commandByName("practice")
	for _, a := range c.Args {
		for _, v := range a.Values {
			if strings.EqualFold(v, word) {
				return fmt.Sprintf("the %s %s of `/pyq practice`", a.Name, v)
			}
		}
	}
	if strings.EqualFold(word, filterAll) {
		return "the `all` of `/pyq filter topics all`, which lifts the restriction"
	}
	return ""
}

// TopicClashes lists every word TopicClash refuses, for the message that refuses one.
func TopicClashes() []string {
	c, _ := commandByName("practice")
	var out []string
	for _, a := range c.Args {
		out = append(out, a.Values...)
	}
	return append(out, filterAll)
}

var questionArg = ArgSpec{Name: "question", Help: "Which question, e.g. #12 (default: the open one)", Ref: true}

var vocabulary = []CommandSpec{
	{Name: "today", Usage: "today",
		Summary:  "post today's question in this channel, or point to the open one",
		Help:     "Posts a question in this channel when none is open (and makes it a team channel, so its schedule runs). When questions are open it lists them.",
		Examples: []string{"/pyq today"}},
	{Name: "answer", Usage: "answer [#N] CHOICE [because …]",
		Summary: "answer the open question (review: A,C; design: your text)",
		Help: "CHOICE is a letter (`B`); review questions take every problem you see (`A,C`); design questions take your reasoning as text, up to " +
			fmt.Sprint(MaxAnswerLen) + " characters. `#N` picks a question when several are open. Your first answer locks; points land at the reveal. " +
			"Say why with `because …` after the choice (up to " + fmt.Sprint(MaxReasonLen) + " characters; on Slack and Discord the \"Answer with a reason\" button): " +
			"the reveal shows the reasons with their authors, and the team votes for the best explanation (`/pyq help vote`).",
		Examples: []string{"/pyq answer B", "/pyq answer B because the default list is created once", "/pyq answer #12 A,C", "/pyq answer Use a bounded queue so producers slow down"},
		Args: []ArgSpec{questionArg,
			{Name: "choice", Help: "B (add: because …); for review questions A,C; for design questions your reasoning", Required: true, Rest: true}}},
	{Name: "vote", Usage: "vote [#N] K",
		Summary: "vote for the best explanation shown at a reveal",
		Help: fmt.Sprintf("At a reveal with at least %d explanations (reasons given with `/pyq answer B because …`, or design answers) the thread numbers them and the team votes: "+
			"K is the number next to the explanation. One vote per person per question, never for your own; vote again to change it. "+
			"Voting closes 24 h after the reveal or at the channel's next reveal, whichever is first; then the explanation(s) with the most votes (at least %d) earn +%d points, "+
			"counted in the week they closed in. Without `#N` it is the channel's open vote.", MinVoteCandidates, MinBonusVotes, BestExplanationBonus),
		Examples: []string{"/pyq vote 2", "/pyq vote #12 3"},
		Args: []ArgSpec{questionArg,
			{Name: "explanation", Help: "The number next to the explanation in the reveal's thread", Required: true}}},
	{Name: "rubric", Usage: "rubric [#N] [ITEMS…]",
		Summary: "check your design answer against the rubric, privately",
		Help: "After a design question's reveal, `/pyq rubric` shows its rubric as a checklist (the last design question you answered in this channel, or `#N`); " +
			"`/pyq rubric #N 1 3 4` records which items your answer covered, and again changes it (`none`: none). " +
			"On Slack and Discord the reveal's \"" + RubricButtonLabel + "\" control opens the same checklist. Only you see it; it is feedback, not points, and `/pyq me` shows your coverage over time.",
		Examples: []string{"/pyq rubric", "/pyq rubric #12 1 3 4", "/pyq rubric #12 none"},
		Args: []ArgSpec{{Name: "question", Help: "Which design question, e.g. #12 (default: the last one you answered)", Ref: true},
			{Name: "items", Help: "The numbers of the rubric items your answer covered, e.g. 1 3 4, or none", Rest: true}}},
	{Name: "reveal", Usage: "reveal [#N]",
		Summary:  "close the open question now and reveal it in its thread (admins)",
		Help:     "Closes the question (all open ones without `#N`), grades every answer and posts the answer, the explanation and the team's results in its thread.",
		Examples: []string{"/pyq reveal", "/pyq reveal #12"}, Admin: true,
		Args: []ArgSpec{{Name: "question", Help: "Which question, e.g. #12 (default: all open ones)", Ref: true}}},
	{Name: "leaderboard", Usage: "leaderboard [week|month|all]",
		Summary:  "the team's ranking for the period (default week)",
		Help:     "Rank, name, points, correct/answered and streak for this workspace; ties share a rank. Weeks and months are counted in the channel's time zone.",
		Examples: []string{"/pyq leaderboard", "/pyq leaderboard month"},
		Args:     []ArgSpec{{Name: "period", Help: "Which period (default: this week)", Values: periodNames()}}},
	{Name: "me", Usage: "me",
		Summary:  "your points, streak, accuracy by topic and weakest topic",
		Help:     "Only you see it.",
		Examples: []string{"/pyq me"}},
	{Name: "practice", Usage: "practice [new] [topic] [difficulty] [kind]",
		Summary: "a private question with instant feedback; not on the leaderboard",
		Help: "With no words it serves your oldest due review first (a question you missed, choices in a new order); `new` skips reviews. " +
			"Topics are listed by `/pyq topics`; difficulties are " + strings.Join(difficultyNames(), ", ") + "; kinds are " + strings.Join(kindNames(), ", ") + ". " +
			"What you leave out is picked for you: your weakest topic, your level in the topic, and a question you have not seen in " + fmt.Sprint(FreshDays) + " days while one is left. " +
			"Answer it with the buttons or `/pyq answer`; only you see it.",
		Examples: []string{"/pyq practice", "/pyq practice new", "/pyq practice concurrency senior"},
		Args: []ArgSpec{{Name: "mode", Help: "new: skip your due reviews", Values: []string{"new"}},
			{Name: "topic", Help: "Only this topic", Topic: true},
			{Name: "difficulty", Help: "Only this difficulty", Values: difficultyNames()},
			{Name: "kind", Help: "Only this kind of question", Values: kindNames()}}},
	{Name: "schedule", Usage: "schedule [set|off|on|zone|skip|unskip …]",
		Summary:  "this channel's jobs and their next runs; admins change them (`/pyq schedule help`)",
		Help:     scheduleUsage,
		Examples: []string{"/pyq schedule", "/pyq schedule set question \"0 9 * * 1-5\" Europe/Berlin", "/pyq schedule skip 2026-12-24"}, AdminAware: true,
		Args: []ArgSpec{{Name: "action", Help: "list, or (admins) set, off, on, zone, skip, unskip", Values: []string{"list", "help", "set", "off", "on", "zone", "skip", "unskip"}},
			{Name: "args", Help: "e.g. question \"0 9 * * 1-5\", debug, Europe/Berlin, 2026-12-24", Rest: true}}},
	{Name: "filter", Usage: "filter [topics|kinds|difficulty WORDS…|clear]",
		Summary: "which questions this channel gets (admins change it)",
		Help: "Without words it shows the channel's filter. Admins restrict it: `topics` (see `/pyq topics`), `kinds` (" + strings.Join(kindNames(), ", ") +
			"), `difficulty` (" + strings.Join(difficultyNames(), ", ") + "); `all` lifts one restriction, `clear` lifts every one.",
		Examples: []string{"/pyq filter", "/pyq filter topics concurrency security", "/pyq filter kinds all", "/pyq filter clear"}, AdminAware: true,
		Args: []ArgSpec{{Name: "what", Help: "topics, kinds, difficulty, or clear", Values: []string{"topics", "kinds", "difficulty", "clear"}},
			{Name: "words", Help: "e.g. concurrency security, or all", Rest: true}}},
	{Name: "remind", Usage: "remind [on|off|30m|2h]",
		Summary: "a private reminder before the reveal on days you have not answered (off by default)",
		Help: fmt.Sprintf("`on` turns reminders on (%s before the reveal unless you chose another time), `off` turns them off, and a time such as `30m`, `2h` or `1h30m` "+
			"(from %s to %s) sets how long before the reveal and turns them on. On a question day, if you have not answered the open question, pyqbot sends you "+
			"one private message that long before the reveal: at most one a day, never when you have answered. The reveal is that of the team channel you answered in last. "+
			"Without words it says whether they are on. Only you see the replies.", leadText(DefaultReminderLead), leadText(MinReminderLead), leadText(MaxReminderLead)),
		Examples: []string{"/pyq remind on", "/pyq remind 2h", "/pyq remind off"},
		Args:     []ArgSpec{{Name: "when", Help: "on, off, or how long before the reveal, e.g. 30m or 2h"}}},
	{Name: "topics", Usage: "topics",
		Summary:  "the topics and how many questions each has",
		Examples: []string{"/pyq topics"}},
	{Name: "report", Usage: "report [#N] TEXT",
		Summary: "tell the admins a question looks wrong or unclear",
		Help: "TEXT says what is wrong, up to " + fmt.Sprint(MaxReportLen) + " characters. `#N` names a team question (default: this channel's latest), `pN` a practice question. " +
			"A question with " + fmt.Sprint(HideAtReports) + " open reports is not asked in this workspace until an admin clears them.",
		Examples: []string{"/pyq report the answer should be B", "/pyq report #12 choice C is also right on 3.12"},
		Args: []ArgSpec{{Name: "question", Help: "Which question, e.g. #12 or p7 (default: the channel's latest)", Ref: true},
			{Name: "text", Help: "What looks wrong or unclear", Required: true, Rest: true}}},
	{Name: "reports", Usage: "reports [clear ID]",
		Summary:  "(admins) the open question reports, and clearing one",
		Help:     "Without words (or with `list`) it lists the workspace's open reports with their numbers; `clear ID` closes one once the question is fixed or the report is answered. Both are for admins: a report quotes what someone wrote to the admins.",
		Examples: []string{"/pyq reports", "/pyq reports clear 3"}, Admin: true,
		Args: []ArgSpec{{Name: "action", Help: "list, or clear", Values: []string{"list", "clear"}},
			{Name: "id", Help: "The report's number, for clear"}}},
	{Name: "help", Usage: "help [scoring|debug|COMMAND]",
		Summary:  "this list, the scoring rules, debugging challenges, or one command",
		Examples: []string{"/pyq help", "/pyq help scoring", "/pyq help answer"},
		Args:     []ArgSpec{{Name: "about", Help: "scoring, debug, or a command name"}}},
}

// DebugHelp is what `/pyq help debug` shows.
const DebugHelp = "A debugging challenge is posted by the channel's weekly `debug` job: broken code and the symptom a user saw. " +
	"Find the root cause and answer with `/pyq answer #N X` (it can be answered while the daily question is open too). " +
	"Hints are posted into its thread during the day; each hint shown before your answer lowers a right answer's points by 3 (10, 7, 4, never below 1). " +
	"The reveal shows the fix."
