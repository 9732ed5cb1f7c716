package slackfake

import (
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// Up to MaxConnections clients are each told how many are open; the next is turned away with
// Slack's too_many_websockets; envelopes go to the open ones in turn, or to the one named.
func TestSocketKeepsUpToTenConnections(t *testing.T) {
	s := New()
	defer s.Close()
	url := "ws://" + s.ServerAddr + "/socket"
	var conns []*websocket.Conn
	read := func(c *websocket.Conn) map[string]any {
		t.Helper()
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		var m map[string]any
		if err := c.ReadJSON(&m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	for i := 1; i <= MaxConnections+1; i++ {
		c, _, err := websocket.DefaultDialer.Dial(url, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		m := read(c)
		if i > MaxConnections {
			if m["type"] != "disconnect" || m["reason"] != "too_many_websockets" {
				t.Fatalf("connection %d got %v, want a too_many_websockets disconnect", i, m)
			}
			break
		}
		if m["type"] != "hello" || m["num_connections"] != float64(i) {
			t.Fatalf("connection %d got %v, want hello with num_connections %d", i, m, i)
		}
		if n, err := s.WaitConnected(5 * time.Second); err != nil || n != i {
			t.Fatalf("WaitConnected = %d, %v; want %d", n, err, i)
		}
		conns = append(conns, c)
	}

	// Each envelope reaches one connection: two in turn reach two different ones, a named one
	// reaches that one.
	type got struct {
		conn int
		id   string
	}
	arrived := make(chan got, 8)
	for i, c := range conns {
		c.SetReadDeadline(time.Time{})
		go func() {
			for {
				var m struct {
					Payload struct {
						EventID string `json:"event_id"`
					} `json:"payload"`
				}
				if c.ReadJSON(&m) != nil {
					return
				}
				arrived <- got{i + 1, m.Payload.EventID}
			}
		}()
	}
	for _, id := range []string{"E1", "E2"} {
		if _, err := s.Envelope("events_api", map[string]any{"event_id": id}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.EnvelopeOn(3, "events_api", map[string]any{"event_id": "E3"}); err != nil {
		t.Fatal(err)
	}
	where := map[string]int{}
	for range 3 {
		select {
		case g := <-arrived:
			if _, dup := where[g.id]; dup {
				t.Errorf("%s reached two connections", g.id)
			}
			where[g.id] = g.conn
		case <-time.After(5 * time.Second):
			t.Fatalf("envelopes arrived at %v, want E1, E2 and E3", where)
		}
	}
	if where["E1"] == where["E2"] || where["E3"] != 3 {
		t.Errorf("envelopes arrived at connections %v: want E1 and E2 on two different ones, E3 on 3", where)
	}
}
