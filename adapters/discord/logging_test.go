package discord

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
)

// A post Discord refuses is logged once, by the core where it decides what to tell the user, with
// the conversation's platform, workspace and channel; the adapter only returns the error.
func TestARefusedPostIsLoggedOnceWithItsConversation(t *testing.T) {
	t.Parallel()
	f := newFakeDiscord(t)
	log := &testLog{t: t}
	logger := newLogger(log)
	a := newTestAdapter(t, f, ModeGateway, Options{Logger: logger})
	kit := testkit.NewEngine(t, testkit.Options{Questions: []bot.Question{testQuestion()}, Adapters: []bot.Adapter{a}, Logger: logger})
	f.setOverride(func(w http.ResponseWriter, c call) bool {
		if c.Method == "POST" && strings.HasSuffix(c.Path, "/channels/c1/messages") {
			writeJSON(w, 403, map[string]any{"message": "Missing Access", "code": 50001})
			return true
		}
		return false
	})
	if r := kit.As(conv, "lead", true, "today"); r.Empty() {
		t.Fatal("today answered nothing after Discord refused the post; want a private error")
	}
	var refused []string
	for _, line := range strings.Split(log.String(), "\n") {
		if strings.Contains(line, "Missing Access") {
			refused = append(refused, line)
		}
	}
	if len(refused) != 1 {
		t.Fatalf("the refused post is logged %d times, want once:\n%s", len(refused), log.String())
	}
	for _, attr := range []string{"platform=discord", "workspace=g1", "channel=c1"} {
		if !strings.Contains(refused[0], attr) {
			t.Errorf("the refusal's line lacks %s: %s", attr, refused[0])
		}
	}
}
