package discord

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

// The test key pair: a fixed seed, so a failure reproduces.
var (
	testPrivateKey   = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
	testPublicKeyHex = hex.EncodeToString(testPrivateKey.Public().(ed25519.PublicKey))
	testNow          = time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)
)

// signed is a request as Discord would send it at time at.
func signed(body []byte, at time.Time) *http.Request {
	ts := strconv.FormatInt(at.Unix(), 10)
	sig := ed25519.Sign(testPrivateKey, append([]byte(ts), body...))
	r := httptest.NewRequest("POST", InteractionsPath, bytes.NewReader(body))
	r.Header.Set("X-Signature-Ed25519", hex.EncodeToString(sig))
	r.Header.Set("X-Signature-Timestamp", ts)
	return r
}

// serveHTTPAdapter is an http-mode adapter running with the real engine, its REST going to f, and
// the endpoint on a test server like the shared one.
func serveHTTPAdapter(t *testing.T, f *fakeDiscord, opt Options) (*Adapter, *httptest.Server) {
	t.Helper()
	if opt.Now == nil {
		opt.Now = func() time.Time { return testNow }
	}
	a := newTestAdapter(t, f, ModeHTTP, opt)
	mux := http.NewServeMux()
	mux.Handle("POST "+InteractionsPath, a)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return a, srv
}

// playHTTP is an http-mode adapter serving the real engine (on a clock stopped at testNow) with qs,
// running and registered.
func playHTTP(t *testing.T, qs ...bot.Question) (*fakeDiscord, *httptest.Server) {
	t.Helper()
	f := newFakeDiscord(t)
	a, srv := serveHTTPAdapter(t, f, Options{})
	eng := newEngineAt(t, testNow, qs...)
	eng.AddAdapter(a)
	run(t, a, eng)
	f.waitFor("PUT", "/api/v9/applications/app1/guilds/g1/commands")
	return f, srv
}

// interact sends body to srv as a signed interaction and returns Discord's view of the response;
// anything but a 200 with a JSON response fails the test.
func interact(t *testing.T, srv *httptest.Server, body []byte) response {
	t.Helper()
	code, b := do(t, srv, signed(body, testNow))
	var r response
	if err := json.Unmarshal([]byte(b), &r); err != nil || code != 200 {
		t.Fatalf("%d %s", code, b)
	}
	return r
}

func do(t *testing.T, srv *httptest.Server, r *http.Request) (int, string) {
	t.Helper()
	req, err := http.NewRequest(r.Method, srv.URL+r.URL.Path, r.Body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header = r.Header
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == 200 {
		checkResponseBody(t, b) // what Discord would refuse, as the fake does for REST callbacks
	}
	return resp.StatusCode, string(b)
}

func TestHTTPEndpointVerifiesEveryRequest(t *testing.T) {
	t.Parallel()
	f, srv := playHTTP(t, testQuestion())

	ping := []byte(`{"id":"p1","application_id":"app1","type":1,"token":"tok-p1","version":1}`)
	tamper := func(r *http.Request) *http.Request {
		sig, _ := hex.DecodeString(r.Header.Get("X-Signature-Ed25519"))
		sig[0] ^= 1
		r.Header.Set("X-Signature-Ed25519", hex.EncodeToString(sig))
		return r
	}
	huge := append([]byte(`{"type":1,"pad":"`), bytes.Repeat([]byte("x"), maxBody)...)
	huge = append(huge, `"}`...)
	noSig := signed(ping, testNow)
	noSig.Header.Del("X-Signature-Ed25519")
	tests := []struct {
		name string
		req  *http.Request
		code int
		body string
	}{
		{"valid ping", signed(ping, testNow), 200, `{"type":1}`},
		{"ping signed 4 minutes ago", signed(ping, testNow.Add(-4*time.Minute)), 200, `{"type":1}`},
		{"bad signature", tamper(signed(ping, testNow)), 401, ""},
		{"no signature", noSig, 401, ""},
		{"stale timestamp", signed(ping, testNow.Add(-6*time.Minute)), 401, ""},
		{"timestamp from the future", signed(ping, testNow.Add(6*time.Minute)), 401, ""},
		{"oversized body", signed(huge, testNow), 401, ""},
		{"signed for another body", func() *http.Request {
			r := signed(ping, testNow)
			r.Body = io.NopCloser(strings.NewReader(`{"id":"p1","type":2}`))
			return r
		}(), 401, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := do(t, srv, tt.req)
			if code != tt.code {
				t.Errorf("status %d, want %d (%s)", code, tt.code, body)
			}
			if tt.body != "" && strings.TrimSpace(body) != tt.body {
				t.Errorf("body %s, want %s", body, tt.body)
			}
		})
	}
	if n := len(f.matching("POST", "/api/v9/channels/")); n != 0 {
		t.Errorf("rejected requests caused %d posts", n)
	}
}

func TestHTTPSlashCommandAndButtonPress(t *testing.T) {
	t.Parallel()
	f, srv := playHTTP(t, testQuestion())

	code, body := do(t, srv, signed(slash("h1", lead, "today"), testNow))
	var r response
	json.Unmarshal([]byte(body), &r)
	if code != 200 || r.Type != 4 || r.Data.Flags != 64 || r.Data.Content != "Done." {
		t.Fatalf("slash command: %d %s", code, body)
	}
	post := f.waitFor("POST", "/api/v9/channels/c1/messages")
	var q sentMessage
	decode(t, post, &q)
	ids, _ := q.customIDs()
	if len(ids) != 4 { // three choices and "Answer with a reason…"
		t.Fatalf("question buttons = %v", ids)
	}

	code, body = do(t, srv, signed(press("h2", alice, ids[1]), testNow))
	json.Unmarshal([]byte(body), &r)
	if code != 200 || r.Data.Flags != 64 || !strings.Contains(r.Data.Content, "Recorded your answer B to #1") {
		t.Errorf("button press: %d %s", code, body)
	}
	// No REST callback in http mode: the response is the HTTP body.
	if n := len(f.matching("POST", "/api/v9/interactions/")); n != 0 {
		t.Errorf("%d REST callbacks in http mode, want 0", n)
	}
}

// A number typed alone in a question field names that question: an answer is recorded to it and
// a report lands on it (before, report question:1 went to the channel's latest question with
// "1 …" as its text, and answer question:2 was refused as a second choice). A field naming no
// question is refused, naming the field, and nothing is recorded.
func TestHTTPQuestionFieldTakesABareNumber(t *testing.T) {
	t.Parallel()
	f, srv := playHTTP(t, testQuestion())
	var r response
	if code, body := do(t, srv, signed(slash("q1", lead, "today"), testNow)); code != 200 {
		t.Fatalf("today: %d %s", code, body)
	}
	f.waitFor("POST", "/api/v9/channels/c1/messages")

	_, body := do(t, srv, signed(slash("q2", alice, "answer", "question", "abc", "choice", "B"), testNow))
	json.Unmarshal([]byte(body), &r)
	if r.Data.Flags != 64 || !strings.Contains(r.Data.Content, "In `question`: \"abc\" is not a question") {
		t.Errorf("question abc: %s, want a private refusal naming the field", body)
	}
	_, body = do(t, srv, signed(slash("q3", alice, "answer", "question", "1", "choice", "B"), testNow))
	json.Unmarshal([]byte(body), &r)
	if !strings.Contains(r.Data.Content, "Recorded your answer B to #1") {
		t.Errorf("answer question:1 choice:B: %s", body)
	}
	_, body = do(t, srv, signed(slash("q4", alice, "report", "question", "1", "text", "the key is wrong"), testNow))
	json.Unmarshal([]byte(body), &r)
	if !strings.Contains(r.Data.Content, "on #1") {
		t.Errorf("report question:1: %s, want the report on #1", body)
	}
	// The number is the question, not the first word of the report.
	_, body = do(t, srv, signed(slash("q5", lead, "reports"), testNow))
	json.Unmarshal([]byte(body), &r)
	if !strings.Contains(body, "Alice  Wed 4 Mar 09:00  the key is wrong") {
		t.Errorf("reports: %s, want the report's text without the question's number", body)
	}
}
