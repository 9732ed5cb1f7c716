package discord

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// call is one REST request the fake Discord received.
type call struct {
	Method, Path, Query string
	Auth                string
	Body                json.RawMessage
}

func (c call) String() string { return fmt.Sprintf("%s %s %s", c.Method, c.Path, c.Body) }

// decode unmarshals the call's body into v, failing the test when it is not JSON.
func (c call) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(c.Body, v); err != nil {
		t.Fatalf("%s %s: body is not JSON: %v\n%s", c.Method, c.Path, err, c.Body)
	}
}

// fakeDiscord is an in-process Discord: the REST routes pyqbot uses and a gateway websocket. It
// records every REST call; tests wait for calls instead of sleeping.
type fakeDiscord struct {
	t   *testing.T
	srv *httptest.Server
	mux *http.ServeMux

	mu       sync.Mutex
	calls    []call
	changed  chan struct{} // closed and replaced on every new call
	nextID   int
	messages map[string]json.RawMessage // message id -> last body sent or edited
	// override, when set, answers a call first; returning false lets the default handler run.
	override func(w http.ResponseWriter, c call) bool

	// gateway
	events   chan []byte // INTERACTION_CREATE payloads to dispatch
	idents   chan json.RawMessage
	resumes  chan json.RawMessage
	connMu   sync.Mutex
	conn     *websocket.Conn
	seq      int
	down     bool // the gateway refuses connections (503), as during an outage
	upgrader websocket.Upgrader
}

const fakeToken = "Bot test-token"

func newFakeDiscord(t *testing.T) *fakeDiscord {
	f := &fakeDiscord{t: t, mux: http.NewServeMux(), changed: make(chan struct{}), nextID: 1000,
		messages: map[string]json.RawMessage{}, events: make(chan []byte, 16),
		idents: make(chan json.RawMessage, 4), resumes: make(chan json.RawMessage, 4)}
	f.routes()
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeDiscord) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/ws" || r.URL.Path == "/ws/" {
		f.connMu.Lock()
		down := f.down
		f.connMu.Unlock()
		if down {
			http.Error(w, "gateway unavailable", http.StatusServiceUnavailable)
			return
		}
		f.gateway(w, r)
		return
	}
	body, _ := io.ReadAll(r.Body)
	c := call{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Auth: r.Header.Get("Authorization"), Body: body}
	if r.URL.Path != "/api/v9/gateway" {
		f.mu.Lock()
		f.calls = append(f.calls, c)
		close(f.changed)
		f.changed = make(chan struct{})
		override := f.override
		f.mu.Unlock()
		if override != nil && override(w, c) {
			return
		}
	}
	r.Body = io.NopCloser(strings.NewReader(string(body)))
	f.mux.ServeHTTP(w, r)
}

func (f *fakeDiscord) id() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	return fmt.Sprint(f.nextID)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func (f *fakeDiscord) routes() {
	m := f.mux
	m.HandleFunc("GET /api/v9/gateway", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]string{"url": "ws" + strings.TrimPrefix(f.srv.URL, "http") + "/ws"})
	})
	echo := func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Write(b)
	}
	m.HandleFunc("PUT /api/v9/applications/{app}/commands", echo)
	m.HandleFunc("PUT /api/v9/applications/{app}/guilds/{guild}/commands", echo)
	m.HandleFunc("POST /api/v9/channels/{ch}/messages", func(w http.ResponseWriter, r *http.Request) {
		id := f.id()
		b, _ := io.ReadAll(r.Body)
		msg := f.storeMessage(id, r.PathValue("ch"), b)
		w.Header().Set("Content-Type", "application/json")
		w.Write(msg)
	})
	m.HandleFunc("GET /api/v9/channels/{ch}/messages/{id}", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		msg, ok := f.messages[r.PathValue("id")]
		f.mu.Unlock()
		if !ok {
			writeJSON(w, 404, map[string]any{"message": "Unknown Message", "code": 10008})
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(msg)
	})
	m.HandleFunc("PATCH /api/v9/channels/{ch}/messages/{id}", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		msg := f.storeMessage(r.PathValue("id"), r.PathValue("ch"), b)
		w.Header().Set("Content-Type", "application/json")
		w.Write(msg)
	})
	m.HandleFunc("POST /api/v9/channels/{ch}/messages/{id}/threads", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 201, map[string]any{"id": r.PathValue("id"), "type": 11, "parent_id": r.PathValue("ch")})
	})
	m.HandleFunc("POST /api/v9/interactions/{id}/{token}/callback", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(204)
	})
	m.HandleFunc("PATCH /api/v9/webhooks/{app}/{token}/messages/{msg}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"id": f.id(), "channel_id": "c1"})
	})
	m.HandleFunc("DELETE /api/v9/webhooks/{app}/{token}/messages/{msg}", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(204)
	})
	m.HandleFunc("POST /api/v9/webhooks/{app}/{token}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"id": f.id(), "channel_id": "c1"})
	})
}

// storeMessage keeps what was sent as the message Discord would return.
func (f *fakeDiscord) storeMessage(id, channel string, body []byte) []byte {
	var msg map[string]any
	json.Unmarshal(body, &msg)
	if msg == nil {
		msg = map[string]any{}
	}
	msg["id"], msg["channel_id"] = id, channel
	b, _ := json.Marshal(msg)
	f.mu.Lock()
	f.messages[id] = b
	f.mu.Unlock()
	return b
}

// waitFor returns the first call (from the start) matching method and path prefix, waiting for
// it; the timeout is only a guard against a hang.
func (f *fakeDiscord) waitFor(method, pathPrefix string) call {
	f.t.Helper()
	return f.waitForNth(method, pathPrefix, 1)
}

// waitForNth returns the nth matching call.
func (f *fakeDiscord) waitForNth(method, pathPrefix string, n int) call {
	f.t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		f.mu.Lock()
		seen := 0
		for _, c := range f.calls {
			if c.Method == method && strings.HasPrefix(c.Path, pathPrefix) {
				seen++
				if seen == n {
					f.mu.Unlock()
					return c
				}
			}
		}
		changed := f.changed
		f.mu.Unlock()
		select {
		case <-changed:
		case <-deadline:
			f.t.Fatalf("no call #%d %s %s* within 10s; calls:\n%s", n, method, pathPrefix, f.dump())
		}
	}
}

// matching lists the calls so far that match.
func (f *fakeDiscord) matching(method, pathPrefix string) []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []call
	for _, c := range f.calls {
		if c.Method == method && strings.HasPrefix(c.Path, pathPrefix) {
			out = append(out, c)
		}
	}
	return out
}

func (f *fakeDiscord) dump() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var b strings.Builder
	for _, c := range f.calls {
		b.WriteString(c.String() + "\n")
	}
	return b.String()
}

// gateway speaks just enough of Discord's gateway: hello, identify -> READY (or resume -> RESUMED),
// then the queued INTERACTION_CREATE events.
func (f *fakeDiscord) gateway(w http.ResponseWriter, r *http.Request) {
	conn, err := f.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer conn.Close()
	f.connMu.Lock()
	f.conn = conn
	f.connMu.Unlock()
	send := func(v any) error {
		f.connMu.Lock()
		defer f.connMu.Unlock()
		return conn.WriteJSON(v)
	}
	if send(map[string]any{"op": 10, "d": map[string]any{"heartbeat_interval": 45000}}) != nil {
		return
	}
	var first struct {
		Op int             `json:"op"`
		D  json.RawMessage `json:"d"`
	}
	if err := conn.ReadJSON(&first); err != nil {
		return
	}
	f.connMu.Lock()
	f.seq++
	seq := f.seq
	f.connMu.Unlock()
	switch first.Op {
	case 2:
		f.idents <- first.D
		send(map[string]any{"op": 0, "t": "READY", "s": seq, "d": map[string]any{
			"v": 10, "session_id": "session-1", "user": map[string]any{"id": "bot1", "username": "pyqbot", "bot": true},
			"guilds": []any{}, "application": map[string]any{"id": "app1"}}})
	case 6:
		f.resumes <- first.D
		send(map[string]any{"op": 0, "t": "RESUMED", "s": seq, "d": map[string]any{}})
	default:
		return
	}
	done := make(chan struct{})
	go func() { // heartbeats and anything else: read until the client goes
		defer close(done)
		for {
			if _, _, err := conn.ReadMessage(); err != nil {
				return
			}
		}
	}()
	for {
		select {
		case <-done:
			return
		case <-r.Context().Done():
			return
		case ev := <-f.events:
			f.connMu.Lock()
			f.seq++
			seq := f.seq
			f.connMu.Unlock()
			if err := send(map[string]any{"op": 0, "t": "INTERACTION_CREATE", "s": seq, "d": json.RawMessage(ev)}); err != nil {
				return
			}
		}
	}
}

// setDown makes the gateway refuse (or accept again) new connections.
func (f *fakeDiscord) setDown(down bool) {
	f.connMu.Lock()
	defer f.connMu.Unlock()
	f.down = down
}

// drop cuts the gateway connection as a network failure would.
func (f *fakeDiscord) drop() {
	f.connMu.Lock()
	defer f.connMu.Unlock()
	if f.conn != nil {
		f.conn.UnderlyingConn().Close()
	}
}
