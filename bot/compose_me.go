package bot

import (
	"fmt"
	"sort"
	"strings"
)

// How `/pyq me` looks: the record, the streak and its rule, the review queue and the weakest topic.

// meRecord is what `/pyq me` shows, read by cmdMe. The lines are "" when there is nothing to say.
type meRecord struct {
	name   string
	stats  UserStats
	streak string // streakLines
	remind string // reminderLine
	rubric string // rubricLine; read only once the user has answered something
	review string // reviewLine; likewise
	grid   string // ProgressGrid; likewise
}

// mePost is `/pyq me`: points, accuracy, streak and its rule, rubric coverage, reviews, reminders,
// the weakest topic and the progress grid, with accuracy per topic as a table.
func mePost(rec meRecord) Post {
	stats := rec.stats
	title := "Your record, " + rec.name
	pending := ""
	if stats.Pending > 0 {
		pending = fmt.Sprintf("%d answer%s waiting for %s reveal: points land then.", stats.Pending, plural(stats.Pending), map[bool]string{true: "its", false: "their"}[stats.Pending == 1])
	}
	if stats.Answered == 0 && stats.PracticeAnswered == 0 {
		text := "Nothing yet: answer the channel's question, or try `/pyq practice`."
		if pending != "" {
			text = pending + " Meanwhile, `/pyq practice` gives you a private question."
		}
		if rec.remind != "" {
			text += "\n" + rec.remind
		}
		return Post{Title: title, Text: text}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Points: %d\n", stats.Points)
	if pending != "" {
		b.WriteString(pending + "\n")
	}
	fmt.Fprintf(&b, "Team questions: %d answered, %d of %d right%s\n", stats.Answered, stats.Correct, stats.Judged, percent(stats.Correct, stats.Judged))
	fmt.Fprintf(&b, "Practice: %d answered, %d of %d right%s\n", stats.PracticeAnswered, stats.PracticeCorrect, stats.PracticeJudged, percent(stats.PracticeCorrect, stats.PracticeJudged))
	b.WriteString(rec.streak)
	for _, line := range []string{rec.rubric, rec.review, rec.remind} {
		if line != "" {
			b.WriteString("\n" + line)
		}
	}
	if weak, ok := weakestTopic(stats.Topics); ok {
		fmt.Fprintf(&b, "\nWeakest topic: %s (%d of %d right). Drill it with `/pyq practice %s`.",
			weak.Topic, weak.Correct, weak.Answered, weak.Topic)
	}
	if rec.grid != "" {
		b.WriteString("\n\n" + rec.grid)
	}
	post := Post{Title: title, Text: b.String()}
	if post.Table = topicTable(stats.Topics); post.Table != nil {
		post.Footer = "Accuracy per topic, weakest first; it leaves out design questions: they have no single right answer."
	}
	return post
}

// streakText states the streak and the rule in force; todo is what keeps it (streakTodo), "" when
// the open question is answered.
func streakText(s StreakState, todo string) string {
	parts := []string{fmt.Sprintf("Streak %d", s.Length), fmt.Sprintf("%d freeze%s", s.Freezes, plural(s.Freezes))}
	switch {
	case todo == "":
		parts = append(parts, "the open question is answered: the streak is safe")
	case s.Length == 0:
		parts = append(parts, todo+" to start one")
	case s.Freezes == 0:
		parts = append(parts, todo+" to keep it")
	default:
		parts = append(parts, todo+" to keep it without spending a freeze")
	}
	rule := fmt.Sprintf("Every %d question days answered in a row earn a freeze (%d at most); a missed question day spends one and the streak goes on.",
		FreezeEvery, MaxFreezes)
	if s.ToNextFreeze > 0 {
		rule += fmt.Sprintf(" Next freeze: %d more question day%s in a row.", s.ToNextFreeze, plural(s.ToNextFreeze))
	} else {
		rule += " Your bank is full."
	}
	return strings.Join(parts, " · ") + "\n" + rule
}

// reviewCountsLine sums up a review queue that is not empty.
func reviewCountsLine(c ReviewCounts) string {
	line := fmt.Sprintf("Reviews: %d due today, %d waiting, %d mastered.", c.Due, c.Waiting, c.Mastered)
	if c.Due > 0 {
		line += " `/pyq practice` serves the oldest due one."
	}
	return line
}

// weakestTopic is the topic with the lowest accuracy; more answers break ties, as the evidence is firmer.
func weakestTopic(topics []TopicStat) (TopicStat, bool) {
	var answered []TopicStat
	for _, t := range topics {
		if t.Answered > 0 {
			answered = append(answered, t)
		}
	}
	if len(answered) < 2 {
		return TopicStat{}, false // with one topic there is nothing to be weaker than
	}
	sort.SliceStable(answered, func(i, j int) bool {
		a, b := answered[i], answered[j]
		// compare a.Correct/a.Answered < b.Correct/b.Answered without floats
		if l, r := a.Correct*b.Answered, b.Correct*a.Answered; l != r {
			return l < r
		}
		return a.Answered > b.Answered
	})
	weak, best := answered[0], answered[len(answered)-1]
	if weak.Correct*best.Answered == best.Correct*weak.Answered {
		return TopicStat{}, false // every topic equally good (100% everywhere): none is weakest
	}
	return weak, true
}

// topicTable is `/pyq me`'s accuracy per topic, weakest first: the one to practise is on top. More
// answers break a tie (firmer evidence), then the name.
func topicTable(topics []TopicStat) *Table {
	sorted := make([]TopicStat, 0, len(topics))
	for _, t := range topics {
		if t.Answered > 0 {
			sorted = append(sorted, t)
		}
	}
	if len(sorted) == 0 {
		return nil
	}
	sort.SliceStable(sorted, func(i, j int) bool {
		a, b := sorted[i], sorted[j]
		if l, r := a.Correct*b.Answered, b.Correct*a.Answered; l != r {
			return l < r
		}
		if a.Answered != b.Answered {
			return a.Answered > b.Answered
		}
		return a.Topic < b.Topic
	})
	t := &Table{Columns: []string{"Topic", "Accuracy", "Right"}}
	for _, s := range sorted {
		t.Rows = append(t.Rows, []string{s.Topic, AccuracyBar(s.Correct, s.Answered), fmt.Sprintf("%d of %d", s.Correct, s.Answered)})
	}
	return t
}
