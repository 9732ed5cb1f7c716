package discordfake

import (
	"encoding/json"
	"net/http"
	"sync"

	"github.com/gorilla/websocket"
)

// gateway speaks just enough of Discord's gateway: hello, identify -> READY (or resume ->
// RESUMED), then the queued INTERACTION_CREATE events.
type gateway struct {
	events   chan []byte // INTERACTION_CREATE payloads to dispatch
	idents   chan json.RawMessage
	resumes  chan json.RawMessage
	stalls   chan struct{} // one per connection accepted while stalled
	upgrader websocket.Upgrader

	mu      sync.Mutex
	conn    *websocket.Conn
	seq     int
	down    bool // refuse connections (503), as during an outage
	stalled bool // accept connections but never say hello
}

func (g *gateway) init() {
	g.events = make(chan []byte, 16)
	g.idents = make(chan json.RawMessage, 16)
	g.resumes = make(chan json.RawMessage, 16)
	g.stalls = make(chan struct{}, 16)
}

// note hands a test what the gateway received, if the test's buffer has room. Discord answers
// every identify and resume whether or not anyone watches: a test that does not read the channel
// must not stall the handshake (a blocking send here left discordgo's Open waiting for RESUMED, with
// its session lock held, after the fifth resume of a test that read none).
func note[T any](ch chan T, v T) {
	select {
	case ch <- v:
	default:
	}
}

// Dispatch queues an interaction (its JSON, as Discord sends it) for the gateway to deliver.
func (f *Server) Dispatch(interaction []byte) { f.gw.events <- interaction }

// Identifies delivers the payload of each identify (op 2) the gateway receives.
func (f *Server) Identifies() <-chan json.RawMessage { return f.gw.idents }

// Resumes delivers the payload of each resume (op 6) the gateway receives.
func (f *Server) Resumes() <-chan json.RawMessage { return f.gw.resumes }

// Stalls delivers one value for each connection accepted while the gateway is stalled.
func (f *Server) Stalls() <-chan struct{} { return f.gw.stalls }

// SetStalled makes the gateway accept new connections and then say nothing (no hello), as a gateway
// in trouble may, or answer them again. Drop cuts the stalled connection.
func (f *Server) SetStalled(stalled bool) {
	f.gw.mu.Lock()
	defer f.gw.mu.Unlock()
	f.gw.stalled = stalled
}

// SetDown makes the gateway refuse (or accept again) new connections.
func (f *Server) SetDown(down bool) {
	f.gw.mu.Lock()
	defer f.gw.mu.Unlock()
	f.gw.down = down
}

// Drop cuts the gateway connection as a network failure would.
func (f *Server) Drop() {
	f.gw.mu.Lock()
	defer f.gw.mu.Unlock()
	if f.gw.conn != nil {
		f.gw.conn.UnderlyingConn().Close()
	}
}

func (g *gateway) nextSeq() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.seq++
	return g.seq
}

func (g *gateway) serve(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	down := g.down
	g.mu.Unlock()
	if down {
		http.Error(w, "gateway unavailable", http.StatusServiceUnavailable)
		return
	}
	conn, err := g.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer conn.Close()
	g.mu.Lock()
	g.conn = conn
	stalled := g.stalled
	g.mu.Unlock()
	if stalled {
		note(g.stalls, struct{}{})
		for { // until the client or Drop closes the connection
			if _, _, err := conn.ReadMessage(); err != nil {
				return
			}
		}
	}
	send := func(v any) error {
		g.mu.Lock()
		defer g.mu.Unlock()
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
	switch first.Op {
	case 2:
		note(g.idents, first.D)
		send(map[string]any{"op": 0, "t": "READY", "s": g.nextSeq(), "d": map[string]any{
			"v": 10, "session_id": "session-1", "user": map[string]any{"id": "bot1", "username": "pyqbot", "bot": true},
			"guilds": []any{}, "application": map[string]any{"id": "app1"}}})
	case 6:
		note(g.resumes, first.D)
		send(map[string]any{"op": 0, "t": "RESUMED", "s": g.nextSeq(), "d": map[string]any{}})
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
		case ev := <-g.events:
			if err := send(map[string]any{"op": 0, "t": "INTERACTION_CREATE", "s": g.nextSeq(), "d": json.RawMessage(ev)}); err != nil {
				return
			}
		}
	}
}
