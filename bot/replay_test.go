package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
	"github.com/pyqbot/pyqbot/storage"
)

func (h *harness) signed(user string, admin bool, text, key string) bot.Reply {
	h.t.Helper()
	return h.engine.Handle(context.Background(), bot.Event{
		Conv: h.conv, User: bot.User{ID: strings.ToLower(user), Name: user}, Admin: admin, Text: text, ReplayKey: key})
}

func TestReplayedRevealIsRefusedAndClosesNothing(t *testing.T) {
	h := newHarness(t, testQuestions())
	h.signed("lead", true, "today", "sig-today-1")
	if r := h.signed("lead", true, "reveal", "sig-reveal"); !r.Empty() {
		t.Fatalf("reveal: %s", r.Post.Text)
	}
	h.signed("lead", true, "today", "sig-today-2")
	h.clock.Advance(60 * time.Second)
	r := h.signed("lead", true, "reveal", "sig-reveal")
	mustContain(t, r.Post.Text, "already received, so it was not run again")
	if open, _ := h.store.OpenPosts(context.Background(), 1); len(open) != 1 {
		t.Fatalf("%d open questions after the replay, want the second still open", len(open))
	}

	// A restart on the same database file remembers it.
	h.store.Close()
	store, err := storage.Open(context.Background(), h.path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	bank, _ := bot.NewBank(testQuestions())
	restarted := bot.New(bot.Config{Store: store, Bank: bank, Now: h.clock.Now, Seed: 1, EditSleep: testkit.NoEditGap})
	restarted.AddAdapter(h.out)
	h.clock.Advance(60 * time.Second)
	r = restarted.Handle(context.Background(), bot.Event{Conv: h.conv, User: bot.User{ID: "lead", Name: "lead"}, Admin: true, Text: "reveal", ReplayKey: "sig-reveal"})
	mustContain(t, r.Post.Text, "already received")
	if open, _ := store.OpenPosts(context.Background(), 1); len(open) != 1 {
		t.Fatal("the replay after a restart closed the open question")
	}
	// The same command, newly signed, runs.
	if r := restarted.Handle(context.Background(), bot.Event{Conv: h.conv, User: bot.User{ID: "lead", Name: "lead"}, Admin: true, Text: "reveal", ReplayKey: "sig-new"}); !r.Empty() {
		t.Fatalf("a fresh reveal replied %q", r.Post.Text)
	}
}

func TestReplayMemoryCoversStateChangesOnly(t *testing.T) {
	h := newHarness(t, testQuestions())
	h.signed("lead", true, "today", "k1")
	cases := []struct {
		user, text string
		refused    bool
	}{
		{"Alice", "answer A", false}, // answers write nothing extra: the first answer locks
		{"lead", "schedule", false},  // listing changes nothing
		{"lead", "filter", false},
		{"lead", "leaderboard", false},
		{"lead", "filter kinds output", true},
		{"lead", "today", true},
		{"Bo", "report the answer should be B", true},
	}
	for _, c := range cases {
		key := "replay-of-" + c.text
		h.signed(c.user, true, c.text, key)
		r := h.signed(c.user, true, c.text, key)
		if got := strings.Contains(r.Post.Text, "already received"); got != c.refused {
			t.Errorf("%q sent twice with one signature: refused = %v, want %v (%s)", c.text, got, c.refused, r.Post.Text)
		}
	}
	// Other platforms' keys never collide, and the terminal (no key) is never refused.
	h.conv.Platform = "other"
	if r := h.signed("lead", true, "filter clear", "replay-of-filter kinds output"); strings.Contains(r.Post.Text, "already received") {
		t.Error("a key from another platform was taken as a replay")
	}
	for range 2 {
		if r := h.as("lead", true, "filter clear"); strings.Contains(r.Post.Text, "already received") {
			t.Error("an event without a replay key was refused")
		}
	}
}
