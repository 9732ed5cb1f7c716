package slack

import (
	"context"
	"errors"
	"net/url"
	"regexp"
	"strconv"

	"github.com/slack-go/slack"
)

// Why the adapter does not serve, as a.health holds it for /healthz (nil while it serves), before
// Run serves and after it returns. In between, HTTP mode is healthy and Socket Mode's states follow
// slack-go's connection events (socket.go).
var (
	errStarting = errors.New("starting: auth.test has not succeeded yet")
	errStopped  = errors.New("stopped")
)

// Healthy reports whether the adapter serves Slack now (see a.health).
func (a *Adapter) Healthy(ctx context.Context) error { return a.health.Healthy(ctx) }

// apiFailed reports a failed Web API call to the metrics, with Slack's own error string as the code
// ("channel_not_found", "ratelimited"), or the HTTP status or "network" when Slack gave none.
func (a *Adapter) apiFailed(method string, err error) {
	if err == nil {
		return
	}
	a.metrics.APIError(Platform, method, errorCode(err))
}

func errorCode(err error) string {
	var se slack.SlackErrorResponse
	var rl *slack.RateLimitedError
	var sc slack.StatusCodeError
	switch {
	case errors.As(err, &se):
		return se.Err
	case errors.As(err, &rl):
		return "ratelimited"
	case errors.As(err, &sc):
		return strconv.Itoa(sc.Code)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	}
	return "network"
}

// anyURL matches a URL in an error message.
var anyURL = regexp.MustCompile(`(?i)\b(https?|wss?)://[^\s"']+`)

// redact keeps URLs that carry a secret out of errors, which end up in logs: a response_url lets
// anyone post as the app for 30 minutes, and a Socket Mode URL carries a connection ticket.
// net/http's errors quote the whole URL, so only its scheme and host are kept.
func redact(err error) error {
	if err == nil {
		return nil
	}
	msg := anyURL.ReplaceAllStringFunc(err.Error(), func(s string) string {
		u, perr := url.Parse(s)
		if perr != nil || u.Host == "" {
			return "[url]"
		}
		return u.Scheme + "://" + u.Host + "/[redacted]"
	})
	if msg == err.Error() {
		return err
	}
	return redactedError{msg: msg, err: err}
}

// redactedError shows the redacted text but still unwraps, so errors.As finds Slack's error types.
type redactedError struct {
	msg string
	err error
}

func (e redactedError) Error() string { return e.msg }
func (e redactedError) Unwrap() error { return e.err }
