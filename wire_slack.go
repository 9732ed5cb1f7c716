package main

import (
	"context"
	"log/slog"

	"github.com/pyqbot/pyqbot/adapters/slack"
	"github.com/pyqbot/pyqbot/bot"
)

// newSlack builds the Slack adapter when [slack] is enabled (nil otherwise), registering its HTTP
// routes on mux (mux.Handle marks the shared server as needed) when it uses HTTP.
func newSlack(_ context.Context, cfg *Config, getenv func(string) string, log *slog.Logger, mux *routes, m bot.PlatformMetrics, store slackStore) (bot.Adapter, error) {
	if !cfg.Slack.Enabled {
		return nil, nil
	}
	s, err := cfg.Slack.Resolve(getenv, cfg.where)
	if err != nil {
		return nil, err
	}
	a := slack.New(slack.Options{Settings: s, Logger: log.With("platform", slack.Platform), Metrics: m, Replays: store, Installs: store})
	if s.Mode == slack.ModeHTTP {
		a.Register(mux)
	}
	return a, nil
}

// slackStore is what the Slack adapter keeps in the database: Events API event ids (so Slack's
// retries are recognised across restarts) and, when distributed, each workspace's install.
type slackStore interface {
	bot.ReplayStore
	bot.InstallStore
}

// slackWith is newSlack with the store.
func slackWith(store slackStore) func(context.Context, *Config, func(string) string, *slog.Logger, *routes, bot.PlatformMetrics) (bot.Adapter, error) {
	return func(ctx context.Context, cfg *Config, getenv func(string) string, log *slog.Logger, mux *routes, m bot.PlatformMetrics) (bot.Adapter, error) {
		return newSlack(ctx, cfg, getenv, log, mux, m, store)
	}
}
