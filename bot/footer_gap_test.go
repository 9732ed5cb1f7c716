package bot_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
)

// heldEditor is a recording adapter whose edits wait for the test: each announces its post on
// started and is recorded only once the test sends on release.
type heldEditor struct {
	*testkit.Recorder
	started chan bot.Post
	release chan struct{}
}

func (h *heldEditor) Edit(ctx context.Context, to bot.Conversation, ref bot.MessageRef, p bot.Post) error {
	h.started <- p
	<-h.release
	return h.Recorder.Edit(ctx, to, ref, p)
}

// heldSleep is an EditSleep that says what it was asked to wait on asked, and returns what the
// test sends on wake (the test moves its clock first); it honours ctx.
type heldSleep struct {
	asked chan time.Duration
	wake  chan error
}

func (s *heldSleep) Sleep(ctx context.Context, d time.Duration) error {
	s.asked <- d
	select {
	case err := <-s.wake:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// TestFooterEditsAreSpacedByTheGap holds the first footer edit while a burst of answers arrives:
// the burst costs one wait of the gap and one trailing edit with the final count, not edits back
// to back. An answer a gap after the last edit is shown at once; one sooner waits out the rest of
// the gap; a wait cut short by a shutdown leaves the next answer's refresh working. Time is the
// test's: a clock it moves and a sleep it ends.
func TestFooterEditsAreSpacedByTheGap(t *testing.T) {
	const gap = 1200 * time.Millisecond
	ed := &heldEditor{Recorder: testkit.NewRecorder("held"), started: make(chan bot.Post), release: make(chan struct{})}
	sl := &heldSleep{asked: make(chan time.Duration), wake: make(chan error)}
	real := testkit.NewFakeClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	k := testkit.NewEngine(t, testkit.Options{Questions: testQuestions()[:1], Adapters: []bot.Adapter{ed},
		EditGap: gap, EditNow: real.Now, EditSleep: sl.Sleep})
	conv := bot.Conversation{Platform: "held", Workspace: "T1", Channel: "C1"}
	if r := k.As(conv, "lead", true, "today"); !r.Empty() {
		t.Fatalf("today replied %q", bot.PlainText(r.Post))
	}
	answered := 0
	answer := func() {
		t.Helper()
		if r := k.As(conv, fmt.Sprintf("user%d", answered), false, "answer C"); r.Empty() {
			t.Fatal("an answer got no confirmation")
		}
		answered++
	}
	// next is what the refresher does next: an edit (held until release) or a wait (held until wake).
	next := func() (bot.Post, time.Duration) {
		t.Helper()
		select {
		case p := <-ed.started:
			return p, 0
		case d := <-sl.asked:
			return bot.Post{}, d
		case <-time.After(10 * time.Second): // only when the refresher is stuck: a failure, not a timing
			t.Fatal("no footer edit or wait came")
		}
		return bot.Post{}, 0
	}
	wantEdit := func(when string) {
		t.Helper()
		p, d := next()
		if d != 0 {
			t.Fatalf("%s: the refresher waited %v, want an edit at once", when, d)
		}
		mustContain(t, p.Footer, fmt.Sprintf("· %d answered ·", answered))
		ed.release <- struct{}{}
	}
	wantWait := func(when string, longest time.Duration) time.Duration {
		t.Helper()
		_, d := next()
		if d <= 0 || d > longest {
			t.Fatalf("%s: the refresher did not wait (or waited %v), want a wait in (0, %v]", when, d, longest)
		}
		return d
	}
	idle := func(when string, edits int) {
		t.Helper()
		k.Engine.WaitIdle()
		if n := len(ed.Edits()); n != edits {
			t.Fatalf("%s: %d footer edits, want %d", when, n, edits)
		}
	}

	answer()
	p, d := next() // the first edit, held while the burst arrives
	if d != 0 {
		t.Fatalf("the first answer waited %v before its edit, want none", d)
	}
	mustContain(t, p.Footer, "· 1 answered ·")
	for range 40 {
		answer()
	}
	ed.release <- struct{}{}
	d = wantWait("after the burst", gap)
	real.Advance(d)
	sl.wake <- nil
	wantEdit("the trailing edit")
	idle("after the burst", 2)

	real.Advance(gap + time.Millisecond) // just over a gap since the trailing edit started
	answer()
	wantEdit("after a quiet spell")
	idle("after a quiet spell", 3)

	real.Advance(gap / 4)
	answer()
	d = wantWait("a quarter gap after an edit", gap)
	if d != gap-gap/4 {
		t.Fatalf("a quarter gap after an edit the refresher waited %v, want the rest of the gap, %v", d, gap-gap/4)
	}
	real.Advance(d)
	sl.wake <- nil
	wantEdit("after the rest of the gap")
	idle("after the rest of the gap", 4)

	// A shutdown ends the wait: no edit, and nothing left that stops the next answer's refresh.
	answer()
	wantWait("right after an edit", gap)
	sl.wake <- errors.Join(context.Canceled, bot.ErrAbandoned)
	idle("after a cancelled wait", 4)
	real.Advance(2 * gap)
	answer()
	wantEdit("after the cancelled wait")
	idle("after the cancelled wait", 5)
}

// TestAbandonEndsAFooterWait: a footer refresh waiting out the gap when the shutdown abandons its
// work stops waiting (WaitIdle returns) instead of holding the exit for the rest of the gap.
func TestAbandonEndsAFooterWait(t *testing.T) {
	tr := bot.NewInflight(nil)
	waiting := make(chan time.Duration, 1)
	untilCancelled := func(ctx context.Context, d time.Duration) error {
		waiting <- d
		<-ctx.Done()
		return ctx.Err()
	}
	e, _ := schedEngine(t, testkit.NewFakeClock(testkit.Monday), "", testQuestions()[:1],
		bot.Config{Inflight: tr, EditGap: time.Hour, EditSleep: untilCancelled})
	rec := testkit.NewRecorder(testConv.Platform)
	e.AddAdapter(rec)
	as := func(user, text string) bot.Reply {
		return e.Handle(context.Background(), bot.Event{Conv: testConv, User: bot.User{ID: user, Name: user}, Admin: true, Text: text})
	}
	if r := as("lead", "today"); !r.Empty() {
		t.Fatalf("today replied %q", bot.PlainText(r.Post))
	}
	as("ann", "answer C")
	e.WaitIdle() // the first edit goes out at once
	as("bob", "answer C")
	select {
	case d := <-waiting:
		if d <= 0 || d > time.Hour {
			t.Fatalf("the second answer's refresh waits %v, want the rest of the hour's gap", d)
		}
	case <-time.After(10 * time.Second): // a failure, not a timing
		t.Fatal("the second answer's refresh did not wait out the gap")
	}
	idle := make(chan struct{})
	go func() { e.WaitIdle(); close(idle) }()
	tr.Abandon()
	select {
	case <-idle:
	case <-time.After(10 * time.Second): // only when the wait ignores the abandon: a failure, not a timing
		t.Fatal("WaitIdle still waits after the shutdown abandoned the footer's wait")
	}
	if n := len(rec.Edits()); n != 1 {
		t.Fatalf("%d footer edits, want 1 (the one before the gap)", n)
	}
}
