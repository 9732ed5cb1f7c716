package storage

import (
	"fmt"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

// An answer to a question withdrawn from the bank while open is graded unjudged with no points
// (bot/withdrawn.go): correct NULL as a design answer's, but of a judged kind. It stays out of
// accuracy, topics included (where it made SUM(correct) NULL, and /pyq me fail), is answered but
// not graded right or wrong in the grid's day, and counts for the streak.
func TestWithdrawnAnswers(t *testing.T) {
	forEachChannel(t, func(t *testing.T, f *fixture, ch bot.Channel) {
		p0 := f.post(ch, 0, bot.KindOutput, "closures")
		f.answer(p0, "U1", "Ann", t0.Add(time.Hour), "A")
		f.close(p0, func(bot.Answer, int) bot.Grade { return bot.Grade{Correct: true, Points: 10} })
		p1 := f.post(ch, 1, bot.KindOutput, "exceptions")
		f.answer(p1, "U1", "Ann", t0.Add(25*time.Hour), "B")
		f.close(p1, func(bot.Answer, int) bot.Grade { return bot.Grade{Unjudged: true} })

		st, err := f.db.UserStats(f.ctx, ch.WorkspaceID, "U1", bot.UnjudgedKinds())
		if err != nil {
			t.Fatalf("UserStats: %v", err)
		}
		if st.Answered != 2 || st.Judged != 1 || st.Correct != 1 || st.Points != 10 {
			t.Errorf("UserStats = answered %d, judged %d, correct %d, points %d; want 2, 1, 1, 10", st.Answered, st.Judged, st.Correct, st.Points)
		}
		if got, want := fmt.Sprint(st.Topics), fmt.Sprint([]bot.TopicStat{{Topic: "closures", Answered: 1, Correct: 1}}); got != want {
			t.Errorf("Topics = %s, want %s (no exceptions row)", got, want)
		}
		days, err := f.db.QuestionDays(f.ctx, ch.WorkspaceID, "U1", 10)
		if err != nil {
			t.Fatal(err)
		}
		want := []bot.DayResult{{Day: day(1), Answered: 1}, {Day: day(0), Answered: 1, Graded: 1, Right: 1, Scored: 1}}
		if fmt.Sprint(days) != fmt.Sprint(want) {
			t.Errorf("QuestionDays = %+v, want %+v", days, want)
		}
		if n, err := f.db.Streak(f.ctx, ch.WorkspaceID, "U1"); err != nil || n != 2 {
			t.Errorf("Streak = %d, %v; want 2", n, err)
		}
		from, to := bot.AllTime()
		board, err := f.db.Leaderboard(f.ctx, ch.WorkspaceID, from, to)
		if err != nil || len(board) != 1 || board[0].Judged != 1 || board[0].Correct != 1 || board[0].Points != 10 {
			t.Errorf("Leaderboard = %+v, %v; want 10 points, 1/1", board, err)
		}
	})
}
