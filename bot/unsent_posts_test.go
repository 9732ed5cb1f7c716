package bot_test

import (
	"context"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
)

// The tests of a question that never reached the platform (bot/unsent_posts.go): its process was
// killed inside the send, and it came back after the slot's grace, so nothing retries the slot.

// killedInSend ticks p at `at` with the process killed inside its send: the platform never gets
// the post, and its row is left open with no message reference.
func killedInSend(p *schedProc, at time.Time) {
	p.adapter.crash = func(bot.Post, func()) { runtime.Goexit() }
	done := make(chan struct{})
	go func() { defer close(done); p.engine.Tick(context.Background(), at) }()
	<-done
}

// A process killed while sending the 09:00 question (the platform never got it) and started again
// after the grace window leaves the question's row open with no message: the slot is not retried,
// too late. Nobody saw that question, so the 17:00 reveal must not reveal it. It did, as a
// top-level message (there was no thread to put it in): the answer to a question never asked.
func TestAQuestionThatNeverReachedThePlatformIsNotRevealed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bot.db")
	slotAt := time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)
	clk := testkit.NewFakeClock(slotAt.Add(-time.Hour))
	seq := new(atomic.Int64)
	opts := schedOpts{path: path, seq: seq, schedules: []bot.Schedule{
		{Job: bot.JobQuestion, Spec: "0 9 * * *", Enabled: true},
		{Job: bot.JobReveal, Spec: "0 17 * * *", Enabled: true},
	}}
	first := newSchedProc(t, clk, opts)
	killedInSend(first, slotAt)
	if n := len(first.adapter.sent()); n != 0 {
		t.Fatalf("the killed process delivered %d posts, want 0", n)
	}

	second := newSchedProc(t, clk, opts) // back at 13:00, four hours later: past the grace window
	second.tickAt(t, slotAt.Add(4*time.Hour))
	r := second.engine.Handle(context.Background(), bot.Event{Conv: schedConv, User: bot.User{ID: "u1", Name: "Ann"}, Text: "today"})
	if !r.Empty() || len(second.adapter.topLevel()) != 1 {
		t.Fatalf("/pyq today replied %q and posted %d, want today's question posted (none is open that anyone saw)",
			bot.PlainText(r.Post), len(second.adapter.topLevel()))
	}
	second.tickAt(t, time.Date(2026, 3, 4, 17, 0, 0, 0, time.UTC))
	got := second.adapter.sent()
	if len(got) != 2 || got[1].post.Thread == nil {
		t.Fatalf("sent %d messages, want /pyq today's question and its reveal in its thread; the last: %q",
			len(got), bot.PlainText(got[len(got)-1].post))
	}
}

// A bare `/pyq report` is about the channel's latest post, which can be a question whose process
// died while sending it (no message reference): the report's row then points at it. Discarding that
// question (sentOpenPosts) failed on the report's foreign key, for good: every later `/pyq today`,
// scheduled question and reveal in the channel failed.
func TestAnUnsentQuestionWithAReportIsDiscardedAndTheChannelGoesOn(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bot.db")
	slotAt := time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)
	clk := testkit.NewFakeClock(slotAt.Add(-time.Hour))
	opts := schedOpts{path: path, schedules: []bot.Schedule{{Job: bot.JobQuestion, Spec: "0 9 * * *", Enabled: true}}}
	first := newSchedProc(t, clk, opts)
	killedInSend(first, slotAt)

	second := newSchedProc(t, clk, opts) // back at 13:00, past the grace window
	second.tickAt(t, slotAt.Add(4*time.Hour))
	if got := second.say("ann", false, "report the answer should be B"); !strings.Contains(got, "#1") {
		t.Fatalf("/pyq report replied %q", got)
	}
	r := second.engine.Handle(context.Background(), bot.Event{Conv: schedConv, User: bot.User{ID: "lead", Name: "Lead"}, Admin: true, Text: "today"})
	if !r.Empty() || len(second.adapter.topLevel()) != 1 {
		t.Fatalf("/pyq today replied %q and posted %d, want today's question posted", bot.PlainText(r.Post), len(second.adapter.topLevel()))
	}
}

// A question whose process died while sending it (no message reference) is still open to the
// reminder loop, which reads the channel's open questions as they are: a reminder claimed for it
// before the reveal keeps a row pointing at the post. The reveal then discards the question
// (sentOpenPosts), and the delete failed on that row's foreign key: the reveal failed, and so did
// every later `/pyq today` and scheduled question in the channel, the row never going away.
func TestAnUnsentQuestionWithAReminderIsDiscardedAndTheChannelGoesOn(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bot.db")
	clk := testkit.NewFakeClock(mon(8, 0))
	first, _ := newRemindProc(t, clk, path, "a")
	if got := first.as(t, "ann", "remind on"); !strings.Contains(got, "Reminders are") {
		t.Fatalf("/pyq remind on replied %q", got)
	}
	killedInSend(first, mon(9, 0))

	second, dm := newRemindProc(t, clk, path, "b") // back at 16:00, past the grace window
	second.tickAt(t, mon(16, 0))
	if n := len(dm.DMs()); n != 1 {
		t.Fatalf("%d reminders at 16:00, want ann's (it names the open question the reminder loop sees)", n)
	}
	clk.Set(mon(17, 0))
	if err := second.engine.Tick(context.Background(), mon(17, 0)); err != nil {
		t.Fatalf("the 17:00 reveal failed discarding the question that never reached the platform: %v", err)
	}
	if got := second.adapter.sent(); len(got) != 0 {
		t.Fatalf("the 17:00 reveal sent %q, want nothing (the question was never asked)", bot.PlainText(got[0].post))
	}
	clk.Set(mon(17, 30))
	if r := second.engine.Handle(context.Background(), bot.Event{Conv: schedConv, User: bot.User{ID: "ann", Name: "ann"}, Text: "today"}); !r.Empty() {
		t.Fatalf("/pyq today replied %q, want the question posted", bot.PlainText(r.Post))
	}
	if n := len(second.adapter.topLevel()); n != 1 {
		t.Fatalf("/pyq today posted %d, want 1", n)
	}
}

// A debugging challenge whose process died while sending it (it never reached the platform, and its
// slot is past grace when the bot is back) gets no hints: there is no thread to put them in, and a
// recorded hint's row would keep the unsent challenge from being discarded, failing every later
// `/pyq today`, scheduled question and reveal in the channel.
func TestAChallengeThatNeverReachedThePlatformGetsNoHints(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bot.db")
	slotAt := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC) // a Wednesday
	clk := testkit.NewFakeClock(slotAt.Add(-time.Hour))
	opts := schedOpts{path: path, schedules: []bot.Schedule{
		{Job: bot.JobDebug, Spec: "0 10 * * 3", Enabled: true, HintOffsets: []time.Duration{2 * time.Hour}},
	}}
	first := newSchedProc(t, clk, opts)
	killedInSend(first, slotAt)

	second := newSchedProc(t, clk, opts) // back at 13:30: the challenge's slot is past grace, its hint's is not
	if open, err := second.db.OpenPosts(context.Background(), second.ch.ID); err != nil || len(open) != 1 || !open[0].Ref.IsZero() {
		t.Fatalf("open posts %+v (%v), want the unsent challenge", open, err)
	}
	second.tickAt(t, slotAt.Add(3*time.Hour+30*time.Minute))
	if sent := second.adapter.sent(); len(sent) != 0 {
		t.Fatalf("sent %d messages, want none (the first: %q): a hint of a challenge nobody saw", len(sent), bot.PlainText(sent[0].post))
	}
	r := second.engine.Handle(context.Background(), bot.Event{Conv: schedConv, User: bot.User{ID: "lead", Name: "Lead"}, Admin: true, Text: "today"})
	if !r.Empty() || len(second.adapter.topLevel()) != 1 {
		t.Fatalf("/pyq today replied %q and posted %d, want a question posted", bot.PlainText(r.Post), len(second.adapter.topLevel()))
	}
}

// A debugging challenge whose process died while sending it keeps its slot's link to the post
// (slot_claims.post_id, no foreign key) after `/pyq today` discards it. SQLite hands a deleted
// row's id to the next post when it was the last, so `/pyq today`'s own question took the
// challenge's id, and the stale link made it a debugging challenge (OpenChallenges): the 15:00
// question job saw no question open today and posted a second one.
func TestAQuestionTakingADiscardedChallengesIDIsNoChallenge(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bot.db")
	slotAt := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC) // a Wednesday
	clk := testkit.NewFakeClock(slotAt.Add(-time.Hour))
	opts := schedOpts{path: path, schedules: []bot.Schedule{
		{Job: bot.JobDebug, Spec: "0 10 * * 3", Enabled: true},
		{Job: bot.JobQuestion, Spec: "0 15 * * *", Enabled: true},
	}}
	first := newSchedProc(t, clk, opts)
	killedInSend(first, slotAt)

	second := newSchedProc(t, clk, opts) // back at 13:30: the challenge's slot is past grace
	second.tickAt(t, slotAt.Add(3*time.Hour+30*time.Minute))
	r := second.engine.Handle(context.Background(), bot.Event{Conv: schedConv, User: bot.User{ID: "lead", Name: "Lead"}, Admin: true, Text: "today"})
	if !r.Empty() || len(second.adapter.topLevel()) != 1 {
		t.Fatalf("/pyq today replied %q and posted %d, want a question posted", bot.PlainText(r.Post), len(second.adapter.topLevel()))
	}
	if cs, err := second.db.OpenChallenges(context.Background(), bot.JobDebug); err != nil || len(cs) != 0 {
		t.Fatalf("open challenges %+v (%v), want none: /pyq today's question is no debugging challenge", cs, err)
	}
	second.tickAt(t, time.Date(2026, 3, 4, 15, 0, 0, 0, time.UTC))
	if n := len(second.adapter.topLevel()); n != 1 {
		t.Fatalf("%d questions posted today, want 1: the 15:00 job finds /pyq today's open", n)
	}
}

// A question the platform showed but whose message reference was never saved (the process died
// right after the send) is discarded by `/pyq today` after the lease, past its slot's grace. The
// 09:00 message still shows #1 and its buttons answer #1. SQLite gave `/pyq today`'s question the
// discarded row's id, so a press on the 09:00 message was recorded as an answer to a question the
// user had not read.
func TestAPressOnADiscardedQuestionsMessageAnswersNoOtherQuestion(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bot.db")
	slotAt := time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)
	clk := testkit.NewFakeClock(slotAt.Add(-time.Hour))
	opts := schedOpts{path: path, seq: new(atomic.Int64), schedules: []bot.Schedule{{Job: bot.JobQuestion, Spec: "0 9 * * *", Enabled: true}}}
	first := newSchedProc(t, clk, opts)
	first.adapter.crash = func(_ bot.Post, deliver func()) { deliver(); runtime.Goexit() }
	done := make(chan struct{})
	go func() { defer close(done); first.engine.Tick(context.Background(), slotAt) }()
	<-done
	if sent := first.adapter.sent(); len(sent) != 1 || !strings.Contains(bot.PlainText(sent[0].post), "#1") {
		t.Fatalf("the killed process delivered %d posts, want the 09:00 question #1", len(sent))
	}

	second := newSchedProc(t, clk, opts) // back at 13:00, past the grace window
	clk.Set(slotAt.Add(4 * time.Hour))
	if r := second.engine.Handle(context.Background(), bot.Event{Conv: schedConv, User: bot.User{ID: "lead", Name: "Lead"}, Admin: true, Text: "today"}); !r.Empty() {
		t.Fatalf("/pyq today replied %q, want a question posted", bot.PlainText(r.Post))
	}
	open, err := second.db.OpenPosts(context.Background(), second.ch.ID)
	if err != nil || len(open) != 1 {
		t.Fatalf("open posts %+v (%v), want /pyq today's question", open, err)
	}
	second.say("ann", false, "answer #1 A") // a press on the 09:00 message
	if as, err := second.db.Answers(context.Background(), open[0].ID); err != nil || len(as) != 0 {
		t.Fatalf("/pyq today's question #%d has answers %+v (%v): the press on the discarded #1's message answered it", open[0].ID, as, err)
	}
}
