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

// MaxConnections is how many Socket Mode connections Slack keeps open for one app at once; it
// turns away another with a disconnect message whose reason is "too_many_websockets".
const MaxConnections = 10

// socket is the fake Socket Mode endpoint. Like Slack it keeps up to MaxConnections connections
// for the app (one per replica of a bot) and hands each envelope to one of them.
type socket struct {
	mu        sync.Mutex
	wmu       sync.Mutex // gorilla/websocket allows one writer at a time
	conns     []live     // open connections, oldest first
	connected chan int   // receives the connection's number each time a client connects
	acks      map[string]chan Ack
	seq       int
	count     int
	next      int  // round-robin position among conns
	down      bool // Outage: apps.connections.open fails
	done      chan struct{}
}

// live is an open connection and its number (1 for the first the fake accepted).
type live struct {
	n    int
	conn *websocket.Conn
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
	for _, c := range k.conns {
		c.conn.Close()
	}
}

// serveSocket holds one client connection: hello, then it reads acks until the connection ends.
func (s *Server) serveSocket(c *websocket.Conn) {
	k := &s.socket
	// The connection is registered before hello, and an Outage that came first drops it here:
	// slack-go reports "connected" as soon as its dial returns, which can be before this runs, and
	// an Outage a test starts right after must not miss the connection.
	k.mu.Lock()
	if k.down {
		k.mu.Unlock()
		c.Close()
		return
	}
	if len(k.conns) >= MaxConnections {
		k.mu.Unlock()
		k.write(c, map[string]any{"type": "disconnect", "reason": "too_many_websockets"})
		c.Close()
		return
	}
	k.count++
	n := k.count
	k.conns = append(k.conns, live{n: n, conn: c})
	open := len(k.conns)
	k.mu.Unlock()
	defer k.drop(c)
	if err := k.write(c, map[string]any{"type": "hello", "num_connections": open, "connection_info": map[string]any{"app_id": "AFAKE"}}); err != nil {
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

// drop forgets a connection that ended.
func (k *socket) drop(c *websocket.Conn) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for i, l := range k.conns {
		if l.conn == c {
			k.conns = append(k.conns[:i], k.conns[i+1:]...)
			return
		}
	}
}

// pick returns connection number n, or with n = 0 the next open one in turn (Slack picks one of
// an app's connections for each envelope).
func (k *socket) pick(n int) (*websocket.Conn, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(k.conns) == 0 {
		return nil, fmt.Errorf("slackfake: no Socket Mode client connected")
	}
	if n == 0 {
		k.next++
		return k.conns[k.next%len(k.conns)].conn, nil
	}
	for _, l := range k.conns {
		if l.n == n {
			return l.conn, nil
		}
	}
	return nil, fmt.Errorf("slackfake: Socket Mode connection %d is not open", n)
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
// "events_api") on one of the open connections, each in turn, and returns a function that waits
// for its ack.
func (s *Server) Envelope(typ string, payload any) (wait func(timeout time.Duration) (Ack, error), err error) {
	return s.EnvelopeOn(0, typ, payload)
}

// EnvelopeOn is Envelope on connection number conn (as WaitConnected returned it), or on the next
// open one when conn is 0.
func (s *Server) EnvelopeOn(conn int, typ string, payload any) (wait func(timeout time.Duration) (Ack, error), err error) {
	id := s.nextEnvelopeID()
	return s.Redeliver(conn, id, typ, payload)
}

func (s *Server) nextEnvelopeID() string {
	k := &s.socket
	k.mu.Lock()
	defer k.mu.Unlock()
	k.seq++
	return fmt.Sprintf("env-%d", k.seq)
}

// Redeliver sends an envelope with the given id on connection conn (0: the next open one), as
// Slack sends an envelope again, with the id it had, when its ack did not arrive.
func (s *Server) Redeliver(conn int, id, typ string, payload any) (wait func(timeout time.Duration) (Ack, error), err error) {
	k := &s.socket
	raw, err := json.Marshal(payload)
	if err != nil {
		return nil, err
	}
	c, err := k.pick(conn)
	if err != nil {
		return nil, err
	}
	ch := make(chan Ack, 1)
	k.mu.Lock()
	k.acks[id] = ch
	k.mu.Unlock()
	msg := map[string]any{"type": typ, "envelope_id": id, "payload": json.RawMessage(raw), "accepts_response_payload": typ != "events_api"}
	if err := k.write(c, msg); err != nil {
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

// Disconnect sends Socket Mode's disconnect message (reason "refresh_requested" or "warning") on
// every open connection, as Slack does routinely; a client should reconnect.
func (s *Server) Disconnect(reason string) error {
	k := &s.socket
	k.mu.Lock()
	conns := append([]live(nil), k.conns...)
	k.mu.Unlock()
	if len(conns) == 0 {
		return fmt.Errorf("slackfake: no Socket Mode client connected")
	}
	for _, l := range conns {
		if err := k.write(l.conn, map[string]any{"type": "disconnect", "reason": reason}); err != nil {
			return err
		}
	}
	return nil
}

// Outage drops every Socket Mode connection and makes apps.connections.open answer 503 until
// Restore: Slack unreachable, as a client sees it. slack-go keeps retrying with backoff.
func (s *Server) Outage() {
	k := &s.socket
	k.mu.Lock()
	defer k.mu.Unlock()
	k.down = true
	for _, l := range k.conns {
		l.conn.Close()
	}
	k.conns = nil
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
