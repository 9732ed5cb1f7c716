// Package discord is the Discord adapter. It translates between Discord and the platform-neutral core.
package discord

import (
	"crypto/ed25519"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
)

// Config is the [discord] section of the configuration.
type Config struct {
	Enabled bool `toml:"enabled"`
	// Mode is "gateway" (default: interactions arrive over a websocket the bot opens) or "http"
	// (Discord POSTs them to /discord/interactions on the shared HTTP server).
	Mode string `toml:"mode"`
	// Token, AppID and PublicKey may instead come from DISCORD_BOT_TOKEN, DISCORD_APP_ID and
	// DISCORD_PUBLIC_KEY. PublicKey is only needed in http mode.
	Token     string `toml:"token"`
	AppID     string `toml:"app_id"`
	PublicKey string `toml:"public_key"`
	// APIURL replaces https://discord.com for REST calls (tests, a local fake).
	APIURL string `toml:"api_url"`
	// Guilds get the /pyq command at once; with none, it is registered globally (Discord takes a
	// while to show global commands).
	Guilds []string `toml:"guilds"`
	// Admins are user ids allowed admin commands without the Manage Server permission.
	Admins []string `toml:"admins"`
}

// Modes.
const (
	ModeGateway = "gateway"
	ModeHTTP    = "http"
)

// Environment variables that stand in for the secrets.
const (
	EnvToken     = "DISCORD_BOT_TOKEN"
	EnvAppID     = "DISCORD_APP_ID"
	EnvPublicKey = "DISCORD_PUBLIC_KEY"
)

// Resolve fills the secrets from getenv where the config leaves them empty and checks everything.
// where names a config key for error messages (e.g. "pyqbot.toml: [discord] token").
func (c Config) Resolve(getenv func(string) string, where func(string) string) (Config, error) {
	if c.Mode == "" {
		c.Mode = ModeGateway
	}
	if c.Mode != ModeGateway && c.Mode != ModeHTTP {
		return c, fmt.Errorf("%s is not a mode: use \"gateway\" or \"http\"", where("[discord] mode"))
	}
	fill := func(v *string, key, env string) error {
		if strings.TrimSpace(*v) == "" {
			*v = strings.TrimSpace(getenv(env))
		}
		if *v == "" {
			return fmt.Errorf("%s is missing: set it, or the environment variable %s (see adapters/discord/README.md)", where("[discord] "+key), env)
		}
		return nil
	}
	if err := fill(&c.Token, "token", EnvToken); err != nil {
		return c, err
	}
	if err := fill(&c.AppID, "app_id", EnvAppID); err != nil {
		return c, err
	}
	if c.Mode == ModeHTTP {
		if err := fill(&c.PublicKey, "public_key", EnvPublicKey); err != nil {
			return c, err
		}
		if _, err := c.publicKey(); err != nil {
			return c, fmt.Errorf("%s: %v (copy the Public Key from the Developer Portal's General Information page, or set %s)", where("[discord] public_key"), err, EnvPublicKey)
		}
	}
	if c.APIURL != "" {
		u, err := url.Parse(c.APIURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return c, fmt.Errorf("%s is not an http(s) URL: use e.g. \"http://127.0.0.1:9000\", or leave it out for Discord's", where("[discord] api_url"))
		}
	}
	return c, nil
}

func (c Config) publicKey() (ed25519.PublicKey, error) {
	b, err := hex.DecodeString(strings.TrimSpace(c.PublicKey))
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("not a %d-byte hex Ed25519 public key", ed25519.PublicKeySize)
	}
	return ed25519.PublicKey(b), nil
}
