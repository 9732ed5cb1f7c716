package storage

import (
	"reflect"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

// The export reconciles with the leaderboard: each user's points plus best-explanation bonuses over
// the exported answers are their all-time leaderboard points, and each answer carries its reason
// and its bonus with when the vote closed.
func TestExportAddsUpToTheLeaderboard(t *testing.T) {
	forEachFixture(t, func(t *testing.T, f *fixture) {
		p, _ := votedPost(f) // ada, bo and cy answered with reasons, 10 points each
		for _, voter := range []string{"bo", "cy", "dee"} {
			if _, err := f.db.CastVote(f.ctx, p.ID, bot.User{ID: voter, Name: voter}, 1, p.RevealAt.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
		closedAt := p.RevealAt.Add(bot.VoteWindow)
		if _, err := f.db.CloseVote(f.ctx, p.ID, closedAt, bot.Award); err != nil {
			t.Fatal(err)
		}
		// A second day: bo answers without a reason and is graded; ada's answer is still open.
		ch := f.channel("T1", "C1")
		p2 := f.post(ch, 1, bot.KindOutput, "generators")
		f.answer(p2, "bo", "bo", t0.AddDate(0, 0, 1).Add(time.Minute), "B")
		f.close(p2, func(bot.Answer, int) bot.Grade { return bot.Grade{Correct: true, Points: 7} })
		p3 := f.post(ch, 2, bot.KindOutput, "async")
		f.answer(p3, "ada", "ada", t0.AddDate(0, 0, 2).Add(time.Minute), "A")

		exported := map[string]int{}
		var rows []ExportedAnswer
		if err := f.db.ExportAnswers(f.ctx, func(a ExportedAnswer) error {
			rows = append(rows, a)
			exported[a.UserName] += a.Points + a.Bonus
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		from, to := bot.AllTime()
		board, err := f.db.Leaderboard(f.ctx, ch.WorkspaceID, from, to)
		if err != nil {
			t.Fatal(err)
		}
		leader := map[string]int{}
		for _, s := range board {
			leader[s.User.Name] = s.Points
		}
		if want := map[string]int{"ada": 15, "bo": 17, "cy": 10}; !reflect.DeepEqual(leader, want) {
			t.Fatalf("leaderboard = %v, want %v", leader, want)
		}
		if !reflect.DeepEqual(exported, leader) {
			t.Errorf("export totals (points + bonus) = %v, leaderboard = %v: they must agree", exported, leader)
		}

		if len(rows) != 5 {
			t.Fatalf("%d rows exported, want 5", len(rows))
		}
		ada := rows[0]
		if ada.UserName != "ada" || ada.Reason != "because ada" || ada.Bonus != bot.BestExplanationBonus ||
			ada.BonusAt == nil || !ada.BonusAt.Equal(closedAt) {
			t.Errorf("ada's row = %+v, want her reason and the %d-point bonus awarded at %v", ada, bot.BestExplanationBonus, closedAt)
		}
		if bo := rows[1]; bo.UserName != "bo" || bo.Reason != "because bo" || bo.Bonus != 0 || bo.BonusAt != nil {
			t.Errorf("bo's first row = %+v, want his reason and no bonus", bo)
		}
		if bo := rows[3]; bo.Reason != "" || bo.Points != 7 || bo.Bonus != 0 {
			t.Errorf("bo's second row = %+v, want no reason, 7 points, no bonus", bo)
		}
	})
}
