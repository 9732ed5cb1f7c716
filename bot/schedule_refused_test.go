package bot_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
)

// refusingAdapter stands for a platform that refuses every post, as Slack does with not_in_channel.
type refusingAdapter struct{ name string }

func (a refusingAdapter) Name() string                                 { return a.name }
func (a refusingAdapter) Run(ctx context.Context, _ bot.Handler) error { <-ctx.Done(); return nil }
func (a refusingAdapter) Send(context.Context, bot.Conversation, bot.Post) (bot.MessageRef, error) {
	return bot.MessageRef{}, errors.New("slack: not_in_channel: invite the bot with /invite @pyqbot")
}

func TestScheduleShowsRefusedPostsToAdmins(t *testing.T) {
	clk := testkit.NewFakeClock(time.Date(2026, 11, 16, 8, 0, 0, 0, time.UTC))
	p := newSchedProc(t, clk, schedOpts{path: filepath.Join(t.TempDir(), "refused.db"),
		schedules: only(bot.JobQuestion, "0 9 * * *", "UTC")})
	p.engine.AddAdapter(refusingAdapter{name: schedConv.Platform})
	if err := p.engine.Tick(context.Background(), time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC)); err == nil {
		t.Fatal("a refused post did not fail the tick")
	}
	ask := func(admin bool) string {
		r := p.engine.Handle(context.Background(), bot.Event{Conv: schedConv, User: bot.User{ID: "u", Name: "U"}, Admin: admin, Text: "schedule"})
		return r.Post.Text
	}
	if got := ask(true); !strings.Contains(got, "question due Mon 16 Nov 09:00") || !strings.Contains(got, "/invite @pyqbot") {
		t.Errorf("admin's /pyq schedule does not show the refused post:\n%s", got)
	}
	if got := ask(false); strings.Contains(got, "not_in_channel") {
		t.Errorf("a non-admin sees the problem list:\n%s", got)
	}
}

// threadlessAdapter posts, but like Discord without Create Public Threads it cannot start threads.
type threadlessAdapter struct{ schedAdapter }

func (a *threadlessAdapter) Send(ctx context.Context, to bot.Conversation, p bot.Post) (bot.MessageRef, error) {
	ref, _ := a.schedAdapter.Send(ctx, to, p)
	return ref, &bot.Degraded{Problem: "could not start a thread: grant Create Public Threads"}
}

func TestDegradedPostsCountAsPostedAndShowAdminsTheProblem(t *testing.T) {
	clk := testkit.NewFakeClock(time.Date(2026, 11, 16, 8, 0, 0, 0, time.UTC))
	p := newSchedProc(t, clk, schedOpts{path: filepath.Join(t.TempDir(), "degraded.db"),
		schedules: only(bot.JobQuestion, "0 9 * * *", "UTC")})
	a := &threadlessAdapter{schedAdapter{name: schedConv.Platform, seq: new(atomic.Int64)}}
	p.engine.AddAdapter(a)
	p.tickAt(t, time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC))
	open, err := p.db.OpenPosts(context.Background(), p.ch.ID)
	if err != nil || len(open) != 1 || open[0].Ref.IsZero() {
		t.Fatalf("open posts = %+v, %v; want the question posted, with its reference kept", open, err)
	}
	slots, _ := p.db.Slots(context.Background(), p.ch.ID, bot.JobQuestion)
	if len(slots) != 1 || slots[0].State != bot.SlotPosted {
		t.Fatalf("slots = %+v, want one posted", slots)
	}
	r := p.engine.Handle(context.Background(), bot.Event{Conv: schedConv, User: bot.User{ID: "lead", Name: "Lead"}, Admin: true, Text: "schedule"})
	if !strings.Contains(r.Post.Text, "Mon 16 Nov 09:00: could not start a thread: grant Create Public Threads") {
		t.Errorf("admin's /pyq schedule does not show the thread problem:\n%s", r.Post.Text)
	}
}
