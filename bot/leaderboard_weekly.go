package bot

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// allTimeTop is how many all-time ranks the weekly post names (ties share a rank and all show).
const allTimeTop = 3

// maxStreakNames is how many holders of the longest streak are named before they are counted.
const maxStreakNames = 5

// WeeklyLeaderboardPost is what the leaderboard job posts in a channel: the week's top ten (the week
// containing now, Monday to Sunday in the channel's zone) with points, accuracy, streak and movement
// since last week's final ranking ("new" for someone not ranked last week), then the longest current
// streak in the workspace and the all-time top three.
func (e *Engine) WeeklyLeaderboardPost(ctx context.Context, ch Channel, now time.Time) (Post, error) {
	loc := ch.Location()
	from, to := Week.Range(now, loc)
	week, err := e.store.Leaderboard(ctx, ch.WorkspaceID, from, to)
	if err != nil {
		return Post{}, err
	}
	last, err := e.store.Leaderboard(ctx, ch.WorkspaceID, from.AddDate(0, 0, -7), from)
	if err != nil {
		return Post{}, err
	}
	allFrom, allTo := All.Range(now, loc)
	all, err := e.store.Leaderboard(ctx, ch.WorkspaceID, allFrom, allTo)
	if err != nil {
		return Post{}, err
	}
	Rank(week)
	Rank(last)
	Rank(all)
	lastRank := map[string]int{}
	for _, s := range last {
		lastRank[s.User.ID] = s.Rank
	}
	// Streaks for everyone who ever scored: the longest current streak may belong to someone who is
	// not in this week's top ten.
	streaks := map[string]int{}
	for _, s := range all {
		n, err := e.store.Streak(ctx, ch.WorkspaceID, s.User.ID)
		if err != nil {
			return Post{}, err
		}
		streaks[s.User.ID] = n
	}
	title := "Weekly leaderboard — week of " + from.In(loc).Format("Mon 2 Jan 2006")
	if len(all) == 0 {
		return Post{Title: title, Text: "No points yet. The next question is a good place to start."}, nil
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
	best, err := e.bestExplanationsLine(ctx, ch, from, to)
	if err != nil {
		return Post{}, err
	}
	return Post{Title: title, Text: text + best, Table: table, Footer: b.String()}, nil
}

// bestExplanationsLine names the best explanations whose votes closed in [from, to), or "".
func (e *Engine) bestExplanationsLine(ctx context.Context, ch Channel, from, to time.Time) (string, error) {
	vs := e.store
	best, err := vs.BestExplanations(ctx, ch.WorkspaceID, from, to)
	if err != nil || len(best) == 0 {
		return "", err
	}
	parts := make([]string, len(best))
	for i, b := range best {
		parts[i] = fmt.Sprintf("%s (#%d, %d votes)", UserText(b.User.Name), b.PostID, b.Votes)
	}
	return fmt.Sprintf("\nBest explanations this week (+%d each): %s.", BestExplanationBonus, strings.Join(parts, ", ")), nil
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
