package bot

import "context"

// DayResult is one user's record on one question day of a workspace (a day with a revealed
// question). Answered counts every answer the user gave to that day's questions; Graded, Right and
// Scored only the graded ones, and of those not an answer to a question withdrawn from the bank
// while open (withdrawn.go): it was never judged, so its day shows partial, not right or wrong.
type DayResult struct {
	Day      string // YYYY-MM-DD, the posting channel's local date
	Answered int
	Graded   int
	Right    int // fully right; a design answer counts, as it earns the full design points
	Scored   int // earned any points: a review question partly right is scored, not right
}

// ProgressStore reads what `/pyq me` draws: streaks, freezes and the grid of question days.
type ProgressStore interface {
	// QuestionDays lists the workspace's question days, newest first, at most limit of them, with
	// the user's results on each (zero counts on a day they missed).
	QuestionDays(ctx context.Context, workspaceID int64, userID string, limit int) ([]DayResult, error)
	// LastTeamChannel is the channel of the team question the user answered most recently in the
	// workspace: where a command asked from a DM takes its rules from. ErrNotFound when none.
	LastTeamChannel(ctx context.Context, workspaceID int64, userID string) (Channel, error)
}

// MaxStreakDays bounds how many question days a streak is computed over: a year and a half of
// daily questions, so `/pyq me` reads a bounded number of rows.
const MaxStreakDays = 550

// streakOfDays applies the streak rule to what QuestionDays returned.
func streakOfDays(days []DayResult) StreakState {
	list := make([]string, len(days))
	answered := make(map[string]bool, len(days))
	for i, d := range days {
		list[i] = d.Day
		if d.Answered > 0 {
			answered[d.Day] = true
		}
	}
	return StreakOf(list, answered)
}
