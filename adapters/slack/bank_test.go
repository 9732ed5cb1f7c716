package slack

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/content"
	"github.com/pyqbot/pyqbot/internal/testkit"
)

// Every question of the built-in bank, posted, answered, revealed and marked closed by the real
// engine through the adapter, is accepted by the strict fake: no block, text or button Slack
// would refuse. One channel sees the whole bank before any repeat, so len(bank) days cover it.
// Under the race detector (or -short) it plays the first 40 days: run
// `go test -run WholeBank ./adapters/slack` for the whole bank, a few seconds.
func TestWholeBankGoesOutOnSlack(t *testing.T) {
	t.Parallel()
	bank, err := content.Bank(content.Options{})
	if err != nil {
		t.Fatal(err)
	}
	days := bank.Len()
	if raceEnabled || testing.Short() {
		days = min(days, 40)
	}
	e := newEnv(t, ModeHTTP)
	store := tempStore(t)
	store.Now = e.clock.Now
	eng := bot.New(bot.Config{Store: store, Bank: bank, Now: e.clock.Now, Seed: 1, EditSleep: testkit.NoEditGap})
	eng.AddAdapter(e.a)
	as := func(user string, text string) bot.Reply {
		return eng.Handle(context.Background(), bot.Event{Conv: conv, User: bot.User{ID: "U" + user, Name: "<!channel> " + user}, Admin: true, Text: text})
	}
	seen := map[string]bool{}
	for day := range days {
		if r := as("lead", "today"); !r.Empty() {
			t.Fatalf("day %d: today replied %q", day, r.Post.Text)
		}
		open, err := store.OpenPosts(context.Background(), 1)
		if err != nil || len(open) != 1 {
			t.Fatalf("day %d: %d open questions (%v)", day, len(open), err)
		}
		q := bank.Get(open[0].QuestionID)
		seen[q.ID] = true
		answer := "answer A"
		if q.FreeText() {
			answer = "answer " + strings.Repeat("a bounded queue & <backpressure> ", bot.MaxAnswerLen/34)
		}
		as("ann", answer)
		if r := as("lead", "reveal"); !r.Empty() {
			t.Fatalf("day %d (%s): reveal replied %q", day, q.ID, r.Post.Text)
		}
		e.clock.Advance(24 * time.Hour)
	}
	if len(seen) != days {
		t.Errorf("%d questions posted in %d days, want each once", len(seen), days)
	}
	closed := 0
	for _, m := range e.fake.Messages("C1") {
		if m.ThreadTS != "" {
			continue
		}
		if !strings.Contains(m.Blocks, "Closed: answers no longer count") {
			t.Errorf("question message %s was never marked closed (a chat.update Slack refused?)", m.TS)
		}
		closed++
	}
	if closed != days {
		t.Errorf("%d question messages, want %d", closed, days)
	}
}

// Every reply the engine gives a slash command fits one Slack message: a reply travels in the
// acknowledgement or through response_url, which cannot be split into thread replies.
func TestEveryReplyFitsOneSlackMessage(t *testing.T) {
	t.Parallel()
	bank, err := content.Bank(content.Options{})
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, ModeHTTP)
	store := tempStore(t)
	eng := bot.New(bot.Config{Store: store, Bank: bank, Now: e.clock.Now, Seed: 1, EditSleep: testkit.NoEditGap})
	eng.AddAdapter(e.a)
	texts := []string{"", "help", "help scoring", "topics", "me", "leaderboard", "leaderboard all", "schedule", "schedule help", "filter", "practice", "nonsense"}
	for _, c := range bot.Commands() {
		texts = append(texts, "help "+c.Name)
	}
	for _, text := range texts {
		r := eng.Handle(context.Background(), bot.Event{Conv: conv, User: bot.User{ID: "U1", Name: "Ann"}, Admin: true, Text: text})
		if r.Empty() {
			continue
		}
		if parts := splitBlocks(Blocks(r.Post)); len(parts) != 1 {
			t.Errorf("/pyq %s: the reply needs %d Slack messages", text, len(parts))
		}
		if _, err := e.a.Send(context.Background(), conv, r.Post); err != nil {
			t.Errorf("/pyq %s: Slack refuses the reply: %v", text, err)
		}
	}
}
