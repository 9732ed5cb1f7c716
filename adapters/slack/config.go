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
	// Distribution (any workspace installs the app through OAuth v2; HTTP mode only). ClientID and
	// ClientSecret fall back to SLACK_CLIENT_ID and SLACK_CLIENT_SECRET; bot_token is then not used.
	ClientID     string `toml:"client_id"`
	ClientSecret string `toml:"client_secret"`
	// TokenKey seals the workspaces' bot tokens in the database (32 bytes, hex or base64).
	TokenKey string `toml:"token_key"`
	// PublicURL is where Slack reaches this bot (https://pyq.example.com): the OAuth redirect is
	// PublicURL + /slack/oauth/callback and must be listed in the app's redirect URLs.
	PublicURL string `toml:"public_url"`
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
	// Distribution: set when ClientID is; then BotToken is empty and each workspace's token is the
	// one its install stored.
	ClientID     string
	ClientSecret string
	TokenKey     []byte
	RedirectURL  string
}

// Distribution reports whether any workspace may install the app (OAuth v2), rather than one
// workspace with a fixed bot token.
func (s Settings) Distribution() bool { return s.ClientID != "" }

// Resolve applies defaults, reads missing secrets through getenv and checks the result. where
// turns a key such as "[slack] bot_token" into the place to fix it (e.g. prefixed with the file).
func (c Config) Resolve(getenv func(string) string, where func(string) string) (Settings, error) {
	s := Settings{Mode: strings.ToLower(strings.TrimSpace(c.Mode)), APIURL: strings.TrimSpace(c.APIURL), Admins: c.Admins}
	if s.Mode == "" {
		s.Mode = ModeSocket
	}
	if s.Mode != ModeSocket && s.Mode != ModeHTTP {
		return Settings{}, fmt.Errorf("%s is not a mode: use \"socket\" (Socket Mode, no public URL needed) or \"http\" (Slack calls your [http] listen address)", where("[slack] mode"))
	}
	if s.APIURL == "" {
		s.APIURL = DefaultAPIURL
	}
	if u, err := url.Parse(s.APIURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return Settings{}, fmt.Errorf("%s is not an http(s) URL: leave it empty for Slack's %s", where("[slack] api_url"), DefaultAPIURL)
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
	s.ClientID = strings.TrimSpace(c.ClientID)
	if s.ClientID == "" {
		s.ClientID = strings.TrimSpace(getenv("SLACK_CLIENT_ID"))
	}
	if s.Distribution() {
		if err := c.resolveDistribution(&s, getenv, where, secret); err != nil {
			return Settings{}, err
		}
	} else if s.BotToken, err = secret(c.BotToken, "bot_token", "SLACK_BOT_TOKEN", "xoxb-", "bot token"); err != nil {
		return Settings{}, err
	}
	if s.Mode == ModeSocket {
		if s.AppToken, err = secret(c.AppToken, "app_token", "SLACK_APP_TOKEN", "xapp-", "app-level token (Socket Mode)"); err != nil {
			return Settings{}, err
		}
	} else if s.SigningSecret, err = secret(c.SigningSecret, "signing_secret", "SLACK_SIGNING_SECRET", "", "signing secret (HTTP mode)"); err != nil {
		return Settings{}, err
	}
	for i, id := range s.Admins {
		if id == "" || strings.ContainsAny(id, " <>@") {
			return Settings{}, fmt.Errorf("%s: entry %d is not a Slack user id: use ids like \"U012AB3CD\" (profile → ⋮ → Copy member ID)", where("[slack] admins"), i+1)
		}
	}
	return s, nil
}

// resolveDistribution checks what the OAuth install flow needs. No error carries a secret's value.
func (c Config) resolveDistribution(s *Settings, getenv func(string) string, where func(string) string,
	secret func(value, key, env, prefix, what string) (string, error)) error {
	if s.Mode != ModeHTTP {
		return fmt.Errorf("%s is set, so any workspace can install the app: that needs %s = \"http\" (Slack sends a distributed app's events to a public URL, not over Socket Mode)", where("[slack] client_id"), where("[slack] mode"))
	}
	var err error
	if s.ClientSecret, err = secret(c.ClientSecret, "client_secret", "SLACK_CLIENT_SECRET", "", "client secret (Basic Information → App Credentials)"); err != nil {
		return err
	}
	key := strings.TrimSpace(c.TokenKey)
	if key == "" {
		key = strings.TrimSpace(getenv("PYQBOT_SLACK_TOKEN_KEY"))
	}
	if key == "" {
		return fmt.Errorf("%s (or PYQBOT_SLACK_TOKEN_KEY) is missing: installs store each workspace's bot token sealed with it; make one with `openssl rand -hex 32` and keep it with your other secrets", where("[slack] token_key"))
	}
	if s.TokenKey, err = parseTokenKey(key); err != nil {
		return fmt.Errorf("%s (or PYQBOT_SLACK_TOKEN_KEY) is not a 32-byte key: %v; make one with `openssl rand -hex 32`", where("[slack] token_key"), err)
	}
	pub := strings.TrimRight(strings.TrimSpace(c.PublicURL), "/")
	u, perr := url.Parse(pub)
	if pub == "" || perr != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || u.RawQuery != "" {
		return fmt.Errorf("%s is not an https address: set the one Slack reaches this bot at (e.g. \"https://pyq.example.com\"); the OAuth redirect is that plus %s", where("[slack] public_url"), PathOAuthCallback)
	}
	s.RedirectURL = pub + PathOAuthCallback
	if strings.TrimSpace(c.BotToken) != "" {
		return fmt.Errorf("%s and %s are both set: a distributed app uses each workspace's own token from its install; remove bot_token", where("[slack] client_id"), where("[slack] bot_token"))
	}
	return nil
}
