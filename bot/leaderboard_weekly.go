package bot

import (
	"context"
	"time"
)

// WeeklyLeaderboardPost is what the leaderboard job posts in a channel: the week's top ten (the week
// containing now, Monday to Sunday in the channel's zone) with points, accuracy, streak and movement
// since last week's final ranking ("new" for someone not ranked last week), the best explanations
// whose votes closed since the channel's last weekly post (this week's, when there was none in
// BestLookbackWeeks), then the longest current streak in the workspace and the all-time top three.
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
		since, err := e.lastWeeklyPost(ctx, ch, from.AddDate(0, 0, -7*BestLookbackWeeks), now)
		if err != nil {
			return Post{}, err
		}
		bestFrom := from
		if !since.IsZero() {
			w.lastPost, bestFrom = since.In(loc), since.Add(time.Millisecond)
		}
		// The store keeps milliseconds, so [bestFrom, now+1ms) is after the last post, up to and
		// including now: the votes this tick closed before composing it (closeDueVotes).
		if w.best, err = e.store.BestExplanations(ctx, ch.WorkspaceID, bestFrom, now.Add(time.Millisecond)); err != nil {
			return Post{}, err
		}
	}
	return weeklyLeaderboardPost(w), nil
}

// BestLookbackWeeks is how far back the weekly post looks for the channel's previous one: far
// enough that a Friday skipped for a holiday, or lost to downtime, leaves no best explanation
// unnamed; not so far that a leaderboard job turned back on after months names a season of them.
const BestLookbackWeeks = 4

// lastWeeklyPost is when the channel's leaderboard job last posted before now (the time its tick
// composed the post, which is when it claimed the slot), or zero when it has not since notBefore.
//
// Why the best explanations run from the last post and not from Monday: with the default schedule
// Thursday's vote closes at Friday's 17:00 reveal and Friday's a day later, both after Friday's 16:00
// post and both in that week. Counted from Monday they would never be named; counted from the last
// post every best explanation is named once, in the first weekly post after its vote closed.
func (e *Engine) lastWeeklyPost(ctx context.Context, ch Channel, notBefore, now time.Time) (time.Time, error) {
	slots, err := e.sched.store.Slots(ctx, ch.ID, JobLeaderboard)
	if err != nil {
		return time.Time{}, err
	}
	var last time.Time
	for _, s := range slots {
		if s.State == SlotPosted && s.ClaimedAt.Before(now) && !s.ClaimedAt.Before(notBefore) && s.ClaimedAt.After(last) {
			last = s.ClaimedAt
		}
	}
	return last, nil
}
