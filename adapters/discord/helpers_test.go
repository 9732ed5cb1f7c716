package discord

import (
	"context"
	"encoding/json"
	"log/slog"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/pyqbot/pyqbot/adapters/contract"
	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
	"github.com/pyqbot/pyqbot/storage"
)

// actor is someone pressing things in the test guild.
type actor struct {
	id, name string
	perms    int64
}

var (
	alice = actor{id: "u-alice", name: "Alice", perms: discordgo.PermissionSendMessages}
	bob   = actor{id: "u-bob", name: "Bob @everyone", perms: discordgo.PermissionSendMessages}
	lead  = actor{id: "u-lead", name: "Lead", perms: discordgo.PermissionSendMessages | discordgo.PermissionManageGuild}
)

func member(a actor) map[string]any {
	return map[string]any{"user": map[string]any{"id": a.id, "username": strings.ToLower(a.name), "global_name": a.name},
		"permissions": strconv.FormatInt(a.perms, 10)}
}

// interaction is the JSON Discord sends for an interaction in guild g1, channel c1.
func interaction(id string, typ int, who actor, data any) []byte {
	b, _ := json.Marshal(map[string]any{
		"id": id, "application_id": "app1", "type": typ, "token": "tok-" + id, "version": 1,
		"guild_id": "g1", "channel_id": "c1", "channel": map[string]any{"id": "c1", "type": 0},
		"member": member(who), "data": data,
	})
	return b
}

// slash is /pyq SUB with options given as name, value pairs.
func slash(id string, who actor, sub string, nameValues ...string) []byte {
	var opts []map[string]any
	for i := 0; i+1 < len(nameValues); i += 2 {
		opts = append(opts, map[string]any{"name": nameValues[i], "type": 3, "value": nameValues[i+1]})
	}
	return interaction(id, 2, who, map[string]any{"id": "cmd1", "name": "pyq", "type": 1,
		"options": []any{map[string]any{"name": sub, "type": 1, "options": opts}}})
}

func press(id string, who actor, customID string, values ...string) []byte {
	d := map[string]any{"custom_id": customID, "component_type": 2}
	if values != nil {
		d["component_type"], d["values"] = 3, values
	}
	return interaction(id, 3, who, d)
}

// pressOn is press on a message with these flags, as Discord sends it (64: an ephemeral message).
func pressOn(id string, who actor, customID string, flags int) []byte {
	var in map[string]any
	json.Unmarshal(press(id, who, customID), &in)
	in["message"] = map[string]any{"id": "m-" + id, "channel_id": "c1", "flags": flags}
	b, _ := json.Marshal(in)
	return b
}

// componentIDs lists the custom ids of a response's action rows.
func componentIDs(rows []json.RawMessage) []string {
	var m sentMessage
	raw, _ := json.Marshal(map[string]any{"components": rows})
	json.Unmarshal(raw, &m)
	ids, _ := m.customIDs()
	return ids
}

func submitModal(id string, who actor, customID, text string) []byte {
	return interaction(id, 5, who, map[string]any{"custom_id": customID, "components": []any{
		map[string]any{"type": 1, "components": []any{map[string]any{"type": 4, "custom_id": idInput, "value": text}}}}})
}

// testQuestion is a one-choice question whose answer is B.
func testQuestion() bot.Question {
	return bot.Question{ID: "late-binding", Kind: bot.KindOutput, Topic: "closures", Difficulty: bot.Intermediate,
		Title: "Lambdas in a loop", Prompt: "What does this print?",
		Code:    "fs = [lambda: i for i in range(3)]\nprint([f() for f in fs])",
		Choices: []bot.Choice{{Key: "A", Text: "[0, 1, 2]"}, {Key: "B", Text: "[2, 2, 2]"}, {Key: "C", Text: "[0, 0, 0]"}},
		Answer:  []string{"B"}, Explanation: "The lambdas close over the variable, not its value.", Source: "test"}
}

// newEngine is the real engine on a SQLite file with the given questions.
func newEngine(t *testing.T, qs ...bot.Question) *bot.Engine {
	t.Helper()
	return newEngineAt(t, time.Time{}, qs...)
}

// newEngineAt is newEngine on a clock stopped at now (the real clock when now is zero).
func newEngineAt(t *testing.T, now time.Time, qs ...bot.Question) *bot.Engine {
	t.Helper()
	store, err := storage.Open(context.Background(), filepath.Join(t.TempDir(), "pyqbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	bank, err := bot.NewBank(qs)
	if err != nil {
		t.Fatal(err)
	}
	cfg := bot.Config{Store: store, Bank: bank, Seed: 1, EditSleep: testkit.NoEditGap}
	if !now.IsZero() {
		cfg.Now = func() time.Time { return now }
	}
	return bot.New(cfg)
}

// newTestAdapter is an adapter whose REST calls go to f.
func newTestAdapter(t *testing.T, f *fakeDiscord, mode string, opt Options) *Adapter {
	t.Helper()
	cfg := Config{Enabled: true, Mode: mode, Token: "test-token", AppID: "app1", APIURL: f.URL(), Guilds: []string{"g1"}}
	if mode == ModeHTTP {
		cfg.PublicKey = testPublicKeyHex
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.NewTextHandler(&testLog{t: t}, nil))
	}
	a, err := New(cfg, opt)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// testLog sends the adapter's log to the test's, and keeps it for assertions.
type testLog struct {
	t  *testing.T
	mu sync.Mutex
	b  strings.Builder
}

func (l *testLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.b.Write(p)
	l.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func (l *testLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// run starts a.Run and returns a stop function that ends it and waits.
func run(t *testing.T, a *Adapter, h bot.Handler) (stop func()) {
	t.Helper()
	return contract.Serve(t, func(ctx context.Context) error { return a.Run(ctx, h) })
}

// response is an interaction callback as the fake received it.
type response struct {
	Type int `json:"type"`
	Data struct {
		Content         string            `json:"content"`
		Flags           int               `json:"flags"`
		Embeds          []json.RawMessage `json:"embeds"`
		Components      []json.RawMessage `json:"components"`
		AllowedMentions *struct {
			Parse []string `json:"parse"`
		} `json:"allowed_mentions"`
		Choices []struct {
			Name  string `json:"name"`
			Value string `json:"value"`
		} `json:"choices"`
		CustomID string `json:"custom_id"`
	} `json:"data"`
}

func (r response) text() string {
	var b strings.Builder
	b.WriteString(r.Data.Content)
	for _, e := range r.Data.Embeds {
		b.Write(e)
	}
	return b.String()
}

// checkNoMentions fails unless the payload carries allowed_mentions with an empty parse list.
func checkNoMentions(t *testing.T, what string, body []byte) {
	t.Helper()
	var v struct {
		AllowedMentions *struct {
			Parse *[]string `json:"parse"`
		} `json:"allowed_mentions"`
	}
	json.Unmarshal(body, &v)
	if v.AllowedMentions == nil || v.AllowedMentions.Parse == nil || len(*v.AllowedMentions.Parse) != 0 {
		t.Errorf("%s lacks allowed_mentions {parse: []}: %s", what, body)
	}
}

func newLogger(l *testLog) *slog.Logger { return slog.New(slog.NewTextHandler(l, nil)) }
