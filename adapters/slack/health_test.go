package slack

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/pyqbot/pyqbot/adapters/contract"
	"github.com/pyqbot/pyqbot/adapters/slack/slackfake"
	"github.com/pyqbot/pyqbot/bot"
)

// waitHealth waits until the adapter's health satisfies ok, following its changes.
func waitHealth(t *testing.T, a *Adapter, what string, ok func(error) bool) {
	t.Helper()
	contract.WaitHealth(t, &a.health, waitLimit, what, ok)
}

func TestSocketModeHealthFollowsTheConnection(t *testing.T) {
	t.Parallel()
	e := socketEnv(t)
	waitHealth(t, e.a, "connected", func(err error) bool { return err == nil })

	e.fake.Outage() // the websocket drops and reconnecting fails
	waitHealth(t, e.a, "disconnected", func(err error) bool { return errors.Is(err, errDisconnected) })
	if err := e.a.Healthy(context.Background()); !strings.Contains(err.Error(), "socket mode disconnected") {
		t.Errorf("reason = %q, want it to say socket mode is disconnected", err)
	}
	if _, errs := e.obs.snapshot(); !slices.Contains(errs, "slack apps.connections.open 503") {
		t.Errorf("API errors = %v, want the refused reconnect counted", errs)
	}

	e.fake.Restore()
	waitHealth(t, e.a, "connected again", func(err error) bool { return err == nil })
	e.stop()
	if err := e.a.Healthy(context.Background()); err == nil {
		t.Error("healthy after Run returned")
	}
}

func TestAcksAndAPIErrorsAreObserved(t *testing.T) {
	t.Parallel()
	e := newEnv(t, ModeHTTP).start()
	e.signed(PathCommands, formType, slash(e.fake, "U1", "me").Encode())
	e.core.next(t)
	if acks, _ := e.obs.snapshot(); !slices.Equal(acks, []string{"slack"}) {
		t.Errorf("acks = %v, want one for the slash command", acks)
	}
	// A request with a bad signature is refused, not acknowledged.
	if resp := e.raw(PathCommands, formType, slash(e.fake, "U1", "me").Encode(), map[string]string{
		"X-Slack-Request-Timestamp": "1800000000", "X-Slack-Signature": "v0=" + strings.Repeat("0", 64)}); resp.StatusCode != 401 {
		t.Fatalf("badly signed request answered %d, want 401", resp.StatusCode)
	}
	if acks, _ := e.obs.snapshot(); len(acks) != 1 {
		t.Errorf("acks = %v after a refused request, want still one", acks)
	}

	e.fake.Fail("chat.postMessage", slackfake.Failure{Error: "channel_not_found"})
	if _, err := e.a.Send(context.Background(), conv, question(bot.SingleChoice)); err == nil {
		t.Fatal("Send succeeded against channel_not_found")
	}
	if _, errs := e.obs.snapshot(); !slices.Contains(errs, "slack chat.postMessage channel_not_found") {
		t.Errorf("API errors = %v, want chat.postMessage channel_not_found", errs)
	}
}

func TestRedactKeepsResponseURLsOutOfErrors(t *testing.T) {
	t.Parallel()
	secret := "https://hooks.slack.com/actions/T0FAKE/123/s3cr3tT0k3n"
	err := redact(&url.Error{Op: "Post", URL: secret, Err: errors.New("connection reset")})
	if strings.Contains(err.Error(), "s3cr3tT0k3n") || !strings.Contains(err.Error(), "hooks.slack.com") {
		t.Errorf("redacted error = %q", err)
	}
	rl := redact(&slack.RateLimitedError{RetryAfter: time.Second})
	var target *slack.RateLimitedError
	if !errors.As(rl, &target) {
		t.Error("redact hid the error's type")
	}
}
