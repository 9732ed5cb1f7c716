package bot_test

import (
	"context"
	"errors"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
	"github.com/pyqbot/pyqbot/schedule"
	"github.com/pyqbot/pyqbot/storage"
)

// A scheduled reveal the platform refuses (bot/schedule_reveal.go): the question is closed and
// graded when the send fails, so the reveal slot's retry must post that reveal, once, without
// grading again.

// refuseNext is the recording adapter with the platform refusing the next post once armed, as
// Slack does with a passing internal_error.
type refuseNext struct {
	*schedAdapter
	armed atomic.Bool
}

func (a *refuseNext) Send(ctx context.Context, to bot.Conversation, p bot.Post) (bot.MessageRef, error) {
	if a.armed.CompareAndSwap(true, false) {
		return bot.MessageRef{}, errors.New("slack: internal_error")
	}
	return a.schedAdapter.Send(ctx, to, p)
}

var refusedRevealDay = time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC) // a Monday

func revealDayAt(h, m int) time.Time {
	return refusedRevealDay.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
}

// refusedReveal posts the 09:00 question, has ann answer it right, and ticks the 17:00 reveal with
// the platform refusing it. The returned adapter records what reached the platform.
func refusedReveal(t *testing.T, path string, seq *atomic.Int64) (*schedProc, *refuseNext) {
	t.Helper()
	clk := testkit.NewFakeClock(revealDayAt(8, 0))
	p := newSchedProc(t, clk, schedOpts{path: path, seq: seq, schedules: []bot.Schedule{
		{Job: bot.JobQuestion, Spec: "0 9 * * *", Enabled: true},
		{Job: bot.JobReveal, Spec: "0 17 * * *", Enabled: true},
	}})
	a := &refuseNext{schedAdapter: p.adapter}
	p.engine.AddAdapter(a)
	p.tickAt(t, revealDayAt(9, 0))
	if got := p.say("ann", false, "answer #1 A"); !strings.Contains(got, "Recorded your answer A to #1") {
		t.Fatalf("ann's answer: %q", got)
	}
	a.armed.Store(true)
	p.tickAt(t, revealDayAt(17, 0))
	if n := len(reveals(p)); n != 0 {
		t.Fatalf("%d reveals reached the platform at 17:00, want the refused one not to", n)
	}
	return p, a
}

// reveals are the thread replies that reached the platform (the reveal, nothing else here).
func reveals(p *schedProc) []schedSent {
	var out []schedSent
	for _, s := range p.adapter.sent() {
		if s.post.Thread != nil {
			out = append(out, s)
		}
	}
	return out
}

// annsPoints is ann's score: her graded answer's points and her place on this week's leaderboard.
func annsPoints(t *testing.T, p *schedProc) (answer, board int) {
	t.Helper()
	ctx := context.Background()
	as, err := p.db.Answers(ctx, 1)
	if err != nil || len(as) != 1 || !as[0].Graded {
		t.Fatalf("answers of #1: %+v, %v; want ann's, graded", as, err)
	}
	st, err := p.db.Leaderboard(ctx, p.ch.WorkspaceID, refusedRevealDay, refusedRevealDay.AddDate(0, 0, 7))
	if err != nil || len(st) != 1 {
		t.Fatalf("leaderboard %+v, %v; want ann alone", st, err)
	}
	return as[0].Points, st[0].Points
}

// The 17:00 reveal was refused; users never saw the answer: the retry after the lease found the
// question closed ("nothing open") and posted nothing, for good.
func TestARefusedRevealIsPostedByTheSlotsRetryOnce(t *testing.T) {
	ctx := context.Background()
	p, _ := refusedReveal(t, filepath.Join(t.TempDir(), "bot.db"), nil)
	answerPts, boardPts := annsPoints(t, p)
	if answerPts != bot.CorrectPoints || boardPts != bot.CorrectPoints {
		t.Fatalf("ann has %d points on her answer and %d on the board after the 17:00 reveal, want %d: it graded", answerPts, boardPts, bot.CorrectPoints)
	}
	p.tickAt(t, revealDayAt(17, 11)) // past the failed claim's lease
	p.tickAt(t, revealDayAt(17, 30))
	p.tickAt(t, revealDayAt(19, 0))
	got := reveals(p)
	if len(got) != 1 {
		t.Fatalf("%d reveals reached the platform after the retry, want 1", len(got))
	}
	if text := bot.PlainText(got[0].post); !strings.Contains(text, "It prints 1.") || !strings.Contains(text, "ann") {
		t.Errorf("the retried reveal does not explain the answer or name ann:\n%s", text)
	}
	if text := got[0].post.Text; !strings.HasPrefix(text, "_Posted late: the first try at 17:00 failed._") {
		t.Errorf("the retried reveal does not say its first try failed (the bot was not down):\n%s", text)
	}
	if a, b := annsPoints(t, p); a != answerPts || b != boardPts {
		t.Errorf("after the retry ann has %d points on her answer and %d on the board, want %d and %d: graded twice", a, b, answerPts, boardPts)
	}
	slots, err := p.db.Slots(ctx, p.ch.ID, bot.JobReveal)
	if err != nil || len(slots) != 1 || slots[0].State != bot.SlotPosted {
		t.Fatalf("reveal slots %+v, %v; want the retried one posted", slots, err)
	}
}

// The retry's send reached the platform and the process died before the slot was recorded as
// posted: the takeover after that attempt's lease must not post the reveal a second time.
func TestARetriedRevealThatReachedThePlatformIsNotPostedAgainAfterACrash(t *testing.T) {
	path, seq := filepath.Join(t.TempDir(), "bot.db"), new(atomic.Int64)
	first, _ := refusedReveal(t, path, seq)
	first.clock.Set(revealDayAt(17, 11))
	first.adapter.crash = func(_ bot.Post, deliver func()) { deliver(); runtime.Goexit() }
	done := make(chan struct{})
	go func() { defer close(done); first.engine.Tick(context.Background(), revealDayAt(17, 11)) }()
	<-done
	if n := len(reveals(first)); n != 1 {
		t.Fatalf("the retry delivered %d reveals before dying, want 1", n)
	}

	second := newSchedProc(t, first.clock, schedOpts{path: path, seq: seq, schedules: []bot.Schedule{
		{Job: bot.JobQuestion, Spec: "0 9 * * *", Enabled: true},
		{Job: bot.JobReveal, Spec: "0 17 * * *", Enabled: true},
	}})
	second.tickAt(t, revealDayAt(17, 22)) // past the dead retry's lease, within grace
	second.tickAt(t, revealDayAt(17, 45))
	if got := second.adapter.sent(); len(got) != 0 {
		t.Fatalf("the takeover sent %d messages, the first %q; want none: the reveal is out", len(got), bot.PlainText(got[0].post))
	}
}

// The retried reveal numbers the explanations as the vote the refused attempt opened does, and its
// vote control closes when that round closes (24 hours after the 17:00 grading, not after the retry).
func TestARetriedRevealCarriesTheVoteItsRefusedAttemptOpened(t *testing.T) {
	clk := testkit.NewFakeClock(revealDayAt(8, 0))
	p := newSchedProc(t, clk, schedOpts{path: filepath.Join(t.TempDir(), "bot.db"), schedules: []bot.Schedule{
		{Job: bot.JobQuestion, Spec: "0 9 * * *", Enabled: true},
		{Job: bot.JobReveal, Spec: "0 17 * * *", Enabled: true},
	}})
	a := &refuseNext{schedAdapter: p.adapter}
	p.engine.AddAdapter(a)
	p.tickAt(t, revealDayAt(9, 0))
	p.say("ann", false, "answer #1 A because print writes its argument")
	p.say("bob", false, "answer #1 B because one plus one")
	a.armed.Store(true)
	p.tickAt(t, revealDayAt(17, 0))
	p.tickAt(t, revealDayAt(17, 11))
	got := reveals(p)
	if len(got) != 2 || got[1].post.Vote == nil {
		t.Fatalf("%d thread messages after the retry, want the reveal and its vote control", len(got))
	}
	if reveal := bot.PlainText(got[0].post); !strings.Contains(reveal, "print writes its argument") {
		t.Errorf("the retried reveal lists no explanations:\n%s", reveal)
	}
	if vote := bot.PlainText(got[1].post); !strings.Contains(vote, "until Tue 17:00 UTC (in 23h 49m)") {
		t.Errorf("the vote control does not close when its round does (Tue 17:00):\n%s", vote)
	}
	if r := p.say("cy", false, "vote #1 1"); !strings.Contains(r, "ann") {
		t.Errorf("cy's vote for no. 1: %q, want it counted for ann's explanation", r)
	}
}

// answersFail is the store with reading a post's answers failing once armed, as a busy or
// briefly unreadable database does.
type answersFail struct {
	*storage.DB
	armed atomic.Bool
}

func (s *answersFail) Answers(ctx context.Context, postID int64) ([]bot.Answer, error) {
	if s.armed.CompareAndSwap(true, false) {
		return nil, errors.New("database is locked")
	}
	return s.DB.Answers(ctx, postID)
}

// The retry could not read the refused reveal's answers (a passing store error): the slot fails and
// its next retry must still send the reveal, not find the link gone and post nothing, for good.
func TestARetryThatCouldNotReadTheGradesLeavesTheRevealToTheNextRetry(t *testing.T) {
	path, seq := filepath.Join(t.TempDir(), "bot.db"), new(atomic.Int64)
	first, _ := refusedReveal(t, path, seq)

	db, err := storage.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.Now = first.clock.Now
	bank, err := bot.NewBank(schedQuestions())
	if err != nil {
		t.Fatal(err)
	}
	store := &answersFail{DB: db}
	store.armed.Store(true)
	second := bot.New(bot.Config{Store: store, Bank: bank, Now: first.clock.Now, ParseSpec: schedule.Parse, Seed: 7,
		EditSleep: testkit.NoEditGap, Zone: "UTC", Owner: "second", DefaultSchedules: []bot.Schedule{
			{Job: bot.JobQuestion, Spec: "0 9 * * *", Enabled: true},
			{Job: bot.JobReveal, Spec: "0 17 * * *", Enabled: true},
		}})
	a := &schedAdapter{name: schedConv.Platform, seq: seq}
	second.AddAdapter(a)
	first.clock.Set(revealDayAt(17, 11)) // past the refused claim's lease
	second.Tick(context.Background(), revealDayAt(17, 11))
	if store.armed.Load() {
		t.Fatal("the retry did not read the answers")
	}
	if n := len(a.sent()); n != 0 {
		t.Fatalf("the retry that could not read the grades sent %d messages", n)
	}
	first.tickAt(t, revealDayAt(17, 22)) // past the failed retry's lease, within grace
	first.tickAt(t, revealDayAt(17, 45))
	if n := len(reveals(first)); n != 1 {
		t.Fatalf("%d reveals reached the platform after the retries, want 1: the failed read lost it", n)
	}
}

// slowRefusal is the recording adapter with the platform, once armed, holding the next post until
// released and then refusing it: a send slower than the slot's lease.
type slowRefusal struct {
	*schedAdapter
	armed            atomic.Bool
	entered, release chan struct{}
}

func (a *slowRefusal) Send(ctx context.Context, to bot.Conversation, p bot.Post) (bot.MessageRef, error) {
	if a.armed.CompareAndSwap(true, false) {
		close(a.entered)
		<-a.release
		return bot.MessageRef{}, errors.New("slack: internal_error")
	}
	return a.schedAdapter.Send(ctx, to, p)
}

// The 17:00 reveal's send hung past the slot's lease and was then refused. The takeover at 17:11
// claimed the slot while it hung and waited for the channel; it must send the refused reveal (the
// link the refusal made), not find the question closed and record "nothing open" for good.
func TestATakeoverWaitingForARefusedRevealSendsIt(t *testing.T) {
	ctx := context.Background()
	clk := testkit.NewFakeClock(revealDayAt(8, 0))
	p := newSchedProc(t, clk, schedOpts{path: filepath.Join(t.TempDir(), "bot.db"), schedules: []bot.Schedule{
		{Job: bot.JobQuestion, Spec: "0 9 * * *", Enabled: true},
		{Job: bot.JobReveal, Spec: "0 17 * * *", Enabled: true},
	}})
	a := &slowRefusal{schedAdapter: p.adapter, entered: make(chan struct{}), release: make(chan struct{})}
	p.engine.AddAdapter(a)
	p.tickAt(t, revealDayAt(9, 0))
	p.say("ann", false, "answer #1 A")
	a.armed.Store(true)
	clk.Set(revealDayAt(17, 0))
	first, second := make(chan struct{}), make(chan struct{})
	go func() { defer close(first); p.engine.Tick(ctx, revealDayAt(17, 0)) }()
	<-a.entered
	clk.Set(revealDayAt(17, 11)) // past the hanging claim's lease
	go func() { defer close(second); p.engine.Tick(ctx, revealDayAt(17, 11)) }()
	for { // the takeover has claimed the slot (and waits for the channel the hanging send holds)
		slots, err := p.db.Slots(ctx, p.ch.ID, bot.JobReveal)
		if err != nil {
			t.Fatal(err)
		}
		if len(slots) == 1 && slots[0].Attempts == 2 {
			break
		}
		runtime.Gosched()
	}
	close(a.release)
	<-first
	<-second
	p.tickAt(t, revealDayAt(17, 22))
	p.tickAt(t, revealDayAt(17, 45))
	if n := len(reveals(p)); n != 1 {
		slots, _ := p.db.Slots(ctx, p.ch.ID, bot.JobReveal)
		t.Fatalf("%d reveals reached the platform, want 1 (reveal slots %+v)", n, slots)
	}
}
