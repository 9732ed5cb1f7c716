package slack

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
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

// process is one pyqbot process: the real engine on a SQLite file behind the Slack adapter's
// HTTP handlers, against a shared fake Slack.
type process struct {
	t     *testing.T
	a     *Adapter
	store *storage.DB
	srv   *httptest.Server
	stop  func()
}

func startProcess(t *testing.T, fake *slackfake.Server, c *testkit.FakeClock, path string) *process {
	t.Helper()
	store, err := storage.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	store.Now = c.Now
	bank, err := bot.NewBank([]bot.Question{contract.DesignQuestion(), debugQuestion()})
	if err != nil {
		t.Fatal(err)
	}
	a := New(Options{
		Settings: Settings{Mode: ModeHTTP, APIURL: fake.APIURL(), BotToken: slackfake.BotToken, SigningSecret: testSecret},
		Now:      c.Now, Replays: store,
	})
	eng := bot.New(bot.Config{Store: store, Bank: bank, Now: c.Now, Seed: 1, EditSleep: testkit.NoEditGap})
	eng.AddAdapter(a)
	mux := http.NewServeMux()
	a.Register(mux)
	p := &process{t: t, a: a, store: store, srv: httptest.NewServer(mux)}
	stopRun := serve(t, a, eng)
	var once sync.Once
	p.stop = func() {
		once.Do(func() {
			stopRun() // Run returns once the acknowledged work is done
			p.srv.Close()
			store.Close()
		})
	}
	t.Cleanup(p.stop)
	return p
}

// captured is a signed request as it went over the wire, to be re-sent byte for byte.
type captured struct {
	body    string
	headers http.Header
}

func signAt(c *testkit.FakeClock, body string) captured {
	ts := strconv.FormatInt(c.Now().Unix(), 10)
	h := http.Header{}
	h.Set("Content-Type", formType)
	h.Set("X-Slack-Request-Timestamp", ts)
	h.Set("X-Slack-Signature", Sign(testSecret, ts, []byte(body)))
	return captured{body: body, headers: h}
}

func (p *process) send(req captured) int {
	p.t.Helper()
	return p.sendTo(PathCommands, req)
}

func (p *process) sendTo(path string, req captured) int {
	p.t.Helper()
	code, _ := p.exchange(path, req)
	return code
}

// exchange sends req and returns the status and the response body (a slash command's reply may
// travel in it).
func (p *process) exchange(path string, req captured) (int, string) {
	p.t.Helper()
	r, err := http.NewRequest(http.MethodPost, p.srv.URL+path, strings.NewReader(req.body))
	if err != nil {
		p.t.Fatal(err)
	}
	r.Header = req.headers.Clone()
	resp, err := p.srv.Client().Do(r)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func (p *process) open() int {
	p.t.Helper()
	open, err := p.store.OpenPosts(context.Background(), 1)
	if err != nil {
		p.t.Fatal(err)
	}
	return len(open)
}

// A captured signed `/pyq reveal`, re-sent byte for byte 60 s later, is refused and closes nothing:
// by the adapter's memory while the process lives, by the database's after a restart.
func TestReplayedSignedRevealIsRefusedAlsoAfterARestart(t *testing.T) {
	t.Parallel()
	fake := slackfake.New()
	t.Cleanup(fake.Close)
	fake.SetUser("ULEAD", slackfake.User{Name: "lead", Admin: true})
	c := testkit.NewFakeClock(time.Unix(1_800_000_000, 0))
	path := filepath.Join(t.TempDir(), "pyqbot.db")
	p := startProcess(t, fake, c, path)
	command := func(text, responseName string) captured {
		v := slash(fake, "ULEAD", text)
		v.Set("response_url", fake.ResponseURL(responseName))
		v.Set("trigger_id", "trig-"+responseName)
		return signAt(c, v.Encode())
	}

	if code := p.send(command("today", "today-1")); code != http.StatusOK {
		t.Fatalf("today: %d", code)
	}
	waitCalls(t, fake, "chat.postMessage", 1)
	reveal := command("reveal", "reveal-1")
	if code := p.send(reveal); code != http.StatusOK {
		t.Fatalf("reveal: %d", code)
	}
	waitCalls(t, fake, "chat.update", 1) // the question marked closed
	c.Advance(time.Second)
	p.send(command("today", "today-2"))
	waitCalls(t, fake, "chat.postMessage", 3) // question, reveal, second question
	if p.open() != 1 {
		t.Fatal("the second question is not open")
	}

	c.Advance(60 * time.Second)
	if code := p.send(reveal); code != http.StatusConflict {
		t.Errorf("the replay got %d, want 409", code)
	}
	upper := captured{body: reveal.body, headers: reveal.headers.Clone()}
	upper.headers.Set("X-Slack-Signature", "v0="+strings.ToUpper(strings.TrimPrefix(reveal.headers.Get("X-Slack-Signature"), "v0=")))
	if code := p.send(upper); code != http.StatusUnauthorized {
		t.Errorf("the replay with its signature in upper case got %d, want 401 (Slack signs in lowercase hex)", code)
	}
	if p.open() != 1 {
		t.Fatal("the replayed reveal closed the second question")
	}

	// A restart forgets the adapter's memory; the database remembers.
	p.stop()
	c.Advance(60 * time.Second)
	p = startProcess(t, fake, c, path)
	code, reply := p.exchange(PathCommands, reveal)
	if code != http.StatusOK {
		t.Fatalf("after a restart the replay got %d, want it acknowledged and refused by the core", code)
	}
	p.stop() // waits for the work the replay started
	// The reply travels in the acknowledgement or through response_url.
	for _, call := range fake.Calls("response_url") {
		if call.Path == "/response/reveal-1" {
			reply += call.Blocks()
		}
	}
	if !strings.Contains(reply, "already received, so it was not run again") {
		t.Errorf("the refused replay's reply = %q", reply)
	}
	p = startProcess(t, fake, c, path)
	if p.open() != 1 {
		t.Fatal("the replay after a restart closed the second question")
	}
	if n := len(fake.Calls("chat.postMessage")); n != 3 {
		t.Errorf("%d posts, want 3: the replay posted a reveal", n)
	}
}

// Slack retries an event with the same event_id; the database remembers it across a restart, so
// the Home tab is published once.
func TestEventRetriesAreRecognisedAfterARestart(t *testing.T) {
	t.Parallel()
	fake := slackfake.New()
	t.Cleanup(fake.Close)
	c := testkit.NewFakeClock(time.Unix(1_800_000_000, 0))
	path := filepath.Join(t.TempDir(), "pyqbot.db")
	p := startProcess(t, fake, c, path)
	if code := p.sendTo(PathEvents, signAt(c, homeOpened("Ev1", "U5"))); code != http.StatusOK {
		t.Fatalf("event: %d", code)
	}
	waitCalls(t, fake, "views.publish", 1)
	p.stop()
	c.Advance(time.Minute) // Slack's second retry comes a minute later, newly signed
	p = startProcess(t, fake, c, path)
	if code := p.sendTo(PathEvents, signAt(c, homeOpened("Ev1", "U5"))); code != http.StatusOK {
		t.Fatalf("retry: %d", code)
	}
	c.Advance(time.Second)
	p.sendTo(PathEvents, signAt(c, homeOpened("Ev2", "U5"))) // a new event is still handled
	waitCalls(t, fake, "views.publish", 2)
	p.stop()
	if n := len(fake.Calls("views.publish")); n != 2 {
		t.Errorf("views.publish called %d times for Ev1 twice and Ev2 once, want 2", n)
	}
}

// In Socket Mode a slash command names its envelope: a redelivered envelope keeps its id.
func TestSocketModeSlashCommandsCarryTheirEnvelopeID(t *testing.T) {
	t.Parallel()
	e := socketEnv(t)
	cmd := socketSlash(e.fake, "U1", "reveal")
	e.send("slash_commands", cmd)
	e.send("slash_commands", cmd)
	first, second := e.core.next(t), e.core.next(t)
	if !strings.HasPrefix(first.ReplayKey, "envelope:env-") || first.ReplayKey == second.ReplayKey {
		t.Errorf("replay keys %q and %q, want each envelope's own id", first.ReplayKey, second.ReplayKey)
	}
}
