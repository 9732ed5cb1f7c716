// Package slack is the Slack adapter. It translates between Slack and the platform-neutral core.
package slack

// Config is the [slack] section of the configuration.
type Config struct {
	Enabled bool `toml:"enabled"`
}
