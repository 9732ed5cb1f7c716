package slack

import (
	"context"
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/adapters/contract"
	"github.com/pyqbot/pyqbot/adapters/slack/slackfake"
	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
	"github.com/pyqbot/pyqbot/storage"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

const (
	testSecret = "test-signing-secret"
	waitLimit  = 5 * time.Second // a failure guard, never a way to synchronise
)

// core is a bot.Handler that records events and, when gated, blocks like a slow store.
type core struct {
	got   chan bot.Event
	gate  chan struct{} // nil: answer at once
	reply func(bot.Event) bot.Reply
}

func newCore() *core { return &core{got: make(chan bot.Event, 1000)} }

func (c *core) Handle(_ context.Context, e bot.Event) bot.Reply {
	c.got <- e
	if c.gate != nil {
		<-c.gate
	}
	if c.reply != nil {
		return c.reply(e)
	}
	return bot.Reply{Private: true, Post: bot.Post{Text: "you said " + e.Text}}
}

func (c *core) next(t *testing.T) bot.Event {
	t.Helper()
	return receive(t, c.got, "no event reached the core")
}

func (c *core) none(t *testing.T) {
	t.Helper()
	select {
	case e := <-c.got:
		t.Fatalf("unexpected event reached the core: %+v", e)
	default:
	}
}

// env is an adapter running against the fake Slack, with its HTTP handlers on a test server.
type env struct {
	t       *testing.T
	a       *Adapter
	fake    *slackfake.Server
	core    *core
	clock   *testkit.FakeClock
	srv     *httptest.Server
	mu      sync.Mutex
	sleeps  []time.Duration
	stopRun func() // nil until started
	obs     *observed
	timer   *deadlineTimer
	log     *slog.Logger        // the adapter's; an engine the test builds logs here too
	logs    *testkit.SyncBuffer // what log wrote, as text
}

// deadlineTimer is the acknowledgement deadline's fake clock: it never fires unless the test says
// so, and it tells the test when the adapter starts waiting on it, which the adapter does only
// while the core is still running and nothing has been acknowledged.
type deadlineTimer struct {
	fired   chan time.Time // closed by expire
	waiting chan time.Duration
	once    sync.Once
}

func newDeadlineTimer() *deadlineTimer {
	return &deadlineTimer{fired: make(chan time.Time), waiting: make(chan time.Duration, 1000)}
}

func (d *deadlineTimer) after(wait time.Duration) <-chan time.Time {
	d.waiting <- wait
	return d.fired
}

// expire makes the deadline pass for every request, now and later.
func (d *deadlineTimer) expire() { d.once.Do(func() { close(d.fired) }) }

// started waits until the adapter waits on the deadline, and returns how long it set it for.
func (d *deadlineTimer) started(t *testing.T) time.Duration {
	t.Helper()
	return receive(t, d.waiting, "the adapter never waited on the acknowledgement deadline")
}

// observed records what the adapter reports to its metrics.
type observed struct {
	mu     sync.Mutex
	acks   []string // platform of each ack
	errors []string // "platform method code"
}

func (o *observed) ObserveAck(platform string, d time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if d < 0 {
		platform += " (negative duration)"
	}
	o.acks = append(o.acks, platform)
}

func (o *observed) APIError(platform, method, code string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.errors = append(o.errors, platform+" "+method+" "+code)
}

func (o *observed) snapshot() (acks, errors []string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string(nil), o.acks...), append([]string(nil), o.errors...)
}

func (e *env) slept() []time.Duration {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]time.Duration(nil), e.sleeps...)
}

// newEnv builds an adapter in mode against a fresh fake Slack; start runs it.
func newEnv(t *testing.T, mode string, admins ...string) *env {
	t.Helper()
	e := &env{t: t, fake: slackfake.New(), core: newCore(), clock: testkit.NewFakeClock(time.Unix(1_800_000_000, 0)), obs: &observed{}, timer: newDeadlineTimer()}
	t.Cleanup(e.fake.Close)
	e.logs = &testkit.SyncBuffer{}
	e.log = slog.New(slog.NewTextHandler(e.logs, nil))
	e.a = New(Options{
		Logger: e.log,
		Settings: Settings{Mode: mode, APIURL: e.fake.APIURL(), BotToken: slackfake.BotToken, AppToken: slackfake.AppToken,
			SigningSecret: testSecret, Admins: admins},
		Now:     e.clock.Now,
		Metrics: e.obs,
		After:   e.timer.after,
		Sleep: func(ctx context.Context, d time.Duration) error {
			e.mu.Lock()
			e.sleeps = append(e.sleeps, d)
			e.mu.Unlock()
			return ctx.Err()
		},
	})
	mux := http.NewServeMux()
	e.a.Register(mux)
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	return e
}

func (e *env) start() *env {
	e.t.Helper()
	return e.startWith(e.core)
}

// startWith runs the adapter with h as the core (h usually wraps e.core).
func (e *env) startWith(h bot.Handler) *env {
	e.t.Helper()
	e.stopRun = serve(e.t, e.a, h)
	return e
}

// stop ends Run and waits for it (Run returns once the acknowledged work is done).
func (e *env) stop() {
	if e.stopRun != nil {
		e.stopRun()
	}
}

// serve runs a with h as its core and returns once it is ready to take requests; stop cancels Run
// and waits for it (at the test's end too; a second call does nothing).
func serve(t *testing.T, a *Adapter, h bot.Handler) (stop func()) {
	t.Helper()
	stop = contract.Serve(t, func(ctx context.Context) error { return a.Run(ctx, h) })
	select {
	case <-a.Ready():
	case <-time.After(waitLimit):
		t.Fatal("adapter not ready") // a Run that failed says why as stop runs at the test's end
	}
	return stop
}

// signed sends a request signed as Slack would at the fake clock's time.
func (e *env) signed(path, contentType, body string) *http.Response {
	e.t.Helper()
	ts := strconv.FormatInt(e.clock.Now().Unix(), 10)
	return e.raw(path, contentType, body, map[string]string{
		"X-Slack-Request-Timestamp": ts,
		"X-Slack-Signature":         Sign(testSecret, ts, []byte(body)),
	})
}

// signedAsync sends a signed request from another goroutine; the response arrives on the channel.
func (e *env) signedAsync(path, contentType, body string) <-chan *http.Response {
	ts := strconv.FormatInt(e.clock.Now().Unix(), 10)
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", Sign(testSecret, ts, []byte(body)))
	out := make(chan *http.Response, 1)
	go func() {
		resp, err := e.srv.Client().Do(req)
		if err != nil {
			e.t.Errorf("request: %v", err)
			close(out)
			return
		}
		out <- resp
	}()
	return out
}

// response waits for an async response (a failure guard, not a way to synchronise).
func response(t *testing.T, c <-chan *http.Response) *http.Response {
	t.Helper()
	select {
	case r, ok := <-c:
		if !ok {
			t.Fatal("request failed")
		}
		t.Cleanup(func() { r.Body.Close() })
		return r
	case <-time.After(waitLimit):
		t.Fatal("no response")
		return nil
	}
}

// ackMessage decodes a slash command's acknowledgement body.
func ackMessage(t *testing.T, resp *http.Response) map[string]any {
	t.Helper()
	var m map[string]any
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &m) != nil {
		t.Fatalf("ack = %d %q, want 200 with a JSON message", resp.StatusCode, body)
	}
	return m
}

func (e *env) raw(path, contentType, body string, headers map[string]string) *http.Response {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { resp.Body.Close() })
	return resp
}

const formType = "application/x-www-form-urlencoded"

// slash is a /pyq command body.
func slash(fake *slackfake.Server, user, text string) url.Values {
	return url.Values{"team_id": {slackfake.TeamID}, "channel_id": {"C1"}, "user_id": {user}, "user_name": {strings.ToLower(user)},
		"command": {"/pyq"}, "text": {text}, "response_url": {fake.ResponseURL("cmd-" + user)}, "trigger_id": {"trig-" + user}}
}

// socketSlash is slash as a Socket Mode slash_commands envelope's payload holds it.
func socketSlash(fake *slackfake.Server, user, text string) map[string]string {
	cmd := map[string]string{}
	for k, v := range slash(fake, user, text) {
		cmd[k] = v[0]
	}
	return cmd
}

// receive waits for a value on ch, failing the test with failure after waitLimit (a failure
// guard, not a way to synchronise).
func receive[T any](t *testing.T, ch <-chan T, failure string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(waitLimit):
		t.Fatal(failure)
		var zero T
		return zero
	}
}

// interactionPayload is a block_actions or view_submission payload as Slack sends it.
func interactionPayload(t *testing.T, v map[string]any) string {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return url.Values{"payload": {string(raw)}}.Encode()
}

func buttonPress(fake *slackfake.Server, user, actionID, value string, state map[string]any) map[string]any {
	p := map[string]any{
		"type": "block_actions", "team": map[string]any{"id": slackfake.TeamID}, "user": map[string]any{"id": user, "name": strings.ToLower(user), "team_id": slackfake.TeamID},
		"channel": map[string]any{"id": "C1"}, "container": map[string]any{"type": "message", "channel_id": "C1", "message_ts": "1700000000.000001"},
		"response_url": fake.ResponseURL("act-" + user), "trigger_id": "trig-" + user,
		"actions": []any{map[string]any{"type": "button", "action_id": actionID, "block_id": "b", "value": value}},
	}
	if state != nil {
		p["state"] = map[string]any{"values": state}
	}
	return p
}

func viewSubmission(user, ref, channel, text string) map[string]any {
	meta, _ := json.Marshal(modalMeta{Ref: ref, Channel: channel})
	return map[string]any{
		"type": "view_submission", "team": map[string]any{"id": slackfake.TeamID}, "user": map[string]any{"id": user, "name": strings.ToLower(user)},
		"view": map[string]any{"type": "modal", "callback_id": callbackAnswer, "private_metadata": string(meta),
			"state": map[string]any{"values": map[string]any{blockText: map[string]any{actionText: map[string]any{"type": "plain_text_input", "value": text}}}}},
	}
}

func waitCalls(t *testing.T, fake *slackfake.Server, method string, n int) []slackfake.Call {
	t.Helper()
	calls, err := fake.WaitCalls(method, n, waitLimit)
	if err != nil {
		t.Fatal(err)
	}
	return calls
}

// tempStore is a store on a new SQLite file in the test's temporary directory, closed when the
// test ends.
func tempStore(t *testing.T) *storage.DB {
	t.Helper()
	store, err := storage.Open(context.Background(), filepath.Join(t.TempDir(), "pyqbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return store
}
