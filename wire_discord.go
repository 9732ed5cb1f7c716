package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/pyqbot/pyqbot/bot"
)

// newDiscord builds the Discord adapter when [discord] is enabled (nil otherwise), registering its
// HTTP routes on mux when it needs the shared server.
func newDiscord(_ context.Context, cfg *Config, _ func(string) string, _ *slog.Logger, _ *routes) (bot.Adapter, error) {
	if !cfg.Discord.Enabled {
		return nil, nil
	}
	return nil, fmt.Errorf("%s = true, but this build has no Discord adapter yet: set it to false, or use `pyqbot console`", cfg.where("[discord] enabled"))
}
