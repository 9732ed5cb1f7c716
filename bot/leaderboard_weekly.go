package bot

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// WeeklyLeaderboardPost is what the leaderboard job posts in a channel: the week's top ten (the week
// containing now, Monday to Sunday in the channel's zone) with points, accuracy, streak and movement
// since last week's final ranking ("new" for someone not ranked last week), the best explanations
// whose votes closed since the channel's last weekly post (this week's, when there was none in
// BestLookbackWeeks), then the longest current streak in the workspace and the all-time top three.
func (e *Engine) WeeklyLeaderboardPost(ctx context.Context, ch Channel, now time.Time) (Post, error) {
	post, _, err := e.weeklyLeaderboard(ctx, ch, now, now, now)
	return post, err
}

// weeklyLeaderboard is WeeklyLeaderboardPost for the week containing due, composed at now, and the
// note its slot keeps: which best explanations it names (see namedNote). A slot caught up late
// ranks the week it was due in: a Sunday-night post sent after midnight is about the week that
// just ended, not the one that began. claimed is when the slot composing it was claimed (now when
// there is none): the channel's earlier weekly posts are those claimed up to then.
func (e *Engine) weeklyLeaderboard(ctx context.Context, ch Channel, due, now, claimed time.Time) (Post, string, error) {
	loc := ch.Location()
	from, to := Week.Range(due, loc)
	week, err := e.store.Leaderboard(ctx, ch.WorkspaceID, from, to)
	if err != nil {
		return Post{}, "", err
	}
	last, err := e.store.Leaderboard(ctx, ch.WorkspaceID, from.AddDate(0, 0, -7), from)
	if err != nil {
		return Post{}, "", err
	}
	allFrom, allTo := All.Range(now, loc)
	all, err := e.store.Leaderboard(ctx, ch.WorkspaceID, allFrom, allTo)
	if err != nil {
		return Post{}, "", err
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
			return Post{}, "", err
		}
		streaks[s.User.ID] = n
	}
	w := weeklyStandings{from: from.In(loc), week: week, lastRank: lastRank, all: all, streaks: streaks}
	if len(all) > 0 {
		upTo := now
		if claimed.After(now) {
			upTo = claimed
		}
		prev, err := e.lastWeeklyPost(ctx, ch, from.AddDate(0, 0, -7*BestLookbackWeeks), upTo)
		if err != nil {
			return Post{}, "", err
		}
		bestFrom := from
		if !prev.at.IsZero() {
			// From lateCloseMargin before the last post, less what the posts since named (see
			// lateCloseMargin); a post from before notes were kept: from just after it.
			w.lastPost, bestFrom = prev.at.In(loc), prev.at.Add(-lateCloseMargin)
			if prev.named == nil {
				bestFrom = prev.at.Add(time.Millisecond)
			}
		}
		// The store keeps milliseconds, so [bestFrom, now+1ms) runs up to and including now: the
		// votes this tick closed before composing it (closeDueVotes).
		best, err := e.store.BestExplanations(ctx, ch.WorkspaceID, bestFrom, now.Add(time.Millisecond))
		if err != nil {
			return Post{}, "", err
		}
		w.best = slices.DeleteFunc(best, func(b BestExplanation) bool { return prev.named[b.PostID] })
	}
	return weeklyLeaderboardPost(w), namedNote(w.best), nil
}

// BestLookbackWeeks is how far back the weekly post looks for the channel's previous one: far
// enough that a Friday skipped for a holiday, or lost to downtime, leaves no best explanation
// unnamed; not so far that a leaderboard job turned back on after months names a season of them.
const BestLookbackWeeks = 4

// weeklyPost is a channel's previous weekly post: when it claimed its slot, and the posts whose
// best explanations it, or another weekly post of the channel within lateCloseMargin before it,
// named; nil when one of their slots' notes does not say (as before notes were kept).
type weeklyPost struct {
	at    time.Time
	named map[int64]bool
}

// lateCloseMargin is how far before the previous weekly post the next one looks for best
// explanations it did not name. A vote close is stamped with the time it read before its
// transaction committed, and the commit can land after a post composed at a later instant: a
// reveal in another channel of the same tick (slots in different channels run at once), one
// waiting on the database's write lock, another replica's whose clock is behind. Such a close
// would otherwise fall before the next post's window and be named in none. An hour is far more
// than any of those delays; the notes of the posts in it say what they named, so nothing is
// named twice.
const lateCloseMargin = time.Hour

// namedPrefix starts the leaderboard slot's note, followed by the posts whose best explanations the
// weekly post named: "leaderboard; named best explanations of #12 #15" (or "none").
const namedPrefix = "leaderboard; named best explanations of"

// namedNote is the leaderboard slot's note for a post naming best.
func namedNote(best []BestExplanation) string {
	var b strings.Builder
	b.WriteString(namedPrefix)
	for i, x := range best {
		if i == 0 || x.PostID != best[i-1].PostID { // a tie awards several of one post's, in a row
			fmt.Fprintf(&b, " #%d", x.PostID)
		}
	}
	if len(best) == 0 {
		b.WriteString(" none")
	}
	return b.String()
}

// parseNamed reads namedNote's list back; nil for a note without one.
func parseNamed(note string) map[int64]bool {
	list, ok := strings.CutPrefix(note, namedPrefix)
	if !ok {
		return nil
	}
	named := map[int64]bool{}
	for _, f := range strings.Fields(list) {
		if id, err := strconv.ParseInt(strings.TrimPrefix(f, "#"), 10, 64); err == nil {
			named[id] = true
		}
	}
	return named
}

// lastWeeklyPost is the channel's last weekly post claimed up to upTo (at: when it claimed its
// slot, at or after the time its tick composed the post), or zero when it has not posted since
// notBefore.
//
// Why the best explanations run from the last post and not from Monday: with the default schedule
// Thursday's vote closes at Friday's 17:00 reveal and Friday's a day later, both after Friday's 16:00
// post and both in that week. Counted from Monday they would never be named; counted from the last
// post every best explanation is named once, in the first weekly post after its vote closed.
func (e *Engine) lastWeeklyPost(ctx context.Context, ch Channel, notBefore, upTo time.Time) (weeklyPost, error) {
	slots, err := e.sched.store.Slots(ctx, ch.ID, JobLeaderboard)
	if err != nil {
		return weeklyPost{}, err
	}
	// Posted slots only: the one composing now is still claimed. Not after upTo, the composing
	// slot's claim, rather than the tick's time: two slots caught up in one tick share that time,
	// and each is claimed when it starts (the first's claim is after the tick's time as soon as
	// anything in the tick took a moment), and the second must see the first.
	var posted []SlotClaim
	var last weeklyPost
	for _, s := range slots {
		if s.State == SlotPosted && !s.ClaimedAt.After(upTo) && !s.ClaimedAt.Before(notBefore) {
			posted = append(posted, s)
			if s.ClaimedAt.After(last.at) {
				last.at = s.ClaimedAt
			}
		}
	}
	if last.at.IsZero() {
		return last, nil
	}
	last.named = map[int64]bool{}
	for _, s := range posted {
		if s.ClaimedAt.Before(last.at.Add(-lateCloseMargin)) {
			continue
		}
		named := parseNamed(s.Note)
		if named == nil {
			last.named = nil
			break
		}
		for id := range named {
			last.named[id] = true
		}
	}
	return last, nil
}
