package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pyqbot/pyqbot/adapters/discord"
	"github.com/pyqbot/pyqbot/adapters/discord/discordfake"
	"github.com/pyqbot/pyqbot/adapters/slack"
	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/content"
	"github.com/pyqbot/pyqbot/metrics"
	"github.com/pyqbot/pyqbot/schedule"
	"github.com/pyqbot/pyqbot/storage"
)

const (
	secret  = "load-signing-secret"
	teamID  = "T0LOAD"
	guildID = "g1"
)

// discordKey signs the Discord interactions; pyqbot and the floor get its public half.
var discordKey = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))

// pyqbot is the real store, engine and both adapters in HTTP mode behind one net/http server, as
// `pyqbot run` wires them, against the cheap fake Slack and the Discord fake.
type pyqbot struct {
	base        string // http://host:port
	store       *storage.DB
	fake        *fakeSlack
	slackPost   bot.PostedQuestion
	discordPost bot.PostedQuestion
	key         string       // the choice every answer picks
	handler     http.Handler // what the server serves (for the in-process benchmark)
	stop        func()
	// idle waits for the footer edits a round left behind: the trailing one comes up to a gap
	// (bot.DefaultEditGap) after the burst, when the process already looks idle to settle.
	idle func()
}

func startPyqbot(ctx context.Context, dir string) (*pyqbot, error) {
	fake, err := newFakeSlack()
	if err != nil {
		return nil, err
	}
	dfake := discordfake.New()
	store, err := storage.Open(ctx, filepath.Join(dir, "pyqbot.db"))
	if err != nil {
		return nil, err
	}
	bank, err := content.Bank(content.Options{})
	if err != nil {
		return nil, err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	// As `pyqbot run` wires the engine: scheduling on (each answer's reply reads the channel's
	// reveal job), metrics, and commands listed in flight. The scheduler's loop itself does not
	// run, so no slot posts or reveals in the middle of a round.
	inflight := bot.NewInflight(nil)
	reg := metrics.New(metrics.Options{Version: "load", Platforms: []string{slack.Platform, "discord"}, OpenQuestions: store.OpenPostCount, Logger: log})
	engine := bot.New(bot.Config{Store: store, Bank: bank, Seed: 1, Logger: log, ParseSpec: schedule.Parse, Metrics: reg, Inflight: inflight})
	sa := slack.New(slack.Options{Settings: slack.Settings{Mode: slack.ModeHTTP, APIURL: fake.base, BotToken: "xoxb-load", SigningSecret: secret}, Logger: log, Metrics: reg})
	da, err := discord.New(discord.Config{Enabled: true, Mode: discord.ModeHTTP, Token: discordfake.Token, AppID: "app1", APIURL: dfake.URL(),
		PublicKey: hex.EncodeToString(discordKey.Public().(ed25519.PublicKey)), Guilds: []string{guildID}}, discord.Options{Logger: log, Metrics: reg})
	if err != nil {
		return nil, err
	}
	engine.AddAdapter(sa)
	engine.AddAdapter(da)
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 2)
	h := inflight.Handler(engine)
	go func() { done <- sa.Run(runCtx, h) }()
	go func() { done <- da.Run(runCtx, h) }()
	<-sa.Ready()
	for da.Healthy(ctx) != nil { // registering /pyq with the fake; a few milliseconds
		time.Sleep(5 * time.Millisecond)
	}
	mux := http.NewServeMux()
	sa.Register(mux)
	mux.Handle("POST "+discord.InteractionsPath, da)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		cancel()
		return nil, err
	}
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	p := &pyqbot{base: "http://" + ln.Addr().String(), store: store, fake: fake, idle: engine.WaitIdle, handler: mux}
	p.stop = func() {
		srv.Close()
		cancel()
		<-done
		<-done
		engine.WaitIdle()
		store.Close()
		fake.close()
		dfake.Close()
	}
	// One output question per platform, so a button press and a signed interaction answer it.
	for _, conv := range []bot.Conversation{{Platform: slack.Platform, Workspace: teamID, Channel: "C_LOAD"}, {Platform: "discord", Workspace: guildID, Channel: "c1"}} {
		ch, err := store.EnsureChannel(ctx, conv, "UTC")
		if err != nil {
			return nil, err
		}
		if err := store.SetChannelFilter(ctx, ch.ID, bot.Filter{Kinds: []bot.Kind{bot.KindOutput}}); err != nil {
			return nil, err
		}
		if r := engine.Handle(ctx, bot.Event{Conv: conv, User: bot.User{ID: "ULEAD", Name: "lead"}, Text: "today"}); !r.Empty() {
			return nil, fmt.Errorf("posting the %s question: %s", conv.Platform, r.Post.Text)
		}
		open, err := store.OpenPosts(ctx, ch.ID)
		if err != nil || len(open) != 1 {
			return nil, fmt.Errorf("posting the %s question: %d open, %v", conv.Platform, len(open), err)
		}
		if conv.Platform == slack.Platform {
			p.slackPost = open[0]
		} else {
			p.discordPost = open[0]
		}
		p.key = bank.Get(open[0].QuestionID).Choices[0].Key
	}
	return p, nil
}

// slashRequest is a signed `/pyq answer` for user, replying to the fake's response_url name user.
func slashRequest(target, responseURL, user, text string) *http.Request {
	return signedSlack(target, url.Values{"team_id": {teamID}, "channel_id": {"C_LOAD"}, "user_id": {user}, "user_name": {strings.ToLower(user)},
		"command": {"/pyq"}, "text": {text}, "response_url": {responseURL}, "trigger_id": {"t-" + user}}.Encode())
}

// buttonRequest is a signed press of the question's choice button.
func buttonRequest(target, responseURL, user, ref, key string) *http.Request {
	payload, _ := json.Marshal(map[string]any{
		"type": "block_actions", "team": map[string]any{"id": teamID}, "user": map[string]any{"id": user, "name": strings.ToLower(user), "team_id": teamID},
		"channel": map[string]any{"id": "C_LOAD"}, "container": map[string]any{"type": "message", "channel_id": "C_LOAD", "message_ts": "1700000000.000001"},
		"response_url": responseURL, "trigger_id": "t-" + user,
		"actions": []any{map[string]any{"type": "button", "block_id": "b", "action_id": "pyq_answer_" + key, "value": "answer " + ref + " " + key}},
	})
	return signedSlack(target, url.Values{"payload": {string(payload)}}.Encode())
}

func signedSlack(target, body string) *http.Request {
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req, _ := http.NewRequest(http.MethodPost, target, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", slack.Sign(secret, ts, []byte(body)))
	return req
}

// discordRequest is a signed press of the question's choice button in the guild.
func discordRequest(target, user, ref, key string) *http.Request {
	body, _ := json.Marshal(map[string]any{"id": "i-" + user, "application_id": "app1", "type": 3, "token": "tok-" + user, "version": 1,
		"guild_id": guildID, "channel_id": "c1",
		"member": map[string]any{"user": map[string]any{"id": user, "username": strings.ToLower(user), "global_name": user}, "permissions": "0"},
		"data":   map[string]any{"custom_id": "pyq:answer " + ref + " " + key, "component_type": 2}})
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req, _ := http.NewRequest(http.MethodPost, target, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(discordKey, append([]byte(ts), body...))))
	req.Header.Set("X-Signature-Timestamp", ts)
	return req
}

// floor is the least a handler that commits before acknowledging can do: verify the signature,
// commit one row with pyqbot's durability settings (WAL, synchronous=NORMAL), and reply in the
// response.
type floor struct {
	base    string
	db      *sql.DB
	handler http.Handler // what the server serves (for the in-process benchmark)
	stop    func()
}

func startFloor(dir string) (*floor, error) {
	q := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "foreign_keys(1)", "synchronous(NORMAL)"} {
		q.Add("_pragma", p)
	}
	q.Add("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "floor.db")+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	if _, err := db.Exec(`CREATE TABLE answers (id INTEGER PRIMARY KEY, user_id TEXT NOT NULL UNIQUE, text TEXT NOT NULL, at INTEGER NOT NULL)`); err != nil {
		return nil, err
	}
	// The floor writes the way pyqbot's store does, so that the ratio measures pyqbot's own work:
	// connections kept (as many as pyqbot's pool), the insert prepared once, and writers handed the
	// lock in order by a mutex rather than left to SQLite's sleeping busy handler.
	db.SetMaxOpenConns(17)
	db.SetMaxIdleConns(17)
	insert, err := db.Prepare(`INSERT INTO answers (user_id, text, at) VALUES (?, ?, ?)`)
	if err != nil {
		return nil, err
	}
	var writer sync.Mutex
	pub := discordKey.Public().(ed25519.PublicKey)
	commit := func(r *http.Request, user, text string) error {
		writer.Lock()
		defer writer.Unlock()
		_, err := insert.ExecContext(r.Context(), user, text, time.Now().UnixNano())
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /slack", func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
		if err != nil || slack.Verify(secret, time.Now(), r.Header.Get("X-Slack-Request-Timestamp"), r.Header.Get("X-Slack-Signature"), body) != nil {
			http.Error(w, "bad request", http.StatusUnauthorized)
			return
		}
		v, _ := url.ParseQuery(string(body))
		user := v.Get("user_id")
		if p := v.Get("payload"); p != "" {
			var cb struct {
				User struct{ ID string } `json:"user"`
			}
			json.Unmarshal([]byte(p), &cb)
			user = cb.User.ID
		}
		if err := commit(r, user, v.Get("text")); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"response_type":"ephemeral","text":"Recorded your answer."}`))
	})
	mux.HandleFunc("POST /discord", func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 64<<10))
		sig, _ := hex.DecodeString(r.Header.Get("X-Signature-Ed25519"))
		ts := r.Header.Get("X-Signature-Timestamp")
		sec, _ := strconv.ParseInt(ts, 10, 64)
		if err != nil || len(sig) != ed25519.SignatureSize || time.Since(time.Unix(sec, 0)).Abs() > 5*time.Minute ||
			!ed25519.Verify(pub, append([]byte(ts), body...), sig) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		var in struct {
			Member struct{ User struct{ ID string } } `json:"member"`
		}
		json.Unmarshal(body, &in)
		if err := commit(r, in.Member.User.ID, "answer"); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"type":4,"data":{"content":"Recorded your answer.","flags":64}}`))
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	return &floor{base: "http://" + ln.Addr().String(), db: db, handler: mux, stop: func() { srv.Close(); db.Close() }}, nil
}
