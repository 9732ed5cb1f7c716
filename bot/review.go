package bot

import (
	"context"
	"slices"
	"time"
)

// How missed questions come back
//
// Every question a user answers wrong or only partly right, in a team question, a debugging
// challenge or practice, enters that user's review queue (per workspace, like the leaderboard). It
// comes back on a Leitner schedule: box 1 is due a day after the miss; a right answer once it is due
// moves it a box up (due 3, 7, 16, 35 days later); a right answer in the last box masters it; a wrong
// answer, in any box or after mastery, sends it back to box 1. A right answer before it is due
// changes nothing: remembering it an hour later is not the spacing that makes it stick. A review is
// due on its whole due day in the channel's zone, so practising at 08:00 serves the one missed at
// 09:00 three days before, and `/pyq me`'s "due today" is what `/pyq practice` serves. Design
// questions have no right answer, so they never enter the queue.

// ReviewIntervals are the days from entering each Leitner box to being due again.
var ReviewIntervals = []int{1, 3, 7, 16, 35}

// Review is where one missed question stands in a user's queue.
type Review struct {
	QuestionID string
	Box        int // 1..len(ReviewIntervals)
	DueAt      time.Time
	MissedAt   time.Time // the last wrong answer, for "you missed this on Mon 23 Nov"
	Mastered   bool
}

// ReviewCounts is a user's queue at a glance.
type ReviewCounts struct{ Due, Waiting, Mastered int }

// ReviewStore keeps review queues.
type ReviewStore interface {
	// UpdateReview reads the user's review of questionID (found false when there is none) and saves
	// what next returns when save is true, in one transaction.
	UpdateReview(ctx context.Context, workspaceID int64, user User, questionID string, at time.Time,
		next func(r Review, found bool) (Review, bool)) error
	// DueReviews lists the user's unmastered reviews due at or before at, oldest due first.
	DueReviews(ctx context.Context, workspaceID int64, userID string, at time.Time) ([]Review, error)
	// ReviewCounts counts reviews due at or before dueBy, waiting after it, and mastered.
	ReviewCounts(ctx context.Context, workspaceID int64, userID string, dueBy time.Time) (ReviewCounts, error)
}

// NextReview applies one graded answer given at at to a review; save is false when nothing changes.
// dueBy is the end of at's day (ReviewDueBy): a review due by then counts as due.
func NextReview(r Review, found, right bool, at, dueBy time.Time) (Review, bool) {
	days := func(box int) time.Duration { return time.Duration(ReviewIntervals[box-1]) * 24 * time.Hour }
	switch {
	case !right:
		return Review{QuestionID: r.QuestionID, Box: 1, DueAt: at.Add(days(1)), MissedAt: at}, true
	case !found, r.Mastered, dueBy.Before(r.DueAt):
		return r, false
	case r.Box >= len(ReviewIntervals):
		r.Mastered = true
		return r, true
	default:
		r.Box++
		r.DueAt = at.Add(days(r.Box))
		return r, true
	}
}

// applyReview records a graded answer in the user's queue. A failure is logged and swallowed: the
// answer itself is committed, and the queue is a coach's note, not the record.
func (e *Engine) applyReview(ctx context.Context, ch Channel, user User, q *Question, right bool) {
	if q == nil || q.FreeText() {
		return
	}
	now := e.now()
	dueBy := ReviewDueBy(now, ch.Location())
	err := e.store.UpdateReview(ctx, ch.WorkspaceID, user, q.ID, now, func(r Review, found bool) (Review, bool) {
		return NextReview(r, found, right, now, dueBy)
	})
	if err != nil {
		e.log.Error("updating the review queue failed", convArgs(ch.Conv, "user", user.ID, "question", q.ID, "err", err)...)
	}
}

// ReviewDueBy is the last millisecond (the store's precision) of now's day in loc: reviews due by
// then are due today.
func ReviewDueBy(now time.Time, loc *time.Location) time.Time {
	l := now.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day()+1, 0, 0, 0, 0, loc).Add(-time.Millisecond)
}

// reviewLine is `/pyq me`'s summary of the user's queue, or "" when it is empty.
func (e *Engine) reviewLine(ctx context.Context, ch Channel, userID string) (string, error) {
	c, err := e.store.ReviewCounts(ctx, ch.WorkspaceID, userID, ReviewDueBy(e.now(), ch.Location()))
	if err != nil || c == (ReviewCounts{}) {
		return "", err
	}
	return reviewCountsLine(c), nil
}

// shuffledChoices shows q's choices in the given order of its keys, lettered A, B, … again, with the
// answer key following its choices; a review uses it so the letter cannot be remembered.
func shuffledChoices(q *Question, order []string) *Question {
	if len(order) != len(q.Choices) {
		return q
	}
	c := *q
	c.Choices = make([]Choice, len(order))
	letter := map[string]string{}
	for i, key := range order {
		orig, ok := q.Choice(key)
		if !ok {
			return q
		}
		orig.Key = string(rune('A' + i))
		c.Choices[i] = orig
		letter[key] = orig.Key
	}
	c.Answer = make([]string, len(q.Answer))
	for i, k := range q.Answer {
		c.Answer[i] = letter[k]
	}
	slices.Sort(c.Answer)
	return &c
}

// newOrder is a random order of q's choice keys in which the right answer's letters change (a
// rotation by one when shuffling keeps them: it moves every choice, and a keyed set that is not every
// choice cannot map onto itself).
func (e *Engine) newOrder(q *Question) []string {
	n := len(q.Choices)
	if n < 2 {
		return nil
	}
	order := make([]string, n)
	for i, c := range q.Choices {
		order[i] = c.Key
	}
	for i := n - 1; i > 0; i-- {
		j := e.intn(i + 1)
		order[i], order[j] = order[j], order[i]
	}
	if slices.Equal(shuffledChoices(q, order).Answer, q.Answer) {
		for i, c := range q.Choices {
			order[(i+n-1)%n] = c.Key
		}
	}
	return order
}
