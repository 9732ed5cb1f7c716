package discord

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/keepalive"
	"github.com/pyqbot/pyqbot/internal/testkit"
)

// sleepOn sends the adapter's waits to the kit's fake clock, which advances by each wait at once.
func sleepOn(c *testkit.FakeClock) func(contextDone, time.Duration) error {
	return func(ctx contextDone, d time.Duration) error { return c.Sleep(ctx, d) }
}

var conv = bot.Conversation{Platform: "discord", Workspace: "g1", Channel: "c1"}

// rateLimitedAdapter is an adapter whose waits go to a fake clock.
func rateLimitedAdapter(t *testing.T, f *fakeDiscord) (*Adapter, *testkit.FakeClock, *testLog) {
	clock := testkit.NewFakeClock(testNow)
	log := &testLog{t: t}
	a := newTestAdapter(t, f, ModeGateway, Options{Now: clock.Now, Logger: newLogger(log)})
	a.sleep = sleepOn(clock)
	return a, clock, log
}

func tooMany(w http.ResponseWriter, retryAfter float64, global bool) {
	writeJSON(w, 429, map[string]any{"message": "You are being rate limited.", "retry_after": retryAfter, "global": global})
}

func TestRateLimitedPostIsRetriedAfterRetryAfter(t *testing.T) {
	t.Parallel()
	f := newFakeDiscord(t)
	a, clock, _ := rateLimitedAdapter(t, f)
	n := 0
	f.setOverride(func(w http.ResponseWriter, c call) bool {
		if c.Method == "POST" && c.Path == "/api/v9/channels/c1/messages" {
			n++
			if n == 1 {
				tooMany(w, 1.5, false)
				return true
			}
		}
		return false
	})
	if _, err := a.Send(context.Background(), conv, bot.Post{Text: "hello"}); err != nil {
		t.Fatal(err)
	}
	if got := len(f.matching("POST", "/api/v9/channels/c1/messages")); got != 2 {
		t.Errorf("%d posts, want 2 (the 429 and the retry)", got)
	}
	if got := clock.Sleeps(); len(got) != 1 || got[0] != 1500*time.Millisecond {
		t.Errorf("waited %v, want [1.5s]", got)
	}
}

func TestRateLimitGivesUpAfterMaxAttempts(t *testing.T) {
	t.Parallel()
	f := newFakeDiscord(t)
	a, clock, _ := rateLimitedAdapter(t, f)
	f.refuse("POST", "", func(w http.ResponseWriter) { tooMany(w, 0, false) }) // "retry after 0" must not become a tight loop
	_, err := a.Send(context.Background(), conv, bot.Post{Text: "hello"})
	if err == nil || !strings.Contains(err.Error(), "rate limit") {
		t.Fatalf("Send error = %v, want a rate-limit error", err)
	}
	if got := len(f.matching("POST", "/api/v9/channels/c1/messages")); got != maxAttempts {
		t.Errorf("%d posts, want %d", got, maxAttempts)
	}
	for _, d := range clock.Sleeps() {
		if d < minRetryAfter {
			t.Errorf("waited only %v between attempts, want at least %v", d, minRetryAfter)
		}
	}
}

func TestGlobalRateLimitHoldsEveryRoute(t *testing.T) {
	t.Parallel()
	f := newFakeDiscord(t)
	clock := testkit.NewFakeClock(testNow)
	to, _ := url.Parse(f.URL())
	tr := &transport{base: http.DefaultTransport, to: to, now: clock.Now, sleep: sleepOn(clock)}
	f.setOverride(func(w http.ResponseWriter, c call) bool {
		if c.Path == "/api/v9/limited" {
			tooMany(w, 2, true)
			return true
		}
		w.WriteHeader(204)
		return true
	})
	get := func(path string) int {
		req, _ := http.NewRequest("GET", "https://discord.com"+path, nil)
		resp, err := tr.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := get("/api/v9/limited"); code != 429 {
		t.Fatalf("status %d, want 429", code)
	}
	if len(clock.Sleeps()) != 0 {
		t.Fatalf("slept before the 429: %v", clock.Sleeps())
	}
	if code := get("/api/v9/other"); code != 204 {
		t.Fatalf("status %d", code)
	}
	if got := clock.Sleeps(); len(got) != 1 || got[0] != 2*time.Second {
		t.Errorf("a request on another route waited %v, want [2s] (the global limit)", got)
	}
	get("/api/v9/other")
	if got := clock.Sleeps(); len(got) != 1 {
		t.Errorf("waited again after the global limit passed: %v", got)
	}
}

func TestFailedPostIsNotResent(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		fail func(w http.ResponseWriter)
	}{
		{"bad gateway", func(w http.ResponseWriter) { w.WriteHeader(http.StatusBadGateway) }},
		{"connection reset", func(w http.ResponseWriter) {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeDiscord(t)
			a, _, _ := rateLimitedAdapter(t, f)
			f.refuse("POST", "", tc.fail)
			if _, err := a.Send(context.Background(), conv, bot.Post{Text: "question"}); err == nil {
				t.Fatal("Send succeeded; want the failure reported to the scheduler")
			}
			if got := len(f.matching("POST", "/api/v9/channels/c1/messages")); got != 1 {
				t.Errorf("%d posts, want exactly 1: the message may exist, so it must not be re-sent blindly", got)
			}
		})
	}
}

func TestErrorsHideInteractionTokens(t *testing.T) {
	t.Parallel()
	err := redact(&url.Error{Op: "Post", URL: "https://discord.com/api/v9/webhooks/app1/SECRET-TOKEN?wait=true", Err: errors.New("connection reset")})
	if strings.Contains(err.Error(), "SECRET-TOKEN") || !strings.Contains(err.Error(), "/webhooks/app1/[token]") {
		t.Errorf("redacted error = %q", err)
	}
	err = redact(&url.Error{Op: "Post", URL: "https://discord.com/api/v9/interactions/123/SECRET-TOKEN/callback", Err: errors.New("timeout")})
	if strings.Contains(err.Error(), "SECRET-TOKEN") {
		t.Errorf("redacted error = %q", err)
	}
}

func TestThreadFailureFallsBackToTheChannel(t *testing.T) {
	t.Parallel()
	f := newFakeDiscord(t)
	a, _, log := rateLimitedAdapter(t, f)
	f.refuse("", "/threads", func(w http.ResponseWriter) {
		writeJSON(w, 403, map[string]any{"message": "Missing Permissions", "code": 50013})
	})
	q := bot.Post{Title: "Lambdas in a loop", Text: "What does this print?", Code: "print(1)",
		Answer: &bot.AnswerForm{Ref: "#12", Choices: []bot.Choice{{Key: "A", Text: "1"}, {Key: "B", Text: "2"}}}, Footer: "#12"}
	ref, err := a.Send(context.Background(), conv, q)
	var degraded *bot.Degraded
	if !errors.As(err, &degraded) || !strings.Contains(degraded.Problem, "Create Public Threads") {
		t.Fatalf("Send = %v, want the question posted with a *bot.Degraded naming the missing permission", err)
	}
	if ref.ID == "" || ref.Thread != "" {
		t.Fatalf("ref = %+v, want a message and no thread", ref)
	}
	// The core logs the *bot.Degraded; the adapter returns it and does not log it again.
	if !strings.Contains(degraded.Problem, "channel c1") {
		t.Errorf("problem %q does not name the channel", degraded.Problem)
	}
	if l := log.String(); strings.Contains(l, "Missing Permissions") || strings.Contains(l, "Create Public Threads") {
		t.Errorf("the adapter logged the thread failure it returns to the core:\n%s", l)
	}
	reveal := bot.Post{Title: "Answer to #12: Lambdas in a loop", Text: "The answer was A: 1"}
	reveal.Thread = &ref
	if _, err := a.Send(context.Background(), conv, reveal); !errors.As(err, &degraded) {
		t.Fatalf("reveal Send = %v, want it posted in the channel with a *bot.Degraded", err)
	}
	posts := f.matching("POST", "/api/v9/channels/c1/messages")
	if len(posts) < 2 || !strings.HasSuffix(posts[len(posts)-1].Path, "/c1/messages") {
		t.Fatalf("reveal not posted in the channel: %v", f.Dump())
	}
	var m sentMessage
	decode(t, posts[len(posts)-1], &m)
	if m.Reference == nil || m.Reference.MessageID != ref.ID {
		t.Errorf("reveal in the channel does not reply to the question %s: %s", ref.ID, posts[len(posts)-1].Body)
	}
	if got := len(f.matching("POST", "/api/v9/channels/c1/messages/"+ref.ID+"/threads")); got != 2 {
		t.Errorf("thread start tried %d times, want 2 (at the post, again at the reveal)", got)
	}
}

// The REST client keeps a burst's connections (keepalive): net/http's default keeps two to a host,
// so a fan-out's posts to discord.com would each dial and TLS-handshake anew.
func TestRESTClientKeepsABurstsConnections(t *testing.T) {
	t.Parallel()
	a, err := New(Config{Mode: ModeGateway, Token: "t", AppID: "app1"}, Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	tr, ok := a.s.Client.Transport.(*transport)
	if !ok {
		t.Fatalf("REST transport is %T, want the adapter's own", a.s.Client.Transport)
	}
	if base, ok := tr.base.(*http.Transport); !ok || base.MaxIdleConnsPerHost != keepalive.PerHost {
		t.Errorf("REST base transport %T is not keepalive's (%d idle connections a host)", tr.base, keepalive.PerHost)
	}
}
