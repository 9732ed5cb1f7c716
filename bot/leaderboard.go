package bot

import (
	"context"
	"fmt"
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

// leaderboardSize is how many ranks a leaderboard shows.
const leaderboardSize = 10

func (e *Engine) cmdLeaderboard(ctx context.Context, r request) Reply {
	period := Week
	if len(r.args) > 0 {
		p, ok := parsePeriod(r.args[0])
		if !ok {
			return privateText(fmt.Sprintf("There is no leaderboard period %q. %s",
				r.args[0], suggestion(string(p), periodNames())))
		}
		period = p
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
	shown := append([]Standing(nil), standings[:min(len(standings), leaderboardSize)]...)
	for i, s := range standings {
		if i >= leaderboardSize && s.User.ID == callerID {
			shown = append(shown, s)
		}
	}
	for i := range shown {
		if shown[i].Streak, err = e.store.Streak(ctx, ch.WorkspaceID, shown[i].User.ID); err != nil {
			return Post{}, err
		}
	}
	return leaderboardPost(period.label(from.In(ch.Location())), shown), nil
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
	rec := meRecord{name: r.User.Name, stats: stats}
	if rec.streak, err = e.streakLines(ctx, r, ruleCh, streakOfDays(days)); err != nil {
		return e.internalError(r.Event, "streak", err)
	}
	if rec.remind, err = e.reminderLine(ctx, r); err != nil {
		return e.internalError(r.Event, "reminder", err)
	}
	if stats.Answered == 0 && stats.PracticeAnswered == 0 {
		return Reply{Private: true, Post: mePost(rec)} // nothing to sum up yet
	}
	if rec.rubric, err = e.rubricLine(ctx, r.ch, r.User.ID); err != nil {
		return e.internalError(r.Event, "rubric coverage", err)
	}
	if rec.review, err = e.reviewLine(ctx, r.ch, r.User.ID); err != nil {
		return e.internalError(r.Event, "review counts", err)
	}
	rec.grid = ProgressGrid(days, LocalDay(e.now(), ruleCh.Location()), e.marksFor(r.Conv.Platform))
	return Reply{Private: true, Post: mePost(rec)}
}
