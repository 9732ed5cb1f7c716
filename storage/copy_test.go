package storage

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

// A team's history on SQLite (answers graded and pending, practice, reviews, schedules, claims,
// hints, a vote with its bonus, replays) copies into an empty PostgreSQL database with every
// table's count equal and equal leaderboards; the copied store then keeps working (new ids do not
// collide with copied ones). A second copy into the now non-empty target is refused.
func TestCopySQLiteToPostgres(t *testing.T) {
	pg := postgresOnly(t)
	ctx := context.Background()
	f := newFixture(t, sqliteBackend)
	grade := func(a bot.Answer, streak int) bot.Grade {
		right := len(a.Keys) == 1 && a.Keys[0] == "A"
		p := 0
		if right {
			p = 10 + streak
		}
		return bot.Grade{Correct: right, Points: p}
	}
	chans := []bot.Channel{f.channel("T1", "C1"), f.channel("T1", "C2"), f.channel("T2", "C1")}
	var last bot.PostedQuestion
	for d := range 12 {
		for ci, ch := range chans {
			p := f.post(ch, d, bot.KindOutput, fmt.Sprintf("topic%d", ci))
			for u := range 5 {
				key := string(rune('A' + (u+d)%3))
				f.answer(p, fmt.Sprintf("U%d", u), fmt.Sprintf("user %d", u), t0.AddDate(0, 0, d).Add(time.Duration(u)*time.Minute), key)
			}
			if d < 11 {
				f.close(p, grade)
			}
			last = p
		}
	}
	if err := f.db.RecordHint(ctx, last.ID, 1, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.ClaimReplay(ctx, bot.ReplayRequest, "sig-1", t0, time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.db.ClaimSlot(ctx, bot.SlotKey{ChannelID: chans[0].ID, Job: bot.JobQuestion, Slot: "2026-03-02T09:00 UTC"}, t0, "me", t0, time.Minute, 3); err != nil {
		t.Fatal(err)
	}
	pr, err := f.db.CreatePractice(ctx, bot.Practice{WorkspaceID: chans[0].WorkspaceID, User: bot.User{ID: "U1", Name: "user 1"},
		QuestionID: "q-x", Topic: "topic0", Kind: bot.KindOutput, AskedAt: t0})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.AnswerPractice(ctx, pr.ID, []string{"B"}, false, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}

	dst := mustOpen(t, pg)
	res, err := Copy(ctx, f.db, dst)
	if err != nil {
		t.Fatalf("Copy: %v", err)
	}
	counted := map[string]int64{}
	for _, c := range res.Tables {
		counted[c.Table] = c.Target
	}
	for table, want := range map[string]int64{"workspaces": 2, "channels": 3, "users": 10, "posts": 36, "answers": 180, "practice": 1, "post_hints": 1, "replays": 1, "slot_claims": 1} {
		if counted[table] != want {
			t.Errorf("%s: %d rows copied, want %d", table, counted[table], want)
		}
	}
	if res.Leaderboards != 6 {
		t.Errorf("%d leaderboards compared, want 6 (2 workspaces × 3 periods)", res.Leaderboards)
	}
	// The copy keeps working: a new post and answer get fresh ids.
	p, err := dst.CreatePost(ctx, bot.PostedQuestion{ChannelID: chans[0].ID, WorkspaceID: chans[0].WorkspaceID, QuestionID: "q-new",
		Kind: bot.KindOutput, Topic: "t", PostedAt: t0.AddDate(0, 0, 20), Day: day(20), RevealAt: t0.AddDate(0, 0, 21)})
	if err != nil {
		t.Fatalf("CreatePost on the copy: %v", err)
	}
	if p.ID <= last.ID {
		t.Errorf("new post id %d on the copy, want past the copied ids (%d)", p.ID, last.ID)
	}
	if _, err := dst.RecordAnswer(ctx, bot.Answer{PostID: p.ID, User: bot.User{ID: "U9", Name: "new"}, Keys: []string{"A"}, AnsweredAt: t0.AddDate(0, 0, 20)}); err != nil {
		t.Fatalf("RecordAnswer on the copy: %v", err)
	}

	if _, err := Copy(ctx, f.db, dst); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("second Copy into the filled target = %v, want it refused as not empty", err)
	}
}
