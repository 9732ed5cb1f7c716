package discord

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/adapters/discord/discordfake"
)

// call is one REST request the fake Discord received.
type call = discordfake.Call

// decode unmarshals a call's body into v, failing the test when it is not JSON.
func decode(t *testing.T, c call, v any) {
	t.Helper()
	if err := c.Decode(v); err != nil {
		t.Fatal(err)
	}
}

// fakeDiscord is the strict fake with the waits a test wants. Unless a test calls allowRefusals,
// it fails at cleanup when the fake refused anything: a payload Discord would answer 400.
type fakeDiscord struct {
	*discordfake.Server
	t        *testing.T
	refusals bool
}

const fakeToken = "Bot " + discordfake.Token

func newFakeDiscord(t *testing.T) *fakeDiscord {
	f := &fakeDiscord{Server: discordfake.New(), t: t}
	t.Cleanup(func() {
		if r := f.Refusals(); len(r) > 0 && !f.refusals {
			var b strings.Builder
			for _, c := range r {
				b.WriteString(c.Method + " " + c.Path + ": " + strings.Join(c.Problems, "; ") + "\n")
			}
			t.Errorf("the fake Discord refused %d payloads that Discord would refuse:\n%s", len(r), b.String())
		}
		f.Close()
	})
	return f
}

// allowRefusals is for a test that sends a payload Discord refuses on purpose.
func (f *fakeDiscord) allowRefusals() { f.refusals = true }

// waitFor returns the first call (from the start) matching method and path prefix, waiting for it.
func (f *fakeDiscord) waitFor(method, pathPrefix string) call {
	f.t.Helper()
	return f.waitForNth(method, pathPrefix, 1)
}

// waitForNth returns the nth matching call.
func (f *fakeDiscord) waitForNth(method, pathPrefix string, n int) call {
	f.t.Helper()
	c, err := f.WaitFor(method, pathPrefix, n, 10*time.Second)
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

func (f *fakeDiscord) matching(method, pathPrefix string) []call {
	return f.Matching(method, pathPrefix)
}

func (f *fakeDiscord) setOverride(o func(w http.ResponseWriter, c call) bool) { f.SetOverride(o) }

// refuse makes the fake answer the calls of method (any method when "") whose path ends in suffix
// with respond, instead of serving them.
func (f *fakeDiscord) refuse(method, suffix string, respond func(w http.ResponseWriter)) {
	f.setOverride(func(w http.ResponseWriter, c call) bool {
		if (method != "" && c.Method != method) || !strings.HasSuffix(c.Path, suffix) {
			return false
		}
		respond(w)
		return true
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) { discordfake.WriteJSON(w, status, v) }

// checkResponseBody fails when an http-mode response body breaks a rule Discord enforces.
func checkResponseBody(t *testing.T, body []byte) {
	t.Helper()
	if !json.Valid(body) {
		return // not an interaction response (a 401's text)
	}
	if p := discordfake.CheckInteractionResponse(body); len(p) > 0 {
		t.Errorf("Discord would refuse this interaction response: %s\n%s", strings.Join(p, "; "), body)
	}
}
