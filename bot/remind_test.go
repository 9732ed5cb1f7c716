package bot_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
	"github.com/pyqbot/pyqbot/storage/pgtest"
)

// dmAdapter is the scheduler's recording adapter that can also reach one user privately.
type dmAdapter struct {
	*schedAdapter
	testkit.DMRecorder
}

// remindSchedules: a question at 09:00 and its reveal at 17:00 on weekdays, UTC.
func remindSchedules() []bot.Schedule {
	return []bot.Schedule{
		{Job: bot.JobQuestion, Spec: "0 9 * * 1-5", Enabled: true},
		{Job: bot.JobReveal, Spec: "0 17 * * 1-5", Enabled: true},
	}
}

// newRemindProc is one bot process on the database file at path whose adapter sends DMs.
func newRemindProc(t *testing.T, clk *testkit.FakeClock, path, owner string) (*schedProc, *dmAdapter) {
	t.Helper()
	p := newSchedProc(t, clk, schedOpts{path: path, schedules: remindSchedules(), owner: owner})
	dm := &dmAdapter{schedAdapter: p.adapter}
	p.engine.AddAdapter(dm)
	return p, dm
}

func (p *schedProc) as(t *testing.T, user, text string) string {
	t.Helper()
	r := p.engine.Handle(context.Background(), bot.Event{Conv: schedConv, User: bot.User{ID: user, Name: user}, Text: text})
	return bot.PlainText(r.Post)
}

// reminderClaims are user's reminder claims in the process's workspace.
func (p *schedProc) reminderClaims(t *testing.T, user string) []bot.ReminderClaim {
	t.Helper()
	claims, err := p.db.ReminderClaims(context.Background(), p.ch.WorkspaceID, user)
	if err != nil {
		t.Fatal(err)
	}
	return claims
}

// mon is Monday 16 November 2026 at hh:mm UTC.
func mon(hh, mm int) time.Time { return time.Date(2026, 11, 16, hh, mm, 0, 0, time.UTC) }

func dmUsers(dms []testkit.DirectSent) []string {
	var out []string
	for _, d := range dms {
		out = append(out, d.User)
	}
	return out
}

// On a question day: one private reminder an hour (or the chosen lead) before the reveal, only to
// the users who opted in and have not answered, never a second one that day, none after the reveal.
func TestRemindersSentOnceToOptedInUsersWhoHaveNotAnswered(t *testing.T) {
	clk := testkit.NewFakeClock(mon(8, 0))
	p, dm := newRemindProc(t, clk, filepath.Join(t.TempDir(), "pyqbot.db"), "a")
	for _, c := range []struct{ user, text string }{
		{"ann", "remind on"},  // opted in, will not answer: reminded at 16:00
		{"bob", "remind on"},  // opted in, answers: never reminded
		{"dee", "remind 2h"},  // opted in with a 2h lead: reminded at 15:00
		{"eve", "remind on"},  // opted in, then out
		{"eve", "remind off"}, //
	} {
		if got := p.as(t, c.user, c.text); !strings.Contains(got, "Reminders are") {
			t.Fatalf("%s: /pyq %s replied %q", c.user, c.text, got)
		}
	}
	p.tickAt(t, mon(9, 0))
	if n := len(p.adapter.topLevel()); n != 1 {
		t.Fatalf("09:00 posted %d messages, want the question", n)
	}
	p.as(t, "bob", "answer A")
	p.as(t, "cy", "answer B") // answered, never opted in

	p.tickAt(t, mon(14, 59))
	if got := dmUsers(dm.DMs()); len(got) != 0 {
		t.Fatalf("DMs before any lead was reached: %v", got)
	}
	p.tickAt(t, mon(15, 0))
	if got := dmUsers(dm.DMs()); fmt.Sprint(got) != "[dee]" {
		t.Fatalf("DMs at 15:00 = %v, want [dee] (2h lead)", got)
	}
	p.tickAt(t, mon(16, 0))
	p.tickAt(t, mon(16, 1))
	p.tickAt(t, mon(16, 30))
	got := dm.DMs()
	if fmt.Sprint(dmUsers(got)) != "[dee ann]" {
		t.Fatalf("DMs by 16:30 = %v, want [dee ann]: once each, only opted in and unanswered", dmUsers(got))
	}
	ann := got[1]
	if ann.To.Platform != schedConv.Platform || ann.To.Workspace != schedConv.Workspace {
		t.Errorf("ann's reminder went to %+v, want the workspace %+v", ann.To, schedConv)
	}
	text := bot.PlainText(ann.Post)
	for _, want := range []string{"#1", "revealed in 1h 0m", "Mon 17:00 UTC", "/pyq answer #1", "/pyq remind off"} {
		if !strings.Contains(text, want) {
			t.Errorf("ann's reminder lacks %q:\n%s", want, text)
		}
	}
	// Ann answers after the reminder; the reveal closes the day: nothing more.
	p.as(t, "ann", "answer A")
	p.tickAt(t, mon(17, 0))
	p.tickAt(t, mon(17, 5))
	if n := len(dm.DMs()); n != 2 {
		t.Errorf("%d DMs after the reveal, want still 2", n)
	}
	claims := p.reminderClaims(t, "ann")
	if len(claims) != 1 || claims[0].State != bot.ReminderSent || claims[0].Day != "2026-11-16" {
		t.Errorf("ann's claims = %+v, want one sent on 2026-11-16", claims)
	}

	// Tuesday: a new question day, a new reminder for whoever has not answered.
	p.tickAt(t, mon(9, 0).AddDate(0, 0, 1))
	p.tickAt(t, mon(16, 0).AddDate(0, 0, 1))
	got = dm.DMs()[2:]
	tuesday := dmUsers(got)
	slices.Sort(tuesday)
	if fmt.Sprint(tuesday) != "[ann bob dee]" {
		t.Errorf("Tuesday's DMs = %v, want ann, bob (who has not answered today) and dee", tuesday)
	}
	// What missing the day costs: ann and bob answered Monday (a streak of 1, no freeze yet); dee did not.
	for _, d := range got {
		text := bot.PlainText(d.Post)
		if stake := strings.Contains(text, "Missing it ends your streak of 1."); stake != (d.User != "dee") {
			t.Errorf("%s's Tuesday reminder names the streak at stake: %v, want %v:\n%s", d.User, stake, d.User != "dee", text)
		}
	}
}

// No reminder on a day without a question: the weekend (the question job runs on weekdays), or a
// skip date, even while an older question is still open and unanswered.
func TestNoRemindersOnDaysWithoutAQuestion(t *testing.T) {
	clk := testkit.NewFakeClock(time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)) // Friday
	p, dm := newRemindProc(t, clk, filepath.Join(t.TempDir(), "pyqbot.db"), "a")
	p.as(t, "ann", "remind on")
	p.tickAt(t, time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC))
	if r := p.engine.Handle(context.Background(), bot.Event{Conv: schedConv, User: bot.User{ID: "lead", Name: "lead"}, Admin: true,
		Text: "schedule skip 2026-11-23"}); !strings.Contains(bot.PlainText(r.Post), "2026-11-23") {
		t.Fatalf("skip date: %q", bot.PlainText(r.Post))
	}
	// Friday 16:00 reminds about Friday's question (a question day).
	p.tickAt(t, time.Date(2026, 11, 20, 16, 0, 0, 0, time.UTC))
	if n := len(dm.DMs()); n != 1 {
		t.Fatalf("Friday: %d reminders, want 1", n)
	}
	// Friday's reveal runs at 17:00; the weekend has no question and Monday is a skip date.
	for _, at := range []time.Time{
		time.Date(2026, 11, 20, 17, 0, 0, 0, time.UTC),
		time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC), time.Date(2026, 11, 21, 16, 0, 0, 0, time.UTC),
		time.Date(2026, 11, 22, 16, 0, 0, 0, time.UTC),
		time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC), time.Date(2026, 11, 23, 16, 0, 0, 0, time.UTC),
	} {
		p.tickAt(t, at)
	}
	if n := len(dm.DMs()); n != 1 {
		t.Errorf("%d reminders after a weekend and a skip date, want still 1", n)
	}
}

// An open question carried over from an earlier day is not today's: its day had its reminder.
func TestNoReminderForAQuestionCarriedOverFromAnEarlierDay(t *testing.T) {
	clk := testkit.NewFakeClock(mon(8, 0))
	path := filepath.Join(t.TempDir(), "pyqbot.db")
	p := newSchedProc(t, clk, schedOpts{path: path, owner: "a", schedules: []bot.Schedule{
		{Job: bot.JobQuestion, Spec: "0 9 * * 1", Enabled: true}, // Mondays only
		{Job: bot.JobReveal, Spec: "0 17 * * 2", Enabled: true},  // revealed on Tuesdays
	}})
	dm := &dmAdapter{schedAdapter: p.adapter}
	p.engine.AddAdapter(dm)
	p.as(t, "ann", "remind on")
	p.tickAt(t, mon(9, 0))
	p.tickAt(t, mon(16, 0))
	p.tickAt(t, mon(16, 0).AddDate(0, 0, 1))
	if n := len(dm.DMs()); n != 0 {
		t.Errorf("%d reminders, want none: Monday's question is revealed on Tuesday, a day without a question", n)
	}
}

// Two processes on one database file tick at the same moment: each user gets one reminder.
func TestRemindersOnceAcrossTwoEnginesOnOneDatabase(t *testing.T) {
	remindersOnceAcross(t, filepath.Join(t.TempDir(), "pyqbot.db"))
}

// The same with two replicas on one PostgreSQL database (issue 16: reminders hold exactly-once
// across processes on one database).
func TestRemindersOnceAcrossTwoReplicasOnPostgres(t *testing.T) {
	pgtest.Require(t)
	remindersOnceAcross(t, pgtest.URL(t))
}

func remindersOnceAcross(t *testing.T, target string) {
	clk := testkit.NewFakeClock(mon(8, 0))
	p1, dm1 := newRemindProc(t, clk, target, "one")
	p2, dm2 := newRemindProc(t, clk, target, "two")
	users := []string{"u1", "u2", "u3", "u4", "u5", "u6"}
	for _, u := range users {
		p1.as(t, u, "remind on")
	}
	p1.tickAt(t, mon(9, 0))
	p2.tickAt(t, mon(9, 0))
	for _, at := range []time.Time{mon(16, 0), mon(16, 1)} {
		clk.Set(at)
		var wg sync.WaitGroup
		for _, p := range []*schedProc{p1, p2, p1, p2} {
			wg.Go(func() {
				if err := p.engine.Tick(context.Background(), at); err != nil {
					t.Errorf("Tick: %v", err)
				}
			})
		}
		wg.Wait()
	}
	all := append(dm1.DMs(), dm2.DMs()...)
	count := map[string]int{}
	for _, d := range all {
		count[d.User]++
	}
	for _, u := range users {
		if count[u] != 1 {
			t.Errorf("%s got %d reminders from two engines on one database, want 1 (all: %v)", u, count[u], count)
		}
	}
}

// A process that dies after claiming a reminder and before it returns from the platform: the
// claim stays, and neither a restart nor another process sends a second one (the chosen side of
// the trade-off: the platform may have delivered it).
func TestReminderClaimedByACrashedProcessIsNotResent(t *testing.T) {
	clk := testkit.NewFakeClock(mon(8, 0))
	path := filepath.Join(t.TempDir(), "pyqbot.db")
	p1, dm1 := newRemindProc(t, clk, path, "dies")
	p1.as(t, "ann", "remind on")
	p1.tickAt(t, mon(9, 0))
	dm1.FailDMs(func(string) error { runtime.Goexit(); return nil }) // the process dies mid-send
	clk.Set(mon(16, 0))
	done := make(chan struct{})
	go func() {
		defer close(done)
		p1.engine.Tick(context.Background(), mon(16, 0))
	}()
	<-done
	p2, dm2 := newRemindProc(t, clk, path, "restarted")
	p2.tickAt(t, mon(16, 20))
	p2.tickAt(t, mon(16, 50))
	if n := len(dm1.DMs()) + len(dm2.DMs()); n != 0 {
		t.Errorf("%d reminders after the crash, want none: the claim is final", n)
	}
	claims := p2.reminderClaims(t, "ann")
	if len(claims) != 1 || claims[0].State != bot.ReminderClaimed || claims[0].Owner != "dies" {
		t.Errorf("claims = %+v, want one left claimed by the process that died", claims)
	}
}

// annDueAFailingReminder is one process where ann opted in to reminders, the 09:00 question is up
// and every private message fails with err until the test says otherwise.
func annDueAFailingReminder(t *testing.T, err error) (*testkit.FakeClock, *schedProc, *dmAdapter) {
	t.Helper()
	clk := testkit.NewFakeClock(mon(8, 0))
	p, dm := newRemindProc(t, clk, filepath.Join(t.TempDir(), "pyqbot.db"), "a")
	p.as(t, "ann", "remind on")
	p.tickAt(t, mon(9, 0))
	dm.FailDMs(func(string) error { return err })
	return clk, p, dm
}

// A platform error before delivery is retried on the next tick, and the retry is the only one sent.
func TestReminderFailedSendIsRetried(t *testing.T) {
	clk, p, dm := annDueAFailingReminder(t, errors.New("platform: 500 internal error"))
	clk.Set(mon(16, 0))
	if err := p.engine.Tick(context.Background(), mon(16, 0)); err == nil || !strings.Contains(err.Error(), "500") {
		t.Fatalf("Tick with a failing platform = %v, want the send error", err)
	}
	dm.FailDMs(nil)
	p.tickAt(t, mon(16, 1))
	p.tickAt(t, mon(16, 2))
	if n := len(dm.DMs()); n != 1 {
		t.Fatalf("%d reminders, want the retry only", n)
	}
	claims := p.reminderClaims(t, "ann")
	if len(claims) != 1 || claims[0].State != bot.ReminderSent || claims[0].Attempts != 2 {
		t.Errorf("claims = %+v, want sent on attempt 2", claims)
	}
}

// The platform refuses the user (Discord's 50007): nothing retried that day, and /pyq me says so
// until a later reminder goes through.
func TestUnreachableUserIsToldByMe(t *testing.T) {
	_, p, dm := annDueAFailingReminder(t, fmt.Errorf("discord: 403 Cannot send messages to this user (50007): %w", bot.ErrUnreachable))
	p.tickAt(t, mon(16, 0))
	p.tickAt(t, mon(16, 5))
	if n := len(dm.DMs()); n != 0 {
		t.Fatalf("%d reminders delivered, want none", n)
	}
	me := p.as(t, "ann", "me")
	if !strings.Contains(me, "Reminders could not be delivered") || !strings.Contains(me, "/pyq remind off") {
		t.Errorf("/pyq me after a refused reminder:\n%s", me)
	}
	// The user allows DMs again: Tuesday's reminder goes through and the note disappears.
	dm.FailDMs(nil)
	p.tickAt(t, mon(9, 0).AddDate(0, 0, 1))
	p.tickAt(t, mon(16, 0).AddDate(0, 0, 1))
	if n := len(dm.DMs()); n != 1 {
		t.Fatalf("Tuesday: %d reminders, want 1", n)
	}
	if me := p.as(t, "ann", "me"); strings.Contains(me, "could not be delivered") || !strings.Contains(me, "Reminders are on, 1h before the reveal") {
		t.Errorf("/pyq me after a delivered reminder:\n%s", me)
	}
}

// Bad input is refused privately, naming what to type, and records nothing.
func TestRemindRefusesBadDurations(t *testing.T) {
	clk := testkit.NewFakeClock(mon(8, 0))
	p, _ := newRemindProc(t, clk, filepath.Join(t.TempDir(), "pyqbot.db"), "a")
	for _, in := range []string{"2x", "5m", "13h", "-1h", "0", "90s", "1.5", "2h 30m", "soon", "1h30m10s", "on off"} {
		r := p.engine.Handle(context.Background(), bot.Event{Conv: schedConv, User: bot.User{ID: "ann", Name: "ann"}, Text: "remind " + in})
		text := bot.PlainText(r.Post)
		if !r.Private || !strings.Contains(text, "Nothing was changed") || !strings.Contains(text, "/pyq remind 30m") {
			t.Errorf("/pyq remind %s replied (private %v) %q, want a private refusal with the usage", in, r.Private, text)
		}
		if _, err := p.db.Reminder(context.Background(), p.ch.WorkspaceID, "ann"); !errors.Is(err, bot.ErrNotFound) {
			t.Fatalf("/pyq remind %s recorded a setting (err %v)", in, err)
		}
	}
	for in, want := range map[string]time.Duration{"30m": 30 * time.Minute, "2h": 2 * time.Hour, "1h30m": 90 * time.Minute, "10m": 10 * time.Minute, "12h": 12 * time.Hour} {
		if got := p.as(t, "ann", "remind "+in); !strings.Contains(got, "Reminders are on") {
			t.Errorf("/pyq remind %s replied %q", in, got)
		}
		s, err := p.db.Reminder(context.Background(), p.ch.WorkspaceID, "ann")
		if err != nil || !s.On || s.Lead != want {
			t.Errorf("/pyq remind %s stored %+v (err %v), want on with lead %v", in, s, err, want)
		}
	}
	// A bad duration after a good one leaves the good one in place.
	p.as(t, "ann", "remind 45m")
	p.as(t, "ann", "remind 45")
	if s, _ := p.db.Reminder(context.Background(), p.ch.WorkspaceID, "ann"); s.Lead != 45*time.Minute || !s.On {
		t.Errorf("after a refused duration the setting is %+v, want 45m kept", s)
	}
}

// An adapter that cannot reach a user privately: `/pyq remind on` says so and records nothing.
func TestRemindOnExplainsAPlatformWithoutDirectMessages(t *testing.T) {
	h := newHarness(t, testQuestions()[:1])
	r := h.as("ann", false, "remind on")
	text := bot.PlainText(r.Post)
	if !r.Private || !strings.Contains(text, "cannot send one on test") || !strings.Contains(text, "Nothing was changed") {
		t.Errorf("/pyq remind on without the capability: %q", text)
	}
	if _, err := h.store.Reminder(context.Background(), 1, "ann"); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("a setting was recorded (err %v)", err)
	}
	// Turning them off needs no capability.
	if r := h.as("ann", false, "remind off"); !strings.Contains(bot.PlainText(r.Post), "Reminders are off") {
		t.Errorf("/pyq remind off: %q", bot.PlainText(r.Post))
	}
}

// The run loop wakes for a reminder: NextRun is the reminder's time when it comes before the
// next slot, and the reveal once everyone due has answered.
func TestNextRunWakesForAReminder(t *testing.T) {
	clk := testkit.NewFakeClock(mon(8, 0))
	p, _ := newRemindProc(t, clk, filepath.Join(t.TempDir(), "pyqbot.db"), "a")
	p.as(t, "ann", "remind 90m")
	p.tickAt(t, mon(9, 0))
	next, ok, err := p.engine.NextRun(context.Background(), mon(10, 0))
	if err != nil || !ok || !next.Equal(mon(15, 30)) {
		t.Errorf("NextRun(10:00) = %v %v %v, want 15:30 (17:00 reveal minus ann's 90m)", next, ok, err)
	}
	p.as(t, "ann", "answer A")
	if next, _, _ := p.engine.NextRun(context.Background(), mon(10, 0)); !next.Equal(mon(17, 0)) {
		t.Errorf("NextRun after ann answered = %v, want the 17:00 reveal", next)
	}
}

// Turning reminders on says what it means today: when today's comes, that it comes at once when it
// is already due, and nothing when today's was sent.
func TestRemindOnSaysWhenTodaysComes(t *testing.T) {
	clk := testkit.NewFakeClock(mon(8, 0))
	p, dm := newRemindProc(t, clk, filepath.Join(t.TempDir(), "pyqbot.db"), "a")
	p.tickAt(t, mon(9, 0))
	clk.Set(mon(10, 0))
	if got := p.as(t, "ann", "remind on"); !strings.Contains(got, "Today's comes Mon 16:00 UTC (in 6h 0m), unless you answer first.") {
		t.Errorf("remind on at 10:00: %q", got)
	}
	clk.Set(mon(16, 30))
	if got := p.as(t, "bob", "remind on"); !strings.Contains(got, "#1 is open and you have not answered it: the reminder comes in a moment.") {
		t.Errorf("remind on at 16:30: %q", got)
	}
	p.tickAt(t, mon(16, 30))
	if got := dmUsers(dm.DMs()); !slices.Contains(got, "bob") {
		t.Fatalf("DMs after 16:30 = %v, want bob's", got)
	}
	if got := p.as(t, "bob", "remind 45m"); strings.Contains(got, "Today's") || strings.Contains(got, "in a moment") {
		t.Errorf("remind 45m after today's was sent promises another: %q", got)
	}
}
