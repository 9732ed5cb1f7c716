// Package discord is the Discord adapter. It translates between Discord and the platform-neutral core.
package discord

// Config is the [discord] section of the configuration.
type Config struct {
	Enabled bool `toml:"enabled"`
}
