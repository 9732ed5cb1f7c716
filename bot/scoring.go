package bot

import (
	"slices"
	"strings"
)

// The scoring rules. A streak rewards showing up on consecutive question days, right or wrong, so
// nobody is punished for weekends or holidays when the team had no question; freezes (streak.go)
// forgive the odd missed day.
const (
	CorrectPoints  = 10 // a right answer
	DesignPoints   = 5  // answering a design question: there is no single right answer
	MaxStreakBonus = 5  // +1 for each consecutive question day answered before this one, capped
	HintPenalty    = 3  // a debugging challenge's right answer is worth this much less per hint shown
	MinHintPoints  = 1  // a right answer is never worth less than this, however many hints
)

// ScoringHelp is what `/pyq help scoring` shows. Keep it in step with Score.
const ScoringHelp = "• A right answer: 10 points.\n" +
	"• Review questions (pick all that apply): all the real problems and nothing else = 10 points; " +
	"some of them and no wrong pick = a share of 10 (2 of 4 = 5); any wrong pick = 0.\n" +
	"• Design questions have no single right answer: answering earns 5 points, and the reveal posts a rubric.\n" +
	"• Streak: the number of question days in a row you answered (right or wrong). " +
	"Days without a question do not break it. Every 5 question days answered in a row earn a freeze (at most 2 banked): " +
	"a missed question day spends one automatically and the streak goes on (the missed day does not add to it). " +
	"Every full-credit answer earns +1 per day of streak before today, at most +5.\n" +
	"• Debugging challenges post hints in their thread over the day: a right answer is worth 10 points " +
	"minus 3 for each hint already shown when you answered (10, 7, 4, …, never below 1), plus the streak bonus.\n" +
	"• Best explanation: at a reveal the team votes for the best reason (`/pyq answer B because …`) or design answer; " +
	"when the vote closes (24 h later or at the next reveal) the one(s) with the most votes, at least 2, earn +5 points, " +
	"counted in the week and month the vote closed.\n" +
	"• Design rubric: after a design reveal, `/pyq rubric` (or the thread's \"Check my answer against the rubric\") lets you tick what your answer covered. " +
	"It is feedback, not points: only you see it, the leaderboard never does, and `/pyq me` shows your coverage over time.\n" +
	"• Your first answer locks. Points land at the reveal. Practice questions never count on the leaderboard."

// StreakBonus is the bonus for an answer given on the streak-th consecutive day.
func StreakBonus(streak int) int {
	return min(max(streak-1, 0), MaxStreakBonus)
}

// Score grades keys (or free text) against q. streak includes the day being graded.
func Score(q *Question, keys []string, text string, streak int) Grade {
	return ScoreWithHints(q, keys, text, streak, 0)
}

// ScoreWithHints is Score for an answer given after hints of a debugging challenge were shown:
// a right answer loses HintPenalty per hint, down to MinHintPoints, before the streak bonus.
func ScoreWithHints(q *Question, keys []string, text string, streak, hints int) Grade {
	g := score(q, keys, text, streak)
	if hints > 0 && g.Correct && !q.FreeText() && !q.MultiSelect() {
		bonus := StreakBonus(streak)
		g.Points = HintedPoints(hints) + bonus
	}
	return g
}

// HintedPoints is what a right answer (before any streak bonus) is worth with hints shown.
func HintedPoints(hints int) int { return max(CorrectPoints-HintPenalty*hints, MinHintPoints) }

func score(q *Question, keys []string, text string, streak int) Grade {
	switch {
	case q.FreeText():
		if strings.TrimSpace(text) == "" {
			return Grade{}
		}
		// Always points: storage tells a withdrawn question's answer (unjudged, 0 points, see
		// storage.QuestionDays) from a design answer by them, so a design answer must never score 0.
		return Grade{Unjudged: true, Points: DesignPoints + StreakBonus(streak)}
	case q.MultiSelect():
		right, wrong := 0, 0
		for _, k := range keys {
			if slices.Contains(q.Answer, k) {
				right++
			} else {
				wrong++
			}
		}
		if wrong > 0 || right == 0 {
			return Grade{}
		}
		if right == len(q.Answer) {
			return Grade{Correct: true, Points: CorrectPoints + StreakBonus(streak)}
		}
		return Grade{Points: CorrectPoints * right / len(q.Answer)}
	default:
		if len(keys) == 1 && len(q.Answer) == 1 && keys[0] == q.Answer[0] {
			return Grade{Correct: true, Points: CorrectPoints + StreakBonus(streak)}
		}
		return Grade{}
	}
}
