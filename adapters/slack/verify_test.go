package slack

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Slack's worked example from "Verifying requests from Slack" (api.slack.com/authentication/
// verifying-requests-from-slack): using their vector, not one we signed ourselves, proves the base
// string is built exactly as Slack builds it.
const (
	docSecret    = "8f742231b10e8888abcd99yyyzzz85a5"
	docTimestamp = "1531420618"
	docBody      = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
	docSignature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
)

func TestVerifySlackDocExample(t *testing.T) {
	t.Parallel()
	at := time.Unix(1531420618, 0).Add(90 * time.Second)
	v := verifier{secret: []byte(docSecret), now: func() time.Time { return at }}
	if err := v.verify(docTimestamp, docSignature, []byte(docBody)); err != nil {
		t.Fatalf("Slack's documented example was refused: %v", err)
	}
	if got := Sign(docSecret, docTimestamp, []byte(docBody)); got != docSignature {
		t.Errorf("Sign = %s, want Slack's %s", got, docSignature)
	}
}

func TestVerifyRejects(t *testing.T) {
	t.Parallel()
	sent := time.Unix(1531420618, 0)
	tests := []struct {
		name          string
		now           time.Time
		ts, sig, body string
		secret        string
		want          error
	}{
		{name: "no signature", now: sent, ts: docTimestamp, sig: "", want: errNoSignature},
		{name: "no timestamp", now: sent, ts: "", sig: docSignature, want: errNoSignature},
		{name: "timestamp not a number", now: sent, ts: "1531420618.5", sig: docSignature, want: errBadTimestamp},
		{name: "5 minutes and a second old", now: sent.Add(5*time.Minute + time.Second), ts: docTimestamp, sig: docSignature, want: errStale},
		{name: "5 minutes and a second in the future", now: sent.Add(-5*time.Minute - time.Second), ts: docTimestamp, sig: docSignature, want: errStale},
		{name: "wrong version", now: sent, ts: docTimestamp, sig: "v1=" + docSignature[3:], want: errBadFormat},
		{name: "not hex", now: sent, ts: docTimestamp, sig: "v0=" + strings.Repeat("zz", 32), want: errBadFormat},
		{name: "too short", now: sent, ts: docTimestamp, sig: docSignature[:40], want: errBadFormat},
		{name: "body changed", now: sent, ts: docTimestamp, sig: docSignature, body: strings.Replace(docBody, "text=", "text=reveal", 1), want: errMismatch},
		{name: "timestamp changed", now: sent, ts: "1531420619", sig: docSignature, want: errMismatch},
		{name: "wrong secret", now: sent, ts: docTimestamp, sig: docSignature, secret: "another-secret", want: errMismatch},
		{name: "one digit off", now: sent, ts: docTimestamp, sig: docSignature[:len(docSignature)-1] + "4", want: errMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			secret, body := docSecret, docBody
			if tt.secret != "" {
				secret = tt.secret
			}
			if tt.body != "" {
				body = tt.body
			}
			v := verifier{secret: []byte(secret), now: func() time.Time { return tt.now }}
			if err := v.verify(tt.ts, tt.sig, []byte(body)); !errors.Is(err, tt.want) {
				t.Errorf("verify = %v, want %v", err, tt.want)
			}
		})
	}
	// Exactly at the edge of the window, both ways, is still accepted.
	for _, now := range []time.Time{sent.Add(5 * time.Minute), sent.Add(-5 * time.Minute)} {
		v := verifier{secret: []byte(docSecret), now: func() time.Time { return now }}
		if err := v.verify(docTimestamp, docSignature, []byte(docBody)); err != nil {
			t.Errorf("at %s from the timestamp: %v, want accepted", now.Sub(sent), err)
		}
	}
}

// Every way a request can be wrong gets 401 before anything is parsed: the core sees no event and
// Slack's API sees no call.
func TestHTTPRefusesBadSignaturesAndTouchesNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t, ModeHTTP).start()
	body := slash(e.fake, "U1", "reveal").Encode()
	now := strconv.FormatInt(e.clock.Now().Unix(), 10)
	stale := strconv.FormatInt(e.clock.Now().Add(-6*time.Minute).Unix(), 10)
	future := strconv.FormatInt(e.clock.Now().Add(6*time.Minute).Unix(), 10)
	cases := map[string]map[string]string{
		"unsigned":     {},
		"no timestamp": {"X-Slack-Signature": Sign(testSecret, now, []byte(body))},
		"wrong secret": {"X-Slack-Request-Timestamp": now, "X-Slack-Signature": Sign("not-the-secret", now, []byte(body))},
		"stale":        {"X-Slack-Request-Timestamp": stale, "X-Slack-Signature": Sign(testSecret, stale, []byte(body))},
		"future":       {"X-Slack-Request-Timestamp": future, "X-Slack-Signature": Sign(testSecret, future, []byte(body))},
		"other body":   {"X-Slack-Request-Timestamp": now, "X-Slack-Signature": Sign(testSecret, now, []byte(body+"x"))},
		"garbage":      {"X-Slack-Request-Timestamp": now, "X-Slack-Signature": "v0=nope"},
	}
	before := len(e.fake.Calls(""))
	for name, headers := range cases {
		for _, path := range []string{PathCommands, PathInteractions, PathEvents} {
			if resp := e.raw(path, formType, body, headers); resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("%s to %s: status %d, want 401", name, path, resp.StatusCode)
			}
		}
	}
	if resp := e.signed(PathCommands, formType, strings.Repeat("a", maxBody+1)); resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized body: status %d, want 413", resp.StatusCode)
	}
	e.stop() // waits for any spawned work, so "nothing happened" is final
	e.core.none(t)
	if calls := e.fake.Calls(""); len(calls) != before {
		t.Errorf("refused requests caused Slack API calls: %+v", calls[before:])
	}
}
