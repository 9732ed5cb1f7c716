package discord

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

// recordingHandler is an engine stand-in that records every event and answers at once.
type recordingHandler struct {
	mu     sync.Mutex
	events []bot.Event
}

func (h *recordingHandler) Handle(_ context.Context, e bot.Event) bot.Reply {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.events = append(h.events, e)
	return bot.Reply{Private: true, Post: bot.Post{Text: "ran " + e.Text}}
}

func (h *recordingHandler) got() []bot.Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]bot.Event(nil), h.events...)
}

// recordingHTTP is an http-mode adapter with opt against a new fake, running with a
// recordingHandler and its commands registered: the server to send interactions to, and what
// reached the core.
func recordingHTTP(t *testing.T, opt Options) (*httptest.Server, *recordingHandler) {
	t.Helper()
	f := newFakeDiscord(t)
	a, srv := serveHTTPAdapter(t, f, opt)
	h := &recordingHandler{}
	run(t, a, h)
	f.waitFor("PUT", "/api/v9/applications/")
	return srv, h
}

func TestOnlyIssuedComponentIDsRunAnything(t *testing.T) {
	t.Parallel()
	srv, h := recordingHTTP(t, Options{})
	tests := []struct {
		name    string
		payload []byte
		want    string // the event text; "" means refused
	}{
		{"answer button", press("k1", alice, "pyq:answer #12 B"), "answer #12 B"},
		{"practice answer button", press("k2", alice, "pyq:answer p7 A"), "answer p7 A"},
		{"review menu", press("k3", alice, "pyq-multi:#12", "A", "C"), "answer #12 A,C"},
		{"design modal", submitModal("k4", alice, "pyq-text:#3", "use a queue"), "answer #3 use a queue"},
		{"forged reveal", press("k5", lead, "pyq:reveal"), ""},
		{"forged filter", press("k6", lead, "pyq:filter kinds design"), ""},
		{"forged answer with more words", press("k7", alice, "pyq:answer #12 B extra"), ""},
		{"answer without a question", press("k8", alice, "pyq:answer B"), ""},
		{"menu with a forged value", press("k9", alice, "pyq-multi:#12", "A", "C; reveal"), ""},
		{"menu for no question", press("k10", alice, "pyq-multi:reveal", "A"), ""},
		{"modal for no question", submitModal("k11", alice, "pyq-text:reveal #1", "x"), ""},
		{"unknown prefix", press("k12", alice, "other:thing"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(h.got())
			code, body := do(t, srv, signed(tt.payload, testNow))
			checkResponseBody(t, []byte(body))
			var r response
			json.Unmarshal([]byte(body), &r)
			evs := h.got()[before:]
			if tt.want != "" {
				if len(evs) != 1 || evs[0].Text != tt.want {
					t.Errorf("events %+v, want one %q", evs, tt.want)
				}
				return
			}
			if len(evs) != 0 {
				t.Errorf("a forged id ran %+v", evs)
			}
			if code != 200 || r.Type != 4 || r.Data.Flags != 64 || !strings.Contains(r.Data.Content, "nothing was") {
				t.Errorf("refusal %d %s, want a private message saying nothing was done", code, body)
			}
		})
	}
}

func TestForgedRevealButtonClosesNothing(t *testing.T) {
	t.Parallel()
	f, srv := playHTTP(t, testQuestion())
	do(t, srv, signed(slash("r1", lead, "today"), testNow))
	f.waitFor("POST", "/api/v9/channels/c1/messages")
	if _, body := do(t, srv, signed(press("r2", lead, "pyq:reveal"), testNow)); !strings.Contains(body, "nothing was done") {
		t.Errorf("forged reveal answered %s", body)
	}
	// The question is still open: an answer is recorded.
	if _, body := do(t, srv, signed(press("r3", alice, "pyq:answer #1 B"), testNow)); !strings.Contains(body, "Recorded your answer B to #1") {
		t.Errorf("after the forged reveal, an answer got %s", body)
	}
}

func TestUnknownInteractionTypeIsAnswered(t *testing.T) {
	t.Parallel()
	unknown := interaction("u1", 42, alice, map[string]any{})
	t.Run("http", func(t *testing.T) {
		srv, h := recordingHTTP(t, Options{})
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second) // Discord's deadline
		defer cancel()
		req := signed(unknown, testNow).WithContext(ctx)
		code, body := do(t, srv, req)
		checkResponseBody(t, []byte(body))
		var r response
		json.Unmarshal([]byte(body), &r)
		if code != 200 || r.Type != 4 || r.Data.Flags != 64 || !strings.Contains(r.Data.Content, "does not handle this kind") {
			t.Errorf("unknown interaction answered %d %s, want a private explanation", code, body)
		}
		if len(h.got()) != 0 {
			t.Errorf("an unknown interaction ran %+v", h.got())
		}
	})
	t.Run("gateway", func(t *testing.T) {
		f := newFakeDiscord(t)
		a := newTestAdapter(t, f, ModeGateway, Options{})
		run(t, a, &recordingHandler{})
		recv(t, f.Identifies(), "identify")
		f.Dispatch(unknown)
		if r := f.callback(t, "u1"); r.Type != 4 || r.Data.Flags != 64 || !strings.Contains(r.Data.Content, "does not handle this kind") {
			t.Errorf("unknown interaction callback %+v", r)
		}
	})
}

func TestReplayedSignedRequestIsRefused(t *testing.T) {
	t.Parallel()
	now := testNow
	var mu sync.Mutex
	log := &testLog{t: t}
	srv, h := recordingHTTP(t, Options{Logger: newLogger(log), Now: func() time.Time { mu.Lock(); defer mu.Unlock(); return now }})

	payload := slash("x1", lead, "reveal")
	first := signed(payload, testNow)
	sig, ts := first.Header.Get("X-Signature-Ed25519"), first.Header.Get("X-Signature-Timestamp")
	if code, body := do(t, srv, first); code != 200 {
		t.Fatalf("first request answered %d %s", code, body)
	}
	if evs := h.got(); len(evs) != 1 || evs[0].ReplayKey != sig {
		t.Fatalf("events %+v, want one carrying the signature as its replay key", evs)
	}
	mu.Lock()
	now = now.Add(60 * time.Second) // still inside the 5-minute window
	mu.Unlock()
	again := signed(payload, testNow)
	again.Header.Set("X-Signature-Ed25519", strings.ToUpper(sig)) // hex in another case is the same signature
	again.Header.Set("X-Signature-Timestamp", ts)
	if code, _ := do(t, srv, again); code != 409 {
		t.Errorf("replay answered %d, want 409", code)
	}
	if n := len(h.got()); n != 1 {
		t.Errorf("the replay ran: %d events", n)
	}
	if !strings.Contains(log.String(), "replayed interaction request") {
		t.Errorf("the replay was not logged:\n%s", log.String())
	}
	// A new signature for the same body (Discord signing a new delivery) is a new request.
	if code, _ := do(t, srv, signed(payload, testNow.Add(time.Second))); code != 200 {
		t.Errorf("a freshly signed request answered %d", code)
	}
}

func TestGatewayEventsCarryTheInteractionID(t *testing.T) {
	t.Parallel()
	f := newFakeDiscord(t)
	a := newTestAdapter(t, f, ModeGateway, Options{})
	h := &recordingHandler{}
	run(t, a, h)
	recv(t, f.Identifies(), "identify")
	f.Dispatch(slash("gw1", lead, "today"))
	f.callback(t, "gw1")
	if evs := h.got(); len(evs) != 1 || evs[0].ReplayKey != "gw1" {
		t.Errorf("events %+v, want the interaction id as the replay key", evs)
	}
}
