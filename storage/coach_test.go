package storage

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

// QuestionDays and LastTeamChannel: what `/pyq me` draws its grid and streak from.
func TestQuestionDaysAndLastTeamChannel(t *testing.T) {
	forEachChannel(t, func(t *testing.T, f *fixture, ch bot.Channel) {
		ch2 := f.channel("T1", "C2")
		right := func(a bot.Answer, _ int) bot.Grade {
			switch a.Keys[0] {
			case "A":
				return bot.Grade{Correct: true, Points: 10}
			case "B":
				return bot.Grade{Points: 5} // partly right
			}
			return bot.Grade{}
		}
		p0 := f.post(ch, 0, bot.KindOutput, "closures")
		f.answer(p0, "U1", "Ann", t0.Add(time.Hour), "A")
		f.close(p0, right)
		p1 := f.post(ch, 1, bot.KindOutput, "closures") // U1 misses day 1
		f.answer(p1, "U2", "Bob", t0.Add(25*time.Hour), "A")
		f.close(p1, right)
		p2a := f.post(ch, 2, bot.KindOutput, "closures")
		p2b := f.post(ch2, 2, bot.KindReview, "security")
		f.answer(p2a, "U1", "Ann", t0.Add(49*time.Hour), "C")
		f.answer(p2b, "U1", "Ann", t0.Add(50*time.Hour), "B")
		f.close(p2a, right)
		f.close(p2b, right)
		p3 := f.post(ch, 3, bot.KindOutput, "closures") // still open: not a question day yet
		f.answer(p3, "U1", "Ann", t0.Add(73*time.Hour), "A")

		days, err := f.db.QuestionDays(f.ctx, ch.WorkspaceID, "U1", 10)
		if err != nil {
			t.Fatal(err)
		}
		want := []bot.DayResult{
			{Day: day(2), Answered: 2, Graded: 2, Right: 0, Scored: 1},
			{Day: day(1)},
			{Day: day(0), Answered: 1, Graded: 1, Right: 1, Scored: 1},
		}
		if fmt.Sprint(days) != fmt.Sprint(want) {
			t.Errorf("QuestionDays(U1) = %+v, want %+v", days, want)
		}
		if days, err := f.db.QuestionDays(f.ctx, ch.WorkspaceID, "U1", 1); err != nil || len(days) != 1 || days[0].Day != day(2) {
			t.Errorf("QuestionDays(limit 1) = %+v, %v", days, err)
		}
		if days, err := f.db.QuestionDays(f.ctx, ch.WorkspaceID, "nobody", 10); err != nil || len(days) != 3 || days[0].Answered != 0 {
			t.Errorf("QuestionDays(nobody) = %+v, %v; want 3 missed days", days, err)
		}

		got, err := f.db.LastTeamChannel(f.ctx, ch.WorkspaceID, "U1")
		if err != nil || got.ID != ch.ID {
			t.Errorf("LastTeamChannel(U1) = %+v, %v; want C1 (its answer on day 3 is the latest)", got, err)
		}
		if _, err := f.db.LastTeamChannel(f.ctx, ch.WorkspaceID, "nobody"); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("LastTeamChannel(nobody) error = %v, want ErrNotFound", err)
		}
	})
}

func TestReports(t *testing.T) {
	forEachChannel(t, func(t *testing.T, f *fixture, ch bot.Channel) {
		other := f.channel("T2", "C1")
		p := f.post(ch, 0, bot.KindOutput, "closures")
		report := func(ws int64, user, question string, post int64) (bot.Report, error) {
			return f.db.CreateReport(f.ctx, ws, bot.Report{QuestionID: question, PostID: post, User: bot.User{ID: user, Name: user},
				Text: "looks wrong", CreatedAt: t0})
		}
		r1, err := report(ch.WorkspaceID, "U1", p.QuestionID, p.ID)
		if err != nil || r1.ID == 0 {
			t.Fatalf("CreateReport = %+v, %v", r1, err)
		}
		if _, err := report(ch.WorkspaceID, "U1", p.QuestionID, p.ID); !errors.Is(err, bot.ErrAlreadyReported) {
			t.Errorf("second open report by U1: err %v, want ErrAlreadyReported", err)
		}
		if _, err := report(ch.WorkspaceID, "U2", p.QuestionID, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := report(other.WorkspaceID, "U3", p.QuestionID, 0); err != nil {
			t.Fatal(err)
		}
		hidden, err := f.db.ReportedQuestions(f.ctx, ch.WorkspaceID, 2)
		if err != nil || !hidden[p.QuestionID] || len(hidden) != 1 {
			t.Errorf("ReportedQuestions(T1, 2) = %v, %v", hidden, err)
		}
		if hidden, _ := f.db.ReportedQuestions(f.ctx, other.WorkspaceID, 2); len(hidden) != 0 {
			t.Errorf("ReportedQuestions(T2, 2) = %v: T1's reports hid it in T2", hidden)
		}
		open, err := f.db.OpenReports(f.ctx, ch.WorkspaceID)
		if err != nil || len(open) != 2 || open[0].ID != r1.ID || open[0].PostID != p.ID || open[1].PostID != 0 || open[0].User.Name != "U1" {
			t.Errorf("OpenReports(T1) = %+v, %v", open, err)
		}
		if _, err := f.db.ClearReport(f.ctx, other.WorkspaceID, r1.ID, "admin", t0); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("clearing T1's report from T2: err %v, want ErrNotFound", err)
		}
		cleared, err := f.db.ClearReport(f.ctx, ch.WorkspaceID, r1.ID, "admin", t0.Add(time.Hour))
		if err != nil || cleared.ClearedBy != "admin" || !cleared.ClearedAt.Equal(t0.Add(time.Hour)) {
			t.Errorf("ClearReport = %+v, %v", cleared, err)
		}
		if _, err := f.db.ClearReport(f.ctx, ch.WorkspaceID, r1.ID, "admin", t0); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("clearing twice: err %v, want ErrNotFound", err)
		}
		if hidden, _ := f.db.ReportedQuestions(f.ctx, ch.WorkspaceID, 2); len(hidden) != 0 {
			t.Errorf("after a clear ReportedQuestions = %v, want none", hidden)
		}
		// Once cleared, the same person may report it again.
		if _, err := report(ch.WorkspaceID, "U1", p.QuestionID, p.ID); err != nil {
			t.Errorf("reporting again after the clear: %v", err)
		}

		f.answer(p, "U1", "Ann", p.PostedAt.Add(time.Minute), "A")
		f.answer(p, "U2", "Bob", p.PostedAt.Add(3*time.Minute), "B", "C")
		f.close(p, func(a bot.Answer, _ int) bot.Grade { return bot.Grade{Correct: a.User.ID == "U1"} })
		stats, err := f.db.QuestionStats(f.ctx)
		want := QuestionStat{QuestionID: p.QuestionID, Asked: 1, Answers: 2, Answerers: 2, Judged: 2, Right: 1,
			Choices: map[string]int{"A": 1, "B": 1, "C": 1}, Reports: 4, OpenReports: 3, MedianAnswer: 2 * time.Minute}
		if err != nil || len(stats) != 1 || fmt.Sprint(stats[0]) != fmt.Sprint(want) {
			t.Errorf("QuestionStats = %+v, %v; want %+v", stats, err, want)
		}
	})
}
