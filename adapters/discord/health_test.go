package discord

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/adapters/contract"
	"github.com/pyqbot/pyqbot/bot"
)

// observed records what the adapter reports to its metrics.
type observed struct {
	mu     sync.Mutex
	acks   int
	errors []string // "platform route code"
}

func (o *observed) ObserveAck(string, time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.acks++
}

func (o *observed) APIError(platform, method, code string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.errors = append(o.errors, platform+" "+method+" "+code)
}

func (o *observed) snapshot() (int, []string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.acks, append([]string(nil), o.errors...)
}

// waitHealth waits until the adapter's health satisfies ok, following its changes.
func waitHealth(t *testing.T, a *Adapter, what string, ok func(error) bool) {
	t.Helper()
	contract.WaitHealth(t, &a.health, 20*time.Second, what, ok) // discordgo waits 1 s, then 2 s, between reconnects
}

// runConnected runs the gateway adapter a with the real engine and returns, with its stop, once
// it is connected.
func runConnected(t *testing.T, a *Adapter) (stop func()) {
	t.Helper()
	eng := newEngine(t, testQuestion())
	eng.AddAdapter(a)
	stop = run(t, a, eng)
	waitHealth(t, a, "connected", func(err error) bool { return err == nil })
	return stop
}

func TestGatewayHealthFollowsTheConnection(t *testing.T) {
	t.Parallel()
	f := newFakeDiscord(t)
	a := newTestAdapter(t, f, ModeGateway, Options{})
	if err := a.Healthy(context.Background()); err == nil {
		t.Error("healthy before Run")
	}
	stop := runConnected(t, a)

	f.SetDown(true)
	f.Drop()
	waitHealth(t, a, "disconnected", func(err error) bool { return errors.Is(err, errDisconnected) })

	f.SetDown(false)
	waitHealth(t, a, "connected again", func(err error) bool { return err == nil })
	stop()
	if err := a.Healthy(context.Background()); !errors.Is(err, errStopped) {
		t.Errorf("after Run returned, health = %v, want stopped", err)
	}
}

func TestHTTPModeAcksAndRESTErrorsAreObserved(t *testing.T) {
	t.Parallel()
	f := newFakeDiscord(t)
	obs := &observed{}
	a, srv := serveHTTPAdapter(t, f, Options{Metrics: obs})
	eng := newEngine(t, testQuestion())
	eng.AddAdapter(a)
	run(t, a, eng)
	f.waitFor("PUT", "/api/v9/applications/app1/guilds/g1/commands")
	waitHealth(t, a, "serving", func(err error) bool { return err == nil })

	ping := []byte(`{"id":"p1","application_id":"app1","type":1,"token":"tok-p1","version":1}`)
	if code, _ := do(t, srv, signed(ping, testNow)); code != 200 {
		t.Fatalf("ping answered %d", code)
	}
	bad := signed(ping, testNow)
	bad.Header.Set("X-Signature-Timestamp", "1")
	if code, _ := do(t, srv, bad); code != 401 {
		t.Fatalf("badly signed ping answered %d", code)
	}
	if acks, _ := obs.snapshot(); acks != 1 {
		t.Errorf("%d acks observed, want 1 (the refused request is no ack)", acks)
	}

	f.refuse("POST", "/api/v9/channels/c1/messages", func(w http.ResponseWriter) {
		writeJSON(w, 403, map[string]any{"message": "Missing Access", "code": 50001})
	})
	if _, err := a.Send(context.Background(), conv, bot.Post{Text: "hello"}); err == nil {
		t.Fatal("Send succeeded against a 403")
	}
	if _, errs := obs.snapshot(); !slices.Contains(errs, "discord POST /channels/{id}/messages 403") {
		t.Errorf("REST errors = %v, want the refused post", errs)
	}
}

func TestRouteHidesIDsAndTokens(t *testing.T) {
	t.Parallel()
	for path, want := range map[string]string{
		"/api/v9/channels/123/messages/456/threads":             "POST /channels/{id}/messages/{id}/threads",
		"/api/v9/webhooks/app1/s3cret-token/messages/@original": "POST /webhooks/{id}/{token}/messages/@original",
		"/api/v9/interactions/99/s3cret-token/callback":         "POST /interactions/{id}/{token}/callback",
		"/api/v9/applications/app1/guilds/g1/commands":          "POST /applications/{id}/guilds/{id}/commands",
	} {
		if got := route(httptest.NewRequest("POST", path, nil)); got != want {
			t.Errorf("route(%s) = %q, want %q", path, got, want)
		}
	}
}

// A stop while discordgo is in a reconnect attempt the gateway never answers: Open holds the
// session's lock while it waits for the hello (no deadline), so Close would wait as long as the
// gateway stays silent. Run returns after closeWait all the same, and says why.
func TestGatewayStopsWhileAReconnectIsStuck(t *testing.T) {
	t.Parallel()
	f := newFakeDiscord(t)
	logs := &testLog{t: t}
	a := newTestAdapter(t, f, ModeGateway, Options{Logger: newLogger(logs)})
	stop := runConnected(t, a)

	f.SetStalled(true)
	f.Drop()
	// The reconnect's connection is accepted: discordgo's Open has the lock and waits for a hello.
	recv(t, f.Stalls(), "reconnect to the stalled gateway")
	start := time.Now()
	stop()
	if took := time.Since(start); took > closeWait+2*time.Second {
		t.Errorf("Run returned %v after cancel, want about closeWait (%v)", took, closeWait)
	}
	if err := a.Healthy(context.Background()); !errors.Is(err, errStopped) {
		t.Errorf("after Run returned, health = %v, want stopped", err)
	}
	if !strings.Contains(logs.String(), "discord gateway connection not closed") {
		t.Errorf("no warning that the gateway was left closing; log:\n%s", logs)
	}
	// Let discordgo's attempt end; its next ones are refused.
	f.SetDown(true)
	f.SetStalled(false)
	f.Drop()
}
