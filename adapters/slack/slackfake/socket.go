package slackfake

import (
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Ack is what the client sent back for an envelope.
type Ack struct {
	EnvelopeID string          `json:"envelope_id"`
	Payload    json.RawMessage `json:"payload"`
}

// socket is the fake Socket Mode endpoint: one live connection at a time.
type socket struct {
	mu        sync.Mutex
	wmu       sync.Mutex // gorilla/websocket allows one writer at a time
	conn      *websocket.Conn
	connected chan int // receives the connection count each time a client connects
	acks      map[string]chan Ack
	seq       int
	count     int
	down      bool // Outage: apps.connections.open fails
	done      chan struct{}
}

func (k *socket) init() {
	k.connected = make(chan int, 16)
	k.acks = map[string]chan Ack{}
	k.done = make(chan struct{})
}

func (k *socket) close() {
	k.mu.Lock()
	defer k.mu.Unlock()
	select {
	case <-k.done:
	default:
		close(k.done)
	}
	if k.conn != nil {
		k.conn.Close()
	}
}

// serveSocket holds one client connection: hello, then it reads acks until the connection ends.
func (s *Server) serveSocket(c *websocket.Conn) {
	k := &s.socket
	// The connection is registered before hello: a client logs "connected" on hello, and an Outage
	// a test starts right after must find the connection to drop.
	k.mu.Lock()
	k.conn = c
	k.count++
	n := k.count
	k.mu.Unlock()
	if err := k.write(c, map[string]any{"type": "hello", "num_connections": 1, "connection_info": map[string]any{"app_id": "AFAKE"}}); err != nil {
		return
	}
	select {
	case k.connected <- n:
	case <-k.done:
		return
	}
	for {
		var a Ack
		if err := c.ReadJSON(&a); err != nil {
			return
		}
		k.mu.Lock()
		ch, ok := k.acks[a.EnvelopeID]
		k.mu.Unlock()
		if ok {
			ch <- a
		}
	}
}

// WaitConnected waits for the next Socket Mode connection and returns its number (1 for the first).
func (s *Server) WaitConnected(timeout time.Duration) (int, error) {
	select {
	case n := <-s.socket.connected:
		return n, nil
	case <-time.After(timeout):
		return 0, fmt.Errorf("slackfake: no Socket Mode connection within %s", timeout)
	}
}

// Envelope sends a Socket Mode envelope of type typ ("slash_commands", "interactive",
// "events_api") and returns a function that waits for its ack.
func (s *Server) Envelope(typ string, payload any) (wait func(timeout time.Duration) (Ack, error), err error) {
	k := &s.socket
	raw, err := json.Marshal(payload)
	if err != nil {
		return nil, err
	}
	k.mu.Lock()
	k.seq++
	id := fmt.Sprintf("env-%d", k.seq)
	ch := make(chan Ack, 1)
	k.acks[id] = ch
	conn := k.conn
	k.mu.Unlock()
	if conn == nil {
		return nil, fmt.Errorf("slackfake: no Socket Mode client connected")
	}
	msg := map[string]any{"type": typ, "envelope_id": id, "payload": json.RawMessage(raw), "accepts_response_payload": typ != "events_api"}
	if err := k.write(conn, msg); err != nil {
		return nil, err
	}
	return func(timeout time.Duration) (Ack, error) {
		select {
		case a := <-ch:
			return a, nil
		case <-time.After(timeout):
			return Ack{}, fmt.Errorf("slackfake: no ack for %s envelope %s within %s", typ, id, timeout)
		}
	}, nil
}

// Disconnect sends Socket Mode's disconnect message (reason "refresh_requested" or "warning"), as
// Slack does routinely; a client should reconnect.
func (s *Server) Disconnect(reason string) error {
	k := &s.socket
	k.mu.Lock()
	conn := k.conn
	k.mu.Unlock()
	if conn == nil {
		return fmt.Errorf("slackfake: no Socket Mode client connected")
	}
	return k.write(conn, map[string]any{"type": "disconnect", "reason": reason})
}

// Outage drops the Socket Mode connection and makes apps.connections.open answer 503 until
// Restore: Slack unreachable, as a client sees it. slack-go keeps retrying with backoff.
func (s *Server) Outage() {
	k := &s.socket
	k.mu.Lock()
	defer k.mu.Unlock()
	k.down = true
	if k.conn != nil {
		k.conn.Close()
		k.conn = nil
	}
}

// Restore ends an Outage: the client's next attempt connects.
func (s *Server) Restore() {
	k := &s.socket
	k.mu.Lock()
	defer k.mu.Unlock()
	k.down = false
}

func (k *socket) isDown() bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.down
}

func (k *socket) write(c *websocket.Conn, v any) error {
	k.wmu.Lock()
	defer k.wmu.Unlock()
	return c.WriteJSON(v)
}
