package bot_test

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/adapters/console"
	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestDebugChallengeInTerminal plays a Wednesday in the terminal adapter: the question of the day at
// 09:00; the debugging challenge at 10:00 with its thread; hints in the thread at +2h and +4h; answers
// before and after each hint scoring 10, 7 and 4; and the 17:00 reveal of the fix in the thread.
func TestDebugChallengeInTerminal(t *testing.T) {
	ctx := context.Background()
	clk := testkit.NewFakeClock(time.Date(2026, 3, 4, 8, 0, 0, 0, time.UTC)) // a Wednesday
	// The terminal's input is topped up as the day goes: each console Run reads what is queued,
	// handles it line by line and returns at the end of it, so the test interleaves typed commands
	// and clock ticks without sleeping.
	in, out := &testkit.SyncBuffer{}, &testkit.SyncBuffer{}
	term := console.New(in, out, "alice")
	k := testkit.NewEngine(t, testkit.Options{Questions: schedQuestions(), Clock: clk, Zone: "UTC", Adapters: []bot.Adapter{term},
		Schedules: []bot.Schedule{
			{Job: bot.JobQuestion, Spec: "0 9 * * 1-5", Enabled: true},
			{Job: bot.JobDebug, Spec: "0 10 * * 3", Enabled: true, HintOffsets: []time.Duration{2 * time.Hour, 4 * time.Hour}},
			{Job: bot.JobReveal, Spec: "0 17 * * 1-5", Enabled: true},
		}})
	e, db := k.Engine, k.Store
	if _, err := e.EnsureChannel(ctx, console.Conversation); err != nil { // as `pyqbot console` does
		t.Fatal(err)
	}
	mark := 0
	tick := func(h, m int) string {
		t.Helper()
		now := time.Date(2026, 3, 4, h, m, 0, 0, time.UTC)
		clk.Set(now)
		if err := e.Tick(ctx, now); err != nil {
			t.Fatalf("tick %02d:%02d: %v", h, m, err)
		}
		var s string
		s, mark = out.Since(mark)
		return s
	}
	typeAt := func(h, m int, lines ...string) string {
		t.Helper()
		clk.Set(time.Date(2026, 3, 4, h, m, 0, 0, time.UTC))
		fmt.Fprint(in, strings.Join(lines, "\n")+"\n")
		if err := term.Run(ctx, e); err != nil {
			t.Fatal(err)
		}
		var s string
		s, mark = out.Since(mark)
		return s
	}
	expect := func(when, got string, wants ...string) {
		t.Helper()
		for _, w := range wants {
			if !strings.Contains(got, w) {
				t.Errorf("%s: output lacks %q:\n%s", when, w, got)
			}
		}
	}

	got := tick(9, 0)
	expect("09:00", got, "[#general] message m1", "#1 · basics · output")
	got = tick(10, 0)
	expect("10:00 challenge", got,
		"[#general] message m2", "== Invoices share lines ==", "What the user sees:", "the second invoice has two lines",
		"def invoice(lines=[]):", "#2 · functions · debug", "worth 10 points now, 3 less with each hint",
		"[#general › thread of m2] message m3", "2 hints will appear in this thread (12:00, 14:00)")
	got = typeAt(10, 30, "/pyq answer #2 A")
	expect("10:30 alice", got, "Recorded your answer A to #2")
	if got := tick(11, 59); got != "" {
		t.Errorf("11:59: nothing is due, got:\n%s", got)
	}
	got = tick(12, 0)
	expect("12:00 hint 1", got, "[#general › thread of m2] message m4", "Hint 1 of 2 for #2", "Look at when `lines=[]` is evaluated.",
		"worth 7 points")
	got = typeAt(12, 30, "/as bob", "/pyq answer #2 A")
	expect("12:30 bob", got, "Recorded your answer A to #2")
	got = tick(14, 0)
	expect("14:00 hint 2", got, "[#general › thread of m2] message m5", "Hint 2 of 2 for #2", "Print id(lines) on two calls.", "worth 4 points")
	got = typeAt(14, 10, "/as carol", "/pyq answer #2 A", "/as dave", "/pyq answer #2 B", "/as erin", "/pyq answer #1 A")
	expect("14:10 carol, dave and erin", got, "Recorded your answer A to #2", "Recorded your answer B to #2", "Recorded your answer A to #1")
	if got := tick(16, 59); got != "" {
		t.Errorf("16:59: nothing is due, got:\n%s", got)
	}
	got = tick(17, 0)
	expect("17:00 reveal", got,
		"[#general › thread of m1]", "Answer to #1", "Got it: erin +10",
		"[#general › thread of m2]", "Answer to #2: Invoices share lines", "The fix:", "def invoice(lines=None):",
		"Defaults are evaluated once", "Got it: alice +10, bob +7, carol +4", "message m2 closed")
	if got := tick(17, 1); got != "" {
		t.Errorf("17:01: the reveal must not repeat, got:\n%s", got)
	}
	hints, err := db.Hints(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	if !hints[1].Equal(time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)) || !hints[2].Equal(time.Date(2026, 3, 4, 14, 0, 0, 0, time.UTC)) {
		t.Errorf("hints shown at %v, want 12:00 and 14:00", hints)
	}
}

// TestDebugChallengeWithoutHints: a debug question with no hints still posts, opens its thread and
// is worth 10 points to the reveal; no hint slot is ever due.
func TestDebugChallengeWithoutHints(t *testing.T) {
	qs := schedQuestions()
	qs[len(qs)-1].Hints = nil
	clk := testkit.NewFakeClock(time.Date(2026, 3, 4, 8, 0, 0, 0, time.UTC))
	p := newSchedProc(t, clk, schedOpts{path: filepath.Join(t.TempDir(), "bot.db"), questions: qs, schedules: []bot.Schedule{
		{Job: bot.JobDebug, Spec: "0 10 * * 3", Enabled: true, HintOffsets: bot.DefaultHintOffsets},
	}})
	for h := 10; h <= 16; h++ {
		p.tickAt(t, time.Date(2026, 3, 4, h, 0, 0, 0, time.UTC))
	}
	sent := p.adapter.sent()
	if len(sent) != 2 || sent[1].post.Thread == nil || !strings.Contains(sent[1].post.Text, "No hints for this one") {
		t.Fatalf("sent %d posts, want the challenge and its thread opener only: %+v", len(sent), sent)
	}
}

func TestScoreWithHints(t *testing.T) {
	q := &bot.Question{Kind: bot.KindDebug, Choices: []bot.Choice{{Key: "A"}, {Key: "B"}}, Answer: []string{"A"}}
	tests := []struct {
		keys          []string
		streak, hints int
		want          bot.Grade
	}{
		{[]string{"A"}, 1, 0, bot.Grade{Correct: true, Points: 10}},
		{[]string{"A"}, 1, 1, bot.Grade{Correct: true, Points: 7}},
		{[]string{"A"}, 1, 2, bot.Grade{Correct: true, Points: 4}},
		{[]string{"A"}, 1, 3, bot.Grade{Correct: true, Points: 1}},
		{[]string{"A"}, 1, 9, bot.Grade{Correct: true, Points: 1}},
		{[]string{"A"}, 3, 1, bot.Grade{Correct: true, Points: 9}}, // 7 + streak bonus 2
		{[]string{"B"}, 3, 0, bot.Grade{}},
		{[]string{"B"}, 3, 2, bot.Grade{}},
	}
	for _, tt := range tests {
		if got := bot.ScoreWithHints(q, tt.keys, "", tt.streak, tt.hints); got != tt.want {
			t.Errorf("ScoreWithHints(%v, streak %d, hints %d) = %+v, want %+v", tt.keys, tt.streak, tt.hints, got, tt.want)
		}
		if tt.hints == 0 {
			if got := bot.Score(q, tt.keys, "", tt.streak); got != tt.want {
				t.Errorf("Score(%v, streak %d) = %+v, want %+v", tt.keys, tt.streak, got, tt.want)
			}
		}
	}
}

// TestWeeklyLeaderboardGolden checks the leaderboard job's post against a known set of answers over
// two weeks: top ten, points, accuracy, streaks, movement since last week, the longest streak and
// the all-time top three. Run with -update to rewrite testdata/weekly_leaderboard.golden.
func TestWeeklyLeaderboardGolden(t *testing.T) {
	ctx := context.Background()
	// Friday 6 March 2026, 16:00 in Berlin: this week is Mon 2 – Sun 8 March, last week 23 Feb – 1 Mar.
	berlin := mustLoc(t, "Europe/Berlin")
	now := time.Date(2026, 3, 6, 16, 0, 0, 0, berlin)
	clk := testkit.NewFakeClock(now.AddDate(0, 0, -14))
	p := newSchedProc(t, clk, schedOpts{path: filepath.Join(t.TempDir(), "bot.db"), schedules: only(bot.JobLeaderboard, "0 16 * * 5", "")})
	if err := p.db.SetChannelZone(ctx, p.ch.ID, "Europe/Berlin", clk.Now()); err != nil {
		t.Fatal(err)
	}
	p.ch.TimeZone = "Europe/Berlin"
	users := []string{"Ada", "Bo", "Cy", "Di", "Ed", "Flo", "Gus", "Hal", "Ivy", "Jo", "Kai", "Lu", "Mo"}
	// answers[day] lists, per user index, "" (no answer), "R" (right) or "W" (wrong). Days are the
	// weekdays of the two weeks; the last day (Thu 5 March) is this week's latest revealed question.
	type dayAnswers struct {
		date string
		a    string // one letter per user, in users order
	}
	days := []dayAnswers{
		{"2026-02-23", "RRRRW.RW.R..."},
		{"2026-02-24", "RRWR.RRR.W..."},
		{"2026-02-25", "RRRRRW.RR...."},
		{"2026-02-26", "RWRRR.RR.W..."},
		{"2026-02-27", "RRRWRR.R.R..."},
		{"2026-03-02", "W.RRRRRRRRRRR"},
		{"2026-03-03", "R.RRWRRRRRWR."},
		{"2026-03-04", "R.RRRRWRRWRR."},
		{"2026-03-05", "RRRRRRRRWRR.R"},
	}
	for i, d := range days {
		day, _ := time.ParseInLocation(time.DateOnly, d.date, berlin)
		posted := day.Add(9 * time.Hour)
		post, err := p.db.CreatePost(ctx, bot.PostedQuestion{ChannelID: p.ch.ID, WorkspaceID: p.ch.WorkspaceID,
			QuestionID: fmt.Sprintf("out-%02d", i+1), Kind: bot.KindOutput, Topic: "basics", PostedAt: posted, Day: d.date,
			RevealAt: day.Add(17 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		for u, c := range d.a {
			if c == '.' {
				continue
			}
			key := "A"
			if c == 'W' {
				key = "B"
			}
			at := posted.Add(time.Duration(u+1) * time.Minute)
			if _, err := p.db.RecordAnswer(ctx, bot.Answer{PostID: post.ID, User: bot.User{ID: strings.ToLower(users[u]), Name: users[u]},
				Keys: []string{key}, AnsweredAt: at}); err != nil {
				t.Fatal(err)
			}
		}
		q := &bot.Question{Kind: bot.KindOutput, Choices: []bot.Choice{{Key: "A"}, {Key: "B"}}, Answer: []string{"A"}}
		if _, err := p.db.CloseAndGrade(ctx, post.ID, day.Add(17*time.Hour), func(a bot.Answer, streak int) bot.Grade {
			return bot.Score(q, a.Keys, a.Text, streak)
		}); err != nil {
			t.Fatal(err)
		}
	}
	// The leaderboard job posts it at Friday 16:00 Berlin.
	p.tickAt(t, now)
	sent := p.adapter.sent()
	if len(sent) != 1 {
		t.Fatalf("leaderboard job posted %d times, want 1", len(sent))
	}
	checkGolden(t, "weekly_leaderboard.golden", bot.PlainText(sent[0].post))
}
