// Package discordfake is an in-process fake of the parts of Discord pyqbot uses: the REST routes
// (command registration, messages, threads, interaction callbacks, webhooks, DM channels) and a gateway websocket
// that says hello, reads identify (or resume) and dispatches INTERACTION_CREATE events.
//
// It is strict where Discord documents a rule: a payload Discord would refuse (an oversized embed, a
// sixth action row, a required command option after an optional one, an autocomplete response with
// no choices, …) is answered 400 with Discord's error shape, recorded in Refusals, and not stored.
// Check* expose the same rules for bodies that never reach the fake (http-mode responses). It records
// every call, so tests wait for calls instead of sleeping. Tests and local runs use it; it is not
// Discord.
package discordfake

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"time"
)

// Token is the bot token tests configure; Discord sees it as "Bot " + Token.
const Token = "test-token"

// Call is one REST request the fake received.
type Call struct {
	Method, Path, Query string
	Auth                string
	Body                json.RawMessage
	Status              int      // what the fake answered (0 when an override answered)
	Problems            []string // why the fake refused it (400), empty when it was accepted
}

// String is "METHOD path body": what Wait matches a regexp against.
func (c Call) String() string { return fmt.Sprintf("%s %s %s", c.Method, c.Path, c.Body) }

// Decode unmarshals the call's body into v.
func (c Call) Decode(v any) error {
	if err := json.Unmarshal(c.Body, v); err != nil {
		return fmt.Errorf("%s %s: body is not JSON: %v\n%s", c.Method, c.Path, err, c.Body)
	}
	return nil
}

// Server is the fake Discord.
type Server struct {
	srv *httptest.Server
	mux *http.ServeMux

	mu       sync.Mutex
	calls    []Call
	changed  chan struct{} // closed and replaced on every new call
	nextID   int
	messages map[string]json.RawMessage // message id -> the message as Discord would return it
	order    []string                   // message ids in the order they were first posted
	override func(w http.ResponseWriter, c Call) bool
	dm       dmState

	gw gateway
}

// New starts the fake. Close it when done.
func New() *Server {
	f := &Server{mux: http.NewServeMux(), changed: make(chan struct{}), nextID: 1000, messages: map[string]json.RawMessage{}}
	f.gw.init()
	f.routes()
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

// Close stops the server.
func (f *Server) Close() { f.srv.Close() }

// URL is the base URL to configure as [discord] api_url.
func (f *Server) URL() string { return f.srv.URL }

// SetOverride installs a handler that sees every REST call first; returning true means it answered.
// nil removes it.
func (f *Server) SetOverride(o func(w http.ResponseWriter, c Call) bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.override = o
}

func (f *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/ws" || r.URL.Path == "/ws/" {
		f.gw.serve(w, r)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	if err != nil {
		// The client went away mid-body (a process killed while it sent): Discord never got a
		// request to judge, so this is no call and no refusal.
		return
	}
	if r.URL.Path == "/api/v9/gateway" {
		writeJSON(w, 200, map[string]string{"url": "ws" + strings.TrimPrefix(f.srv.URL, "http") + "/ws"})
		return
	}
	c := Call{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Auth: r.Header.Get("Authorization"), Body: body}
	f.mu.Lock()
	override := f.override
	f.mu.Unlock()
	rec := &statusRecorder{ResponseWriter: w}
	recorded := false
	record := func() { // after the answer is written, so a test never sees a call before its effect
		if recorded {
			return
		}
		recorded = true
		c.Status = rec.status
		f.mu.Lock()
		f.calls = append(f.calls, c)
		close(f.changed)
		f.changed = make(chan struct{})
		f.mu.Unlock()
	}
	defer record()
	rec.beforeHijack = record // a dropped connection is seen by the client at once
	switch {
	case override != nil && override(rec, c):
	case f.dmRefused(rec, r.Method, r.URL.Path):
	default:
		if problems := check(r.Method, r.URL.Path, body); len(problems) > 0 {
			c.Problems = problems
			refuse(rec, problems)
			break
		}
		r.Body = io.NopCloser(strings.NewReader(string(body)))
		f.mux.ServeHTTP(rec, r)
	}
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status       int
	beforeHijack func()
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// Hijack lets an override drop the connection, as a network failure would.
func (s *statusRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := s.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("discordfake: the connection cannot be hijacked")
	}
	s.beforeHijack()
	return h.Hijack()
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// WriteJSON answers a call with status and v as JSON (for overrides).
func WriteJSON(w http.ResponseWriter, status int, v any) { writeJSON(w, status, v) }

func (f *Server) id() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	return fmt.Sprint(f.nextID)
}

func (f *Server) routes() {
	m := f.mux
	echo := func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Write(b)
	}
	m.HandleFunc("PUT /api/v9/applications/{app}/commands", echo)
	m.HandleFunc("PUT /api/v9/applications/{app}/guilds/{guild}/commands", echo)
	m.HandleFunc("POST /api/v9/users/@me/channels", f.createDM)
	m.HandleFunc("POST /api/v9/channels/{ch}/messages", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		msg := f.storeMessage(f.id(), r.PathValue("ch"), b)
		w.Header().Set("Content-Type", "application/json")
		w.Write(msg)
	})
	m.HandleFunc("GET /api/v9/channels/{ch}/messages/{id}", func(w http.ResponseWriter, r *http.Request) {
		msg, ok := f.Message(r.PathValue("id"))
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

// storeMessage keeps what was sent as the message Discord would return: an edit changes only the
// fields it carries.
func (f *Server) storeMessage(id, channel string, body []byte) []byte {
	var edit map[string]any
	json.Unmarshal(body, &edit)
	f.mu.Lock()
	defer f.mu.Unlock()
	msg := map[string]any{}
	if old, ok := f.messages[id]; ok {
		json.Unmarshal(old, &msg)
	} else {
		f.order = append(f.order, id)
	}
	for k, v := range edit {
		msg[k] = v
	}
	msg["id"], msg["channel_id"] = id, channel
	if _, ok := msg["components"]; !ok {
		msg["components"] = []any{}
	}
	b, _ := json.Marshal(msg)
	f.messages[id] = b
	return b
}

// Message is the stored message with this id, as Discord would return it.
func (f *Server) Message(id string) (json.RawMessage, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, ok := f.messages[id]
	return m, ok
}

// Stored is a message as the fake holds it now: its channel (a thread's id is its parent
// message's id) and the message as Discord would return it, edits applied.
type Stored struct {
	ID, ChannelID string
	Body          json.RawMessage
}

// Messages lists every message posted so far, in posting order, as it stands now.
func (f *Server) Messages() []Stored {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]Stored, 0, len(f.order))
	for _, id := range f.order {
		var m struct {
			ChannelID string `json:"channel_id"`
		}
		json.Unmarshal(f.messages[id], &m)
		out = append(out, Stored{ID: id, ChannelID: m.ChannelID, Body: f.messages[id]})
	}
	return out
}

// Calls is every REST call so far, in order.
func (f *Server) Calls() []Call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Call(nil), f.calls...)
}

// Matching lists the calls so far whose method is method and whose path starts with pathPrefix.
func (f *Server) Matching(method, pathPrefix string) []Call {
	var out []Call
	for _, c := range f.Calls() {
		if c.Method == method && strings.HasPrefix(c.Path, pathPrefix) {
			out = append(out, c)
		}
	}
	return out
}

// Refusals lists the calls the fake refused because they broke a documented rule.
func (f *Server) Refusals() []Call {
	var out []Call
	for _, c := range f.Calls() {
		if len(c.Problems) > 0 {
			out = append(out, c)
		}
	}
	return out
}

// Dump is every call, one a line, for failure messages.
func (f *Server) Dump() string {
	var b strings.Builder
	for _, c := range f.Calls() {
		b.WriteString(c.String())
		if len(c.Problems) > 0 {
			b.WriteString(" REFUSED: " + strings.Join(c.Problems, "; "))
		}
		b.WriteString("\n")
	}
	return b.String()
}

// WaitFor waits for the nth call (counting from the start) matching method and path prefix. The
// timeout only guards against a hang.
func (f *Server) WaitFor(method, pathPrefix string, n int, timeout time.Duration) (Call, error) {
	var found Call
	err := f.wait(timeout, func(calls []Call) bool {
		seen := 0
		for _, c := range calls {
			if c.Method == method && strings.HasPrefix(c.Path, pathPrefix) {
				if seen++; seen == n {
					found = c
					return true
				}
			}
		}
		return false
	})
	if err != nil {
		return Call{}, fmt.Errorf("no call #%d %s %s* within %v; calls:\n%s", n, method, pathPrefix, timeout, f.Dump())
	}
	return found, nil
}

// Wait waits for the first call whose String() matches re and returns the submatches.
func (f *Server) Wait(re *regexp.Regexp, timeout time.Duration) ([]string, error) {
	var m []string
	err := f.wait(timeout, func(calls []Call) bool {
		for _, c := range calls {
			if m = re.FindStringSubmatch(c.String()); m != nil {
				return true
			}
		}
		return false
	})
	if err != nil {
		return nil, fmt.Errorf("no Discord call matching %s within %v; calls:\n%s", re, timeout, f.Dump())
	}
	return m, nil
}

func (f *Server) wait(timeout time.Duration, match func([]Call) bool) error {
	deadline := time.After(timeout)
	for {
		f.mu.Lock()
		calls, changed := f.calls, f.changed
		f.mu.Unlock()
		if match(calls) {
			return nil
		}
		select {
		case <-changed:
		case <-deadline:
			return errors.New("timeout")
		}
	}
}
