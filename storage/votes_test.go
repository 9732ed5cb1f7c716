package storage

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

// votedPost is a graded post with three answers carrying reasons and an open round on them.
func votedPost(f *fixture) (bot.PostedQuestion, []bot.Answer) {
	f.tb.Helper()
	ch := f.channel("T1", "C1")
	p := f.post(ch, 0, bot.KindOutput, "closures")
	for _, u := range []string{"ada", "bo", "cy"} {
		if _, err := f.db.RecordAnswer(f.ctx, bot.Answer{PostID: p.ID, User: bot.User{ID: u, Name: u}, Keys: []string{"A"},
			Reason: "because " + u, AnsweredAt: t0.Add(time.Minute)}); err != nil {
			f.tb.Fatal(err)
		}
	}
	graded := f.close(p, func(bot.Answer, int) bot.Grade { return bot.Grade{Correct: true, Points: 10} })
	ids := []int64{graded[0].ID, graded[1].ID, graded[2].ID}
	if err := f.db.OpenVote(f.ctx, p.ID, ids, p.RevealAt, p.RevealAt.Add(bot.VoteWindow)); err != nil {
		f.tb.Fatal(err)
	}
	return p, graded
}

// The close and its bonuses are one transaction: when the transaction fails after the tally (here
// the context ends inside it), the round stays open, no bonus exists and the totals are unchanged;
// the next close then awards it exactly once.
func TestVoteCloseAndBonusAreOneTransaction(t *testing.T) {
	forEachFixture(t, func(t *testing.T, f *fixture) {
		p, graded := votedPost(f)
		for _, voter := range []string{"bo", "cy", "dee"} {
			n := 1
			if voter == "dee" {
				n = 2
			}
			if _, err := f.db.CastVote(f.ctx, p.ID, bot.User{ID: voter, Name: voter}, n, p.RevealAt.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
		before := dumpTotals(t, f.db)
		ctx, cancel := context.WithCancel(f.ctx)
		at := p.RevealAt.Add(bot.VoteWindow)
		_, err := f.db.CloseVote(ctx, p.ID, at, func(tl bot.Tally) map[int]int {
			cancel() // the bonus inserts that follow fail: the close must roll back with them
			return bot.Award(tl)
		})
		if err == nil {
			t.Fatal("CloseVote succeeded with its context cancelled mid-transaction")
		}
		round, err := f.db.VoteRound(f.ctx, p.ID)
		if err != nil || !round.Open() {
			t.Fatalf("after the failed close the round is %+v (%v), want it still open", round, err)
		}
		if n := f.count(`SELECT COUNT(*) FROM bonuses`); n != 0 {
			t.Fatalf("%d bonuses after the failed close, want 0", n)
		}
		if after := dumpTotals(t, f.db); !reflect.DeepEqual(before, after) {
			t.Fatalf("totals changed by the failed close:\nbefore %v\nafter  %v", before, after)
		}

		out, err := f.db.CloseVote(f.ctx, p.ID, at, bot.Award)
		if err != nil {
			t.Fatal(err)
		}
		if want := (bot.Tally{1: 2, 2: 1}); !reflect.DeepEqual(out.Tally, want) || !reflect.DeepEqual(out.Awarded, map[int]int{1: 5}) {
			t.Fatalf("close = tally %v awarded %v, want %v and {1: 5}", out.Tally, out.Awarded, want)
		}
		if _, err := f.db.CloseVote(f.ctx, p.ID, at, bot.Award); !errors.Is(err, bot.ErrVoteClosed) {
			t.Fatalf("second close: %v, want ErrVoteClosed", err)
		}
		if n := f.count(`SELECT COUNT(*) FROM bonuses WHERE answer_id = ? AND points = 5 AND awarded_at = ?`, graded[0].ID, millis(at)); n != 1 {
			t.Fatalf("%d bonuses for ada's answer at the close, want 1", n)
		}
		kept := dumpTotals(t, f.db)
		if err := f.db.rebuildTotals(f.ctx); err != nil {
			t.Fatal(err)
		}
		if rebuilt := dumpTotals(t, f.db); !reflect.DeepEqual(kept, rebuilt) {
			t.Fatalf("totals after the bonus differ from a rebuild:\nkept    %v\nrebuilt %v", kept, rebuilt)
		}
		best, err := f.db.BestExplanations(f.ctx, p.WorkspaceID, at, at.Add(time.Second))
		if err != nil || len(best) != 1 || best[0].User.ID != "ada" || best[0].Votes != 2 || best[0].PostID != p.ID {
			t.Fatalf("best explanations = %+v (%v), want ada's with 2 votes", best, err)
		}
		if st, _ := f.db.UserStats(f.ctx, p.WorkspaceID, "ada", bot.UnjudgedKinds()); st.Points != 15 {
			t.Errorf("ada's stats show %d points, want 10 + 5", st.Points)
		}
	})
}

// Votes after the close, for a candidate that does not exist, or on a post without a round are
// refused and change nothing; a changed vote replaces the first.
func TestCastVoteRules(t *testing.T) {
	forEachFixture(t, func(t *testing.T, f *fixture) {
		p, _ := votedPost(f)
		dee := bot.User{ID: "dee", Name: "Dee"}
		if res, err := f.db.CastVote(f.ctx, p.ID, dee, 1, t0); err != nil || res.Previous != 0 {
			t.Fatalf("first vote: %+v %v", res, err)
		}
		if res, err := f.db.CastVote(f.ctx, p.ID, dee, 3, t0); err != nil || res.Previous != 1 {
			t.Fatalf("changed vote: %+v %v, want previous 1", res, err)
		}
		if _, err := f.db.CastVote(f.ctx, p.ID, dee, 4, t0); !errors.Is(err, bot.ErrNotFound) {
			t.Fatalf("vote for 4 of 3: %v, want ErrNotFound", err)
		}
		if _, err := f.db.CastVote(f.ctx, p.ID+1, dee, 1, t0); !errors.Is(err, bot.ErrNotFound) {
			t.Fatalf("vote on a post without a round: %v, want ErrNotFound", err)
		}
		if n := f.count(`SELECT COUNT(*) FROM votes WHERE post_id = ? AND n = 3`, p.ID); n != 1 {
			t.Fatalf("%d votes for 3, want Dee's one", n)
		}
		if _, err := f.db.CloseVote(f.ctx, p.ID, t0.Add(time.Hour), bot.Award); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.CastVote(f.ctx, p.ID, dee, 2, t0); !errors.Is(err, bot.ErrVoteClosed) {
			t.Fatalf("vote after the close: %v, want ErrVoteClosed", err)
		}
		if n := f.count(`SELECT COUNT(*) FROM votes WHERE post_id = ? AND n = 2`, p.ID); n != 0 {
			t.Fatal("a vote after the close was recorded")
		}
		// Opening a round twice keeps the first.
		if err := f.db.OpenVote(f.ctx, p.ID, nil, t0, t0); err != nil {
			t.Fatal(err)
		}
		if round, _ := f.db.VoteRound(f.ctx, p.ID); len(round.Candidates) != 3 || round.Candidates[0].Text != "because ada" {
			t.Fatalf("round after a second open = %+v", round)
		}
	})
}
