package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/pyqbot/pyqbot/bot"
)

// newSlack builds the Slack adapter when [slack] is enabled (nil otherwise), registering its HTTP
// routes on mux (mux.Handle marks the shared server as needed) when it uses HTTP.
func newSlack(_ context.Context, cfg *Config, _ func(string) string, _ *slog.Logger, _ *routes) (bot.Adapter, error) {
	if !cfg.Slack.Enabled {
		return nil, nil
	}
	return nil, fmt.Errorf("%s = true, but this build has no Slack adapter yet: set it to false, or use `pyqbot console`", cfg.where("[slack] enabled"))
}
