package bot

import (
	"context"
	"time"
)

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
	w := weeklyStandings{from: from.In(loc), week: week, lastRank: lastRank, all: all, streaks: streaks}
	if len(all) > 0 {
		if w.best, err = e.store.BestExplanations(ctx, ch.WorkspaceID, from, to); err != nil {
			return Post{}, err
		}
	}
	return weeklyLeaderboardPost(w), nil
}
