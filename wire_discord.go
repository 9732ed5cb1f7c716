package main

import (
	"context"
	"log/slog"

	"github.com/pyqbot/pyqbot/adapters/discord"
	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/content"
)

// newDiscord builds the Discord adapter when [discord] is enabled (nil otherwise), registering its
// HTTP routes on mux when it needs the shared server.
func newDiscord(_ context.Context, cfg *Config, getenv func(string) string, log *slog.Logger, mux *routes, m bot.PlatformMetrics) (bot.Adapter, error) {
	if !cfg.Discord.Enabled {
		return nil, nil
	}
	dc, err := cfg.Discord.Resolve(getenv, cfg.where)
	if err != nil {
		return nil, err
	}
	// The topics /pyq practice autocompletes: the same bank the engine loads (built-in plus
	// [content] dirs, minus exclusions); runCmd has already reported any problem with it.
	var topics []string
	if bank, err := content.Bank(content.Options{Dirs: cfg.Content.Dirs, Exclude: cfg.Content.Exclude}); err == nil {
		for _, t := range bank.Topics() {
			topics = append(topics, t.Topic)
		}
	}
	a, err := discord.New(dc, discord.Options{Logger: log.With("platform", "discord"), Topics: topics, Metrics: m})
	if err != nil {
		return nil, err
	}
	if dc.Mode == discord.ModeHTTP {
		mux.Handle("POST "+discord.InteractionsPath, a)
	}
	return a, nil
}
