package main

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/pyqbot/pyqbot/adapters/slack"
	"github.com/pyqbot/pyqbot/bot"
)

// newSlack builds the Slack adapter when [slack] is enabled (nil otherwise), registering its HTTP
// routes on mux (mux.Handle marks the shared server as needed) when it uses HTTP.
func newSlack(_ context.Context, cfg *Config, getenv func(string) string, log *slog.Logger, mux *routes) (bot.Adapter, error) {
	if !cfg.Slack.Enabled {
		return nil, nil
	}
	s, err := cfg.Slack.Resolve(getenv, cfg.where)
	if err != nil {
		return nil, err
	}
	a := slack.New(slack.Options{Settings: s, Logger: log.With("adapter", "slack")})
	if s.Mode == slack.ModeHTTP {
		a.Register(mux)
		// Another adapter may already serve /healthz on the shared server; one is enough.
		if _, pattern := mux.ServeMux.Handler(&http.Request{Method: http.MethodGet, URL: &url.URL{Path: "/healthz"}}); pattern == "" {
			mux.Handle("GET /healthz", a.Health())
		}
	}
	return a, nil
}
