package bot

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Period is a leaderboard window.
type Period string

const (
	Week  Period = "week"
	Month Period = "month"
	All   Period = "all"
)

// Range is the period containing now, in loc: weeks start on Monday at midnight.
func (p Period) Range(now time.Time, loc *time.Location) (from, to time.Time) {
	l := now.In(loc)
	switch p {
	case Week:
		offset := (int(l.Weekday()) + 6) % 7 // days since Monday
		from = time.Date(l.Year(), l.Month(), l.Day()-offset, 0, 0, 0, 0, loc)
		return from, from.AddDate(0, 0, 7)
	case Month:
		from = time.Date(l.Year(), l.Month(), 1, 0, 0, 0, 0, loc)
		return from, from.AddDate(0, 1, 0)
	default:
		return AllTime()
	}
}

// AllTime is the range that covers every answer pyqbot can have stored; stores answer it from
// running totals instead of counting (see IsAllTime).
func AllTime() (from, to time.Time) {
	return time.Unix(0, 0).UTC(), time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
}

// IsAllTime reports whether [from, to) covers the whole of AllTime.
func IsAllTime(from, to time.Time) bool {
	allFrom, allTo := AllTime()
	return !from.After(allFrom) && !to.Before(allTo)
}

func (p Period) label(from time.Time) string {
	switch p {
	case Week:
		return "this week (since " + from.Format("Mon 2 Jan") + ")"
	case Month:
		return from.Format("January 2006")
	default:
		return "all time"
	}
}

// leaderboardSize is how many ranks a leaderboard shows.
const leaderboardSize = 10

func (e *Engine) cmdLeaderboard(ctx context.Context, r request) Reply {
	period := Week
	if len(r.args) > 0 {
		switch p := Period(strings.ToLower(r.args[0])); p {
		case Week, Month, All:
			period = p
		default:
			return privateText(fmt.Sprintf("There is no leaderboard period %q. %s",
				r.args[0], suggestion(string(p), []string{"week", "month", "all"})))
		}
	}
	post, err := e.LeaderboardPost(ctx, r.ch, period, r.User.ID)
	if err != nil {
		return e.internalError(r.Event, "leaderboard", err)
	}
	return Reply{Private: true, Post: post}
}

// LeaderboardPost renders the workspace's ranking for the period containing now, in the channel's
// zone. The caller's own line is added below the top ranks when they are not among them.
func (e *Engine) LeaderboardPost(ctx context.Context, ch Channel, period Period, callerID string) (Post, error) {
	from, to := period.Range(e.now(), ch.Location())
	standings, err := e.store.Leaderboard(ctx, ch.WorkspaceID, from, to)
	if err != nil {
		return Post{}, err
	}
	Rank(standings)
	title := "Leaderboard — " + period.label(from.In(ch.Location()))
	if len(standings) == 0 {
		return Post{Title: title, Text: "No points yet. Answer the open question, or post one with `/pyq today`."}, nil
	}
	shown := append([]Standing(nil), standings[:min(len(standings), leaderboardSize)]...)
	for i, s := range standings {
		if i >= leaderboardSize && s.User.ID == callerID {
			shown = append(shown, s)
		}
	}
	table := &Table{Columns: []string{"Rank", "Name", "Points", "Correct", "Streak"}}
	for i := range shown {
		s := &shown[i]
		if s.Streak, err = e.store.Streak(ctx, ch.WorkspaceID, s.User.ID); err != nil {
			return Post{}, err
		}
		table.Rows = append(table.Rows, []string{
			fmt.Sprint(s.Rank), s.User.Name, fmt.Sprint(s.Points),
			fmt.Sprintf("%d/%d", s.Correct, s.Judged), fmt.Sprint(s.Streak),
		})
	}
	return Post{Title: title, Table: table, Footer: "Points land at each reveal. `/pyq help scoring` explains them."}, nil
}

// Rank numbers standings already sorted by points: equal points share a rank (1, 1, 3).
func Rank(standings []Standing) {
	for i := range standings {
		if i > 0 && standings[i].Points == standings[i-1].Points {
			standings[i].Rank = standings[i-1].Rank
		} else {
			standings[i].Rank = i + 1
		}
	}
}

func (e *Engine) cmdMe(ctx context.Context, r request) Reply {
	stats, err := e.store.UserStats(ctx, r.ch.WorkspaceID, r.User.ID, UnjudgedKinds())
	if err != nil {
		return e.internalError(r.Event, "user stats", err)
	}
	days, err := e.store.QuestionDays(ctx, r.ch.WorkspaceID, r.User.ID, MaxStreakDays)
	if err != nil {
		return e.internalError(r.Event, "question days", err)
	}
	ruleCh, err := e.ruleChannel(ctx, r)
	if err != nil {
		return e.internalError(r.Event, "team channel", err)
	}
	streak, err := e.streakLines(ctx, r, ruleCh, streakOfDays(days))
	if err != nil {
		return e.internalError(r.Event, "streak", err)
	}
	title := "Your record, " + r.User.Name
	pending := ""
	if stats.Pending > 0 {
		pending = fmt.Sprintf("%d answer%s waiting for %s reveal: points land then.", stats.Pending, plural(stats.Pending), map[bool]string{true: "its", false: "their"}[stats.Pending == 1])
	}
	remind, err := e.reminderLine(ctx, r)
	if err != nil {
		return e.internalError(r.Event, "reminder", err)
	}
	if stats.Answered == 0 && stats.PracticeAnswered == 0 {
		text := "Nothing yet: answer the channel's question, or try `/pyq practice`."
		if pending != "" {
			text = pending + " Meanwhile, `/pyq practice` gives you a private question."
		}
		if remind != "" {
			text += "\n" + remind
		}
		return Reply{Private: true, Post: Post{Title: title, Text: text}}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Points: %d\n", stats.Points)
	if pending != "" {
		b.WriteString(pending + "\n")
	}
	fmt.Fprintf(&b, "Team questions: %d answered, %d of %d right%s\n", stats.Answered, stats.Correct, stats.Judged, percent(stats.Correct, stats.Judged))
	fmt.Fprintf(&b, "Practice: %d answered, %d of %d right%s\n", stats.PracticeAnswered, stats.PracticeCorrect, stats.PracticeJudged, percent(stats.PracticeCorrect, stats.PracticeJudged))
	b.WriteString(streak)
	if line, err := e.rubricLine(ctx, r.ch, r.User.ID); err != nil {
		return e.internalError(r.Event, "rubric coverage", err)
	} else if line != "" {
		b.WriteString("\n" + line)
	}
	if line, err := e.reviewLine(ctx, r.ch, r.User.ID); err != nil {
		return e.internalError(r.Event, "review counts", err)
	} else if line != "" {
		b.WriteString("\n" + line)
	}
	if remind != "" {
		b.WriteString("\n" + remind)
	}
	if weak, ok := weakestTopic(stats.Topics); ok {
		fmt.Fprintf(&b, "\nWeakest topic: %s (%d of %d right). Drill it with `/pyq practice %s`.",
			weak.Topic, weak.Correct, weak.Answered, weak.Topic)
	}
	if grid := ProgressGrid(days, LocalDay(e.now(), ruleCh.Location()), e.marksFor(r.Conv.Platform)); grid != "" {
		b.WriteString("\n\n" + grid)
	}
	post := Post{Title: title, Text: b.String()}
	if post.Table = topicTable(stats.Topics); post.Table != nil {
		post.Footer = "Accuracy per topic, weakest first; it leaves out design questions: they have no single right answer."
	}
	return Reply{Private: true, Post: post}
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

func percent(n, d int) string {
	if d == 0 {
		return ""
	}
	return fmt.Sprintf(" (%d%%)", (n*200+d)/(2*d)) // rounded: 2 of 3 is 67%, not 66%
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
