package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/pyqbot/pyqbot/adapters/discord"
	"github.com/pyqbot/pyqbot/bot"
)

// discordWith is newDiscord with the bank the engine plays, whose topics /pyq practice
// autocompletes, and the store that decides which replica holds the gateway.
func discordWith(bank *bot.Bank, roles roleHolder) func(context.Context, *Config, func(string) string, *slog.Logger, *routes, bot.PlatformMetrics) (bot.Adapter, error) {
	return func(ctx context.Context, cfg *Config, getenv func(string) string, log *slog.Logger, mux *routes, m bot.PlatformMetrics) (bot.Adapter, error) {
		if cfg.Discord.Enabled && roles != nil {
			if err := holdGateway(ctx, cfg, getenv, roles); err != nil {
				return nil, err
			}
		}
		return newDiscord(ctx, cfg, getenv, log, mux, m, bank)
	}
}

// roleHolder is the store's HoldRole: a role one process on the database holds at a time.
type roleHolder interface {
	HoldRole(ctx context.Context, role string) (bool, error)
}

// gatewayRole is held by the replica that runs Discord's gateway session.
const gatewayRole = "discord-gateway"

// holdGateway takes the gateway role when [discord] runs in gateway mode, and refuses to start a
// second gateway replica on the same database: Discord allows one session per shard, and two would
// each receive and answer interactions. (On SQLite the role is always granted: one process.) The
// role ends with the holder's database session, so a replacement for a dead holder starts at once.
func holdGateway(ctx context.Context, cfg *Config, getenv func(string) string, roles roleHolder) error {
	dc, err := cfg.Discord.Resolve(getenv, cfg.where)
	if err != nil || dc.Mode != discord.ModeGateway {
		return nil // newDiscord reports a bad [discord] section
	}
	ok, err := roles.HoldRole(ctx, gatewayRole)
	if err != nil {
		return fmt.Errorf("discord: checking that no other replica holds the gateway: %w", err)
	}
	if !ok {
		return errors.New(`discord: another pyqbot replica on this database holds Discord's gateway session, and Discord allows one: ` +
			`run [discord] mode = "gateway" in one replica only (this one can run without [discord]), ` +
			`or switch every replica to mode = "http" (signed interactions, which any replica answers)`)
	}
	return nil
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
	a, err := discord.New(dc, discord.Options{Logger: log, Topics: topics, Metrics: m})
	if err != nil {
		return nil, err
	}
	if dc.Mode == discord.ModeHTTP {
		mux.Handle("POST "+discord.InteractionsPath, a)
	}
	return a, nil
}
