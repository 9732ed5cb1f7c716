package slack

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/adapters/contract"
	"github.com/pyqbot/pyqbot/adapters/slack/slackfake"
	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
)

// remindKit is the real engine with scheduling (09:00 question, 17:00 reveal, UTC) posting through
// the adapter to the strict fake, its clock at Monday 08:00.
func remindKit(t *testing.T) (*env, *testkit.Kit) {
	t.Helper()
	e := newEnv(t, ModeHTTP)
	q := bot.Question{ID: "out-one", Kind: bot.KindOutput, Topic: "closures", Difficulty: bot.Warmup, Title: "Output one",
		Prompt: "What prints?", Code: "print(3)", Choices: []bot.Choice{{Key: "A", Text: "1"}, {Key: "B", Text: "3"}},
		Answer: []string{"B"}, Explanation: "It prints 3."}
	kit := testkit.NewEngine(t, testkit.Options{
		Questions: []bot.Question{q}, Adapters: []bot.Adapter{e.a},
		Clock: testkit.NewFakeClock(testkit.Monday.Add(-time.Hour)),
		Schedules: []bot.Schedule{
			{Job: bot.JobQuestion, Spec: "0 9 * * 1-5", Enabled: true},
			{Job: bot.JobReveal, Spec: "0 17 * * 1-5", Enabled: true},
		},
	})
	if _, err := kit.Engine.EnsureChannel(context.Background(), conv); err != nil {
		t.Fatal(err)
	}
	return e, kit
}

// A reminder reaches the user's DM with the bot through conversations.open and chat.postMessage;
// a deactivated user (user_disabled) is skipped, and `/pyq me` tells them reminders could not be
// delivered. Neither is tried again that day.
func TestReminderIsADirectMessageAndADisabledUserIsToldByMe(t *testing.T) {
	t.Parallel()
	e, kit := remindKit(t)
	for _, u := range []string{"ann", "bob", "cy"} {
		if r := kit.As(conv, u, false, "remind on"); !strings.Contains(r.Post.Text, "Reminders are on") {
			t.Fatalf("%s: remind on replied %q", u, r.Post.Text)
		}
	}
	e.fake.SetUser("bob", slackfake.User{Name: "Bob", Disabled: true})
	kit.Tick(testkit.Monday)
	if n := len(e.fake.Messages("C1")); n != 1 {
		t.Fatalf("%d messages in C1 at 09:00, want the question", n)
	}
	if r := kit.As(conv, "cy", false, "answer B"); !strings.HasPrefix(r.Post.Text, "Recorded") {
		t.Fatalf("cy's answer: %q", r.Post.Text)
	}
	kit.Tick(testkit.Monday.Add(7 * time.Hour)) // 16:00
	kit.Tick(testkit.Monday.Add(7*time.Hour + 5*time.Minute))

	var opened []string
	for _, c := range e.fake.Calls("conversations.open") {
		opened = append(opened, c.Form.Get("users"))
	}
	slices.Sort(opened) // reminders go out concurrently
	if fmt.Sprint(opened) != "[ann bob]" {
		t.Fatalf("conversations.open for %v, want ann and bob once each (cy answered)", opened)
	}
	dms := e.fake.Messages(slackfake.DMChannel("ann"))
	if len(dms) != 1 {
		t.Fatalf("ann's DM has %d messages, want 1", len(dms))
	}
	seen := strings.Join(sectionTexts(t, dms[0].Blocks), "\n") + "\n" + dms[0].Text
	for _, want := range []string{"#1", "revealed in 1h 0m", "/pyq answer #1", "/pyq remind off"} {
		if !strings.Contains(seen, want) {
			t.Errorf("ann's reminder lacks %q:\n%s", want, seen)
		}
	}
	if n := len(e.fake.Messages(slackfake.DMChannel("bob"))); n != 0 {
		t.Errorf("bob (deactivated) has %d DMs", n)
	}
	contract.CheckUndelivered(t, kit, conv, "bob", "ann", "Slack would not deliver", "deactivated")
}

// An app installed before im:write was added: conversations.open answers missing_scope, the tick
// reports it with what to do, and the reminder is retried (it failed before delivery).
func TestReminderWithoutImWriteSaysToReinstall(t *testing.T) {
	t.Parallel()
	e, kit := remindKit(t)
	kit.As(conv, "ann", false, "remind on")
	kit.Tick(testkit.Monday)
	e.fake.SetScopes("commands", "chat:write", "chat:write.public", "users:read")
	at := testkit.Monday.Add(7 * time.Hour)
	kit.Clock.Set(at)
	err := kit.Engine.Tick(context.Background(), at)
	if err == nil || !strings.Contains(err.Error(), "missing_scope") || !strings.Contains(err.Error(), "reinstall") {
		t.Fatalf("Tick = %v, want missing_scope with the fix", err)
	}
	e.fake.SetScopes(slackfake.DefaultScopes...)
	kit.Tick(at.Add(time.Minute))
	if n := len(e.fake.Messages(slackfake.DMChannel("ann"))); n != 1 {
		t.Errorf("after the reinstall ann has %d DMs, want the retried reminder", n)
	}
}
