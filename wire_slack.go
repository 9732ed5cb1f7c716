package main

import (
	"cmp"
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/pyqbot/pyqbot/adapters/slack"
	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/keepalive"
)

// newSlack builds the Slack adapter when [slack] is enabled (nil otherwise), registering its HTTP
// routes on mux (mux.Handle marks the shared server as needed) when it uses HTTP.
func newSlack(_ context.Context, cfg *Config, getenv func(string) string, log *slog.Logger, mux *routes, m bot.PlatformMetrics, store slackStore, inflight *bot.Inflight) (bot.Adapter, error) {
	if !cfg.Slack.Enabled {
		return nil, nil
	}
	s, err := cfg.Slack.Resolve(getenv, cfg.where)
	if err != nil {
		return nil, err
	}
	a := slack.New(slack.Options{Settings: s, Logger: log, Metrics: m, Replays: store, Installs: store, HTTPClient: slackClient(s, inflight)})
	if s.Mode == slack.ModeHTTP {
		a.Register(mux)
	}
	return a, nil
}

// slackClient is the adapter's HTTP client: keepalive's transport (a burst's confirmations reuse
// their connections), with every call it makes outside a command (a late reply through
// response_url, a users.info refresh) listed as work in flight for the shutdown.
func slackClient(s slack.Settings, inflight *bot.Inflight) *http.Client {
	return &http.Client{Timeout: 30 * time.Second, Transport: trackedTransport{base: keepalive.Transport(), inflight: inflight, apiURL: cmp.Or(s.APIURL, slack.DefaultAPIURL)}}
}

// slackStore is what the Slack adapter keeps in the database: Events API event ids (so Slack's
// retries are recognised across restarts) and, when distributed, each workspace's install.
type slackStore interface {
	bot.ReplayStore
	bot.InstallStore
}

// slackWith is newSlack with the store and the list of work in flight.
func slackWith(store slackStore, inflight *bot.Inflight) func(context.Context, *Config, func(string) string, *slog.Logger, *routes, bot.PlatformMetrics) (bot.Adapter, error) {
	return func(ctx context.Context, cfg *Config, getenv func(string) string, log *slog.Logger, mux *routes, m bot.PlatformMetrics) (bot.Adapter, error) {
		return newSlack(ctx, cfg, getenv, log, mux, m, store, inflight)
	}
}

// trackedTransport lists each Slack call that is not part of a command already listed (those are
// counted with their command) as background work, from the request until its body is closed, and
// runs it under the list's context so an abandoned shutdown cancels it.
type trackedTransport struct {
	base     http.RoundTripper
	inflight *bot.Inflight
	apiURL   string // the Web API's base: a call under it is named by its method
}

func (t trackedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.inflight.Within(req.Context()) || t.inflight.Abandoned() {
		// Part of a listed command; or the shutdown has abandoned what was running and this is
		// the "not completed" reply going out in the notice window.
		return t.base.RoundTrip(req)
	}
	what := "response_url" // the only other address the adapter calls
	if method, ok := strings.CutPrefix(req.URL.String(), strings.TrimSuffix(t.apiURL, "/")+"/"); ok {
		what, _, _ = strings.Cut(method, "?") // users.info, chat.postMessage
	}
	ctx, done := t.inflight.Begin(req.Context(), bot.Op{Kind: bot.OpBackground, Conv: bot.Conversation{Platform: slack.Platform}, What: what})
	resp, err := t.base.RoundTrip(req.WithContext(ctx))
	if err != nil {
		done()
		return nil, err
	}
	resp.Body = &doneBody{ReadCloser: resp.Body, done: done}
	return resp, nil
}

// doneBody ends its operation when the body is closed.
type doneBody struct {
	io.ReadCloser
	done func()
}

func (b *doneBody) Close() error {
	err := b.ReadCloser.Close()
	b.done()
	return err
}
