package bot

import (
	"fmt"
	"strings"
	"time"
)

// How standings look: `/pyq leaderboard` and the weekly leaderboard the leaderboard job posts.

// leaderboardPost is `/pyq leaderboard`: the ranks shown (their streaks filled in) under the period's label.
func leaderboardPost(label string, shown []Standing) Post {
	title := "Leaderboard — " + label
	if len(shown) == 0 {
		return Post{Title: title, Text: "No points yet. Answer the open question, or post one with `/pyq today`."}
	}
	table := &Table{Columns: []string{"Rank", "Name", "Points", "Correct", "Streak"}}
	for _, s := range shown {
		table.Rows = append(table.Rows, []string{
			fmt.Sprint(s.Rank), s.User.Name, fmt.Sprint(s.Points),
			fmt.Sprintf("%d/%d", s.Correct, s.Judged), fmt.Sprint(s.Streak),
		})
	}
	return Post{Title: title, Table: table, Footer: "Points land at each reveal. `/pyq help scoring` explains them."}
}

// weeklyStandings is what the weekly leaderboard shows, read by WeeklyLeaderboardPost.
type weeklyStandings struct {
	from     time.Time         // the week's Monday, in the channel's zone
	week     []Standing        // this week's, ranked
	lastRank map[string]int    // last week's final rank by user ID
	all      []Standing        // all time, ranked
	streaks  map[string]int    // current streak of everyone in all
	best     []BestExplanation // the best explanations to name; read only when someone ever scored
	// lastPost is the channel's previous weekly post (in its zone), which best runs from; zero:
	// none in BestLookbackWeeks, and best runs from the week's Monday.
	lastPost time.Time
}

// weeklyLeaderboardPost is the leaderboard job's post: the week's top ten with points, accuracy,
// streak and movement, the best explanations, then the longest current streak in the workspace and
// the all-time top three in the footer.
func weeklyLeaderboardPost(w weeklyStandings) Post {
	week, all, streaks, lastRank := w.week, w.all, w.streaks, w.lastRank
	title := "Weekly leaderboard — week of " + w.from.Format("Mon 2 Jan 2006")
	if len(all) == 0 {
		return Post{Title: title, Text: "No points yet. The next question is a good place to start."}
	}
	text := "This week's top ten: points, accuracy, current streak, and movement since last week's final ranking."
	var table *Table
	if len(week) == 0 {
		text = "Nobody has scored this week yet."
	} else {
		table = &Table{Columns: []string{"Rank", "Name", "Points", "Accuracy", "Streak", "Move"}}
		for _, s := range week {
			if s.Rank > leaderboardSize { // ranks shared at the cut stay in: a tie for 10th shows both
				break
			}
			table.Rows = append(table.Rows, []string{
				fmt.Sprint(s.Rank), s.User.Name, fmt.Sprint(s.Points),
				fmt.Sprintf("%d/%d%s", s.Correct, s.Judged, percent(s.Correct, s.Judged)),
				fmt.Sprint(streaks[s.User.ID]), movement(lastRank[s.User.ID], s.Rank),
			})
		}
	}
	longest, holders := 0, []string{}
	for _, s := range all { // `all` is ordered by points, so ties list the higher scorer first
		switch n := streaks[s.User.ID]; {
		case n > longest:
			longest, holders = n, []string{s.User.Name}
		case n == longest && n > 0:
			holders = append(holders, s.User.Name)
		}
	}
	var b strings.Builder
	switch {
	case longest == 0:
		b.WriteString("Nobody has a streak going right now")
	case len(holders) > 1 && len(holders) == len(all):
		// Naming everyone would single nobody out: say the fact instead.
		fmt.Fprintf(&b, "Everyone who has played is on a %d-question-day streak", longest)
	case len(holders) > maxStreakNames:
		fmt.Fprintf(&b, "Longest current streak: %d players, %d question day%s in a row", len(holders), longest, plural(longest))
	default:
		fmt.Fprintf(&b, "Longest current streak: %s, %d question day%s in a row", strings.Join(holders, ", "), longest, plural(longest))
	}
	b.WriteString(" · All-time top three:")
	for i, s := range all {
		if s.Rank > allTimeTop { // a tie for third keeps every tied player
			break
		}
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, " %d. %s %d", s.Rank, s.User.Name, s.Points)
	}
	return Post{Title: title, Text: text + bestExplanationsLine(w.best, w.from, w.lastPost), Table: table, Footer: b.String()}
}

// bestExplanationsLine names the best explanations closed since the last weekly post (this week,
// when there was none), or "". monday is the week's, lastPost that post's time (zero: none).
func bestExplanationsLine(best []BestExplanation, monday, lastPost time.Time) string {
	if len(best) == 0 {
		return ""
	}
	// A vote that closed after the last post was counted in that week's points.
	when := "this week"
	switch {
	case lastPost.IsZero():
	case !lastPost.Before(monday.AddDate(0, 0, -7)):
		when = "since last week's post"
	default: // a week without a post (a skip date, downtime past the grace) lies between
		when = "since the weekly post of " + lastPost.Format("Mon 2 Jan")
	}
	parts := make([]string, len(best))
	for i, b := range best {
		parts[i] = fmt.Sprintf("%s (#%d, %d votes)", UserText(b.User.Name), b.PostID, b.Votes)
	}
	return fmt.Sprintf("\nBest explanations %s (+%d each): %s.", when, BestExplanationBonus, strings.Join(parts, ", "))
}

// movement says how a rank changed since last week: "▲2", "▼1", "=", or "new" (not ranked then).
func movement(before, now int) string {
	switch {
	case before == 0:
		return "new"
	case before > now:
		return fmt.Sprintf("▲%d", before-now)
	case before < now:
		return fmt.Sprintf("▼%d", now-before)
	default:
		return "="
	}
}

// allTimeTop is how many all-time ranks the weekly post names (ties share a rank and all show).
const allTimeTop = 3

// maxStreakNames is how many holders of the longest streak are named before they are counted.
const maxStreakNames = 5

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
