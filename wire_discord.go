package main

import (
	"context"
	"log/slog"

	"github.com/pyqbot/pyqbot/adapters/discord"
	"github.com/pyqbot/pyqbot/bot"
)

// discordWith is newDiscord with the bank the engine plays, whose topics /pyq practice autocompletes.
func discordWith(bank *bot.Bank) func(context.Context, *Config, func(string) string, *slog.Logger, *routes, bot.PlatformMetrics) (bot.Adapter, error) {
	return func(ctx context.Context, cfg *Config, getenv func(string) string, log *slog.Logger, mux *routes, m bot.PlatformMetrics) (bot.Adapter, error) {
		return newDiscord(ctx, cfg, getenv, log, mux, m, bank)
	}
}

// newDiscord builds the Discord adapter when [discord] is enabled (nil otherwise), registering its
// HTTP routes on mux when it needs the shared server.
func newDiscord(_ context.Context, cfg *Config, getenv func(string) string, log *slog.Logger, mux *routes, m bot.PlatformMetrics, bank *bot.Bank) (bot.Adapter, error) {
	if !cfg.Discord.Enabled {
		return nil, nil
	}
	dc, err := cfg.Discord.Resolve(getenv, cfg.where)
	if err != nil {
		return nil, err
	}
	// The topics /pyq practice autocompletes: those of the bank the engine plays, loaded once.
	var topics []string
	if bank != nil {
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
