package bot

import (
	"context"
	"sort"
	"time"
)

// ruleChannel is the channel whose rules (reveal time, open questions) `/pyq me` states: the
// channel asked from when it is a team channel, else (a DM, the Slack Home tab) the user's most
// recent team channel in the workspace.
func (e *Engine) ruleChannel(ctx context.Context, r request) (Channel, error) {
	_, err := e.store.LatestPost(ctx, r.ch.ID)
	if err == nil || !isNotFound(err) {
		return r.ch, err
	}
	ch, err := e.store.LastTeamChannel(ctx, r.ch.WorkspaceID, r.User.ID)
	if isNotFound(err) {
		return r.ch, nil
	}
	return ch, err
}

// streakLines states the user's streak and the rule in force, e.g.
// "Streak 12 · 1 freeze · answer before Wed 17:00 UTC (in 7h 0m) to keep it without spending a freeze".
func (e *Engine) streakLines(ctx context.Context, r request, ch Channel, s StreakState) (string, error) {
	todo, err := e.streakTodo(ctx, ch, r.User.ID)
	if err != nil {
		return "", err
	}
	return streakText(s, todo), nil
}

// streakTodo is what keeps the streak: "answer before Wed 17:00 UTC (in 7h 0m)" for the open
// question revealed first that the user has not answered (and whose day they have not answered
// another question of), "" when they have, or the next question when none is open.
func (e *Engine) streakTodo(ctx context.Context, ch Channel, userID string) (string, error) {
	open, err := e.store.OpenPosts(ctx, ch.ID)
	if err != nil {
		return "", err
	}
	if len(open) == 0 {
		return "answer the next question before its reveal", nil
	}
	answeredDay := map[string]bool{}
	for _, p := range open {
		answers, err := e.store.Answers(ctx, p.ID)
		if err != nil {
			return "", err
		}
		for _, a := range answers {
			if a.User.ID == userID {
				answeredDay[p.Day] = true
			}
		}
	}
	var todo []PostedQuestion
	for _, p := range open {
		if !answeredDay[p.Day] {
			todo = append(todo, p)
		}
	}
	if len(todo) == 0 {
		return "", nil
	}
	// The one revealed first is the deadline; one revealed only by hand has none, so it comes last.
	reveal := make(map[int64]time.Time, len(todo))
	for _, p := range todo {
		reveal[p.ID] = e.revealTime(ctx, ch, p)
	}
	sort.SliceStable(todo, func(i, j int) bool {
		a, b := reveal[todo[i].ID], reveal[todo[j].ID]
		return !a.IsZero() && (b.IsZero() || a.Before(b))
	})
	first := todo[0]
	what := "answer"
	if len(open) > 1 {
		what = "answer " + first.ShortRef()
	}
	at := reveal[first.ID]
	if at.IsZero() {
		return what + " before an admin reveals it", nil
	}
	return what + " before " + formatWhen(at, e.now(), ch.Location()), nil
}
