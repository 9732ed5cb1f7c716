package discord

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/adapters/contract"
	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
)

// A reminder goes to the member's DM channel (Create DM, then a message with mentions off); a
// member who blocks DMs from server members is refused with 50007, skipped for the day, and told
// by `/pyq me`.
func TestReminderDMAndBlockedMemberToldByMe(t *testing.T) {
	t.Parallel()
	f := newFakeDiscord(t)
	a := newTestAdapter(t, f, ModeGateway, Options{})
	kit := testkit.NewEngine(t, testkit.Options{
		Questions: []bot.Question{testQuestion()}, Adapters: []bot.Adapter{a},
		Clock: testkit.NewFakeClock(testkit.Monday.Add(-time.Hour)),
		Schedules: []bot.Schedule{
			{Job: bot.JobQuestion, Spec: "0 9 * * 1-5", Enabled: true},
			{Job: bot.JobReveal, Spec: "0 17 * * 1-5", Enabled: true},
		},
	})
	conv := bot.Conversation{Platform: a.Name(), Workspace: "g1", Channel: "c1"}
	if _, err := kit.Engine.EnsureChannel(context.Background(), conv); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"u-alice", "u-bob"} {
		if r := kit.As(conv, u, false, "remind 30m"); !strings.Contains(r.Post.Text, "Reminders are on") {
			t.Fatalf("%s: %q", u, r.Post.Text)
		}
	}
	f.BlockDMs("u-bob", true)
	kit.Tick(testkit.Monday)
	kit.Tick(testkit.Monday.Add(7*time.Hour + 29*time.Minute)) // 16:29: before the 30m lead
	if n := len(f.Matching("POST", "/api/v9/users/@me/channels")); n != 0 {
		t.Fatalf("%d DM channels created before the lead", n)
	}
	kit.Tick(testkit.Monday.Add(7*time.Hour + 30*time.Minute))
	kit.Tick(testkit.Monday.Add(7*time.Hour + 40*time.Minute))

	creates := f.Matching("POST", "/api/v9/users/@me/channels")
	if len(creates) != 2 {
		t.Fatalf("%d Create DM calls, want 2 (alice, bob), once each", len(creates))
	}
	var recipients []string
	for _, c := range creates {
		var body struct {
			RecipientID string `json:"recipient_id"`
		}
		if err := c.Decode(&body); err != nil {
			t.Fatal(err)
		}
		recipients = append(recipients, body.RecipientID)
	}
	slices.Sort(recipients) // reminders go out concurrently
	if fmt.Sprint(recipients) != "[u-alice u-bob]" {
		t.Fatalf("Create DM for %v, want u-alice and u-bob", recipients)
	}
	aliceDM, ok := f.DMChannel("u-alice")
	if !ok {
		t.Fatal("no DM channel with alice")
	}
	var got []json.RawMessage
	for _, m := range f.Messages() {
		if m.ChannelID == aliceDM {
			got = append(got, m.Body)
		}
	}
	if len(got) != 1 {
		t.Fatalf("alice's DM has %d messages, want 1", len(got))
	}
	checkNoMentions(t, "reminder", got[0])
	for _, want := range []string{"#1", "revealed in 30m", "/pyq answer #1", "/pyq remind off"} {
		if !strings.Contains(string(got[0]), want) {
			t.Errorf("alice's reminder lacks %q: %s", want, got[0])
		}
	}
	bobDM, _ := f.DMChannel("u-bob")
	refused := f.Matching("POST", "/api/v9/channels/"+bobDM+"/messages")
	if len(refused) != 1 || refused[0].Status != 403 {
		t.Fatalf("messages to bob's DM: %+v, want one refused 403", refused)
	}
	contract.CheckUndelivered(t, kit, conv, "u-bob", "u-alice", "Discord would not deliver", "Privacy Settings")
}

// A post Discord refuses is logged once, by the core where it decides what to tell the user, with
// the conversation's platform, workspace and channel; the adapter only returns the error.
func TestARefusedPostIsLoggedOnceWithItsConversation(t *testing.T) {
	t.Parallel()
	f := newFakeDiscord(t)
	log := &testLog{t: t}
	logger := newLogger(log)
	a := newTestAdapter(t, f, ModeGateway, Options{Logger: logger})
	kit := testkit.NewEngine(t, testkit.Options{Questions: []bot.Question{testQuestion()}, Adapters: []bot.Adapter{a}, Logger: logger})
	f.refuse("POST", "/channels/c1/messages", func(w http.ResponseWriter) {
		writeJSON(w, 403, map[string]any{"message": "Missing Access", "code": 50001})
	})
	if r := kit.As(conv, "lead", true, "today"); r.Empty() {
		t.Fatal("today answered nothing after Discord refused the post; want a private error")
	}
	contract.CheckLoggedOnce(t, log.String(), "Missing Access", "platform=discord", "workspace=g1", "channel=c1")
}
