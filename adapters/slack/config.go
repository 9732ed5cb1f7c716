// Package slack is the Slack adapter. It translates between Slack and the platform-neutral core:
// `/pyq` slash commands, Block Kit buttons, checkboxes and modals become bot.Events; bot.Posts become
// Block Kit messages. It speaks Socket Mode (no public URL) or signed HTTP requests.
package slack

import (
	"fmt"
	"net/url"
	"strings"
)

// Config is the [slack] section of the configuration. A secret left empty here is read from the
// environment (SLACK_BOT_TOKEN, SLACK_APP_TOKEN, SLACK_SIGNING_SECRET), so it need not be in a file.
type Config struct {
	Enabled bool `toml:"enabled"`
	// Mode is "socket" (default: Socket Mode, no public URL) or "http" (Slack calls [http] listen).
	Mode string `toml:"mode"`
	// APIURL is the Web API base URL; default Slack's. Tests and local fakes point it elsewhere.
	APIURL        string   `toml:"api_url"`
	BotToken      string   `toml:"bot_token"`
	AppToken      string   `toml:"app_token"`
	SigningSecret string   `toml:"signing_secret"`
	Admins        []string `toml:"admins"` // user ids allowed admin commands besides workspace admins
}

// Modes.
const (
	ModeSocket = "socket"
	ModeHTTP   = "http"
)

// DefaultAPIURL is Slack's Web API.
const DefaultAPIURL = "https://slack.com/api/"

// Settings is a Config with defaults applied and secrets resolved: what New needs.
type Settings struct {
	Mode          string
	APIURL        string
	BotToken      string
	AppToken      string // Socket Mode only
	SigningSecret string // HTTP mode only
	Admins        []string
}

// Resolve applies defaults, reads missing secrets through getenv and checks the result. where
// turns a key such as "[slack] bot_token" into the place to fix it (e.g. prefixed with the file).
func (c Config) Resolve(getenv func(string) string, where func(string) string) (Settings, error) {
	s := Settings{Mode: strings.ToLower(strings.TrimSpace(c.Mode)), APIURL: strings.TrimSpace(c.APIURL), Admins: c.Admins}
	if s.Mode == "" {
		s.Mode = ModeSocket
	}
	if s.Mode != ModeSocket && s.Mode != ModeHTTP {
		return Settings{}, fmt.Errorf("%s = %q: use \"socket\" (Socket Mode, no public URL needed) or \"http\" (Slack calls your [http] listen address)", where("[slack] mode"), c.Mode)
	}
	if s.APIURL == "" {
		s.APIURL = DefaultAPIURL
	}
	if u, err := url.Parse(s.APIURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return Settings{}, fmt.Errorf("%s = %q is not an http(s) URL: leave it empty for Slack's %s", where("[slack] api_url"), c.APIURL, DefaultAPIURL)
	}
	if !strings.HasSuffix(s.APIURL, "/") {
		s.APIURL += "/" // slack-go joins the method name straight onto it
	}
	secret := func(value, key, env, prefix, what string) (string, error) {
		v := strings.TrimSpace(value)
		if v == "" {
			v = strings.TrimSpace(getenv(env))
		}
		if v == "" {
			return "", fmt.Errorf("the Slack %s is missing: set %s or the environment variable %s (adapters/slack/README.md shows where to find it)", what, where("[slack] "+key), env)
		}
		if prefix != "" && !strings.HasPrefix(v, prefix) {
			return "", fmt.Errorf("the Slack %s (%s or %s) should start with %q: check you did not swap the bot token and the app-level token", what, where("[slack] "+key), env, prefix)
		}
		return v, nil
	}
	var err error
	if s.BotToken, err = secret(c.BotToken, "bot_token", "SLACK_BOT_TOKEN", "xoxb-", "bot token"); err != nil {
		return Settings{}, err
	}
	if s.Mode == ModeSocket {
		if s.AppToken, err = secret(c.AppToken, "app_token", "SLACK_APP_TOKEN", "xapp-", "app-level token (Socket Mode)"); err != nil {
			return Settings{}, err
		}
	} else if s.SigningSecret, err = secret(c.SigningSecret, "signing_secret", "SLACK_SIGNING_SECRET", "", "signing secret (HTTP mode)"); err != nil {
		return Settings{}, err
	}
	for _, id := range s.Admins {
		if id == "" || strings.ContainsAny(id, " <>@") {
			return Settings{}, fmt.Errorf("%s: %q is not a Slack user id: use ids like \"U012AB3CD\" (profile → ⋮ → Copy member ID)", where("[slack] admins"), id)
		}
	}
	return s, nil
}
