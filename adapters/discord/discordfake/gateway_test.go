package discordfake

import (
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// Discord answers every resume, whether or not a test reads Resumes: more resumes than the
// channel's buffer each still get RESUMED. (A blocking send once stalled the fifth resume, and
// discordgo's Open waited for RESUMED with its session lock held, so Close never returned.)
func TestGatewayAnswersResumesNobodyReads(t *testing.T) {
	f := New()
	defer f.Close()
	url := "ws" + strings.TrimPrefix(f.URL(), "http") + "/ws"
	for i := range cap(f.gw.resumes) + 2 {
		c, _, err := websocket.DefaultDialer.Dial(url, nil)
		if err != nil {
			t.Fatalf("resume %d: dial: %v", i+1, err)
		}
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		var hello, resumed struct {
			Op int    `json:"op"`
			T  string `json:"t"`
		}
		if err := c.ReadJSON(&hello); err != nil || hello.Op != 10 {
			t.Fatalf("resume %d: hello %+v, %v", i+1, hello, err)
		}
		if err := c.WriteJSON(map[string]any{"op": 6, "d": map[string]any{"token": "t", "session_id": "session-1", "seq": 1}}); err != nil {
			t.Fatal(err)
		}
		if err := c.ReadJSON(&resumed); err != nil || resumed.T != "RESUMED" {
			t.Fatalf("resume %d (none read from Resumes): %+v, %v", i+1, resumed, err)
		}
		c.Close()
	}
}
