package slack

import (
	"testing"

	"github.com/pyqbot/pyqbot/internal/testkit"
)

func TestResolve(t *testing.T) {
	t.Parallel()
	where := func(k string) string { return "pyqbot.toml: " + k }
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	tests := []struct {
		name    string
		cfg     Config
		env     map[string]string
		wantErr []string
		check   func(t *testing.T, s Settings)
	}{
		{name: "socket from the environment", env: map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"},
			check: func(t *testing.T, s Settings) {
				if s.Mode != ModeSocket || s.BotToken != "xoxb-1" || s.AppToken != "xapp-1" || s.APIURL != DefaultAPIURL {
					t.Errorf("settings = %+v", s)
				}
			}},
		{name: "config wins over the environment", cfg: Config{Mode: "http", BotToken: "xoxb-cfg", SigningSecret: "s", APIURL: "http://127.0.0.1:1/api"},
			env: map[string]string{"SLACK_BOT_TOKEN": "xoxb-env"},
			check: func(t *testing.T, s Settings) {
				if s.BotToken != "xoxb-cfg" || s.APIURL != "http://127.0.0.1:1/api/" || s.AppToken != "" {
					t.Errorf("settings = %+v", s)
				}
			}},
		{name: "missing bot token", env: map[string]string{"SLACK_APP_TOKEN": "xapp-1"}, wantErr: []string{"pyqbot.toml: [slack] bot_token", "SLACK_BOT_TOKEN"}},
		{name: "missing app token in socket mode", env: map[string]string{"SLACK_BOT_TOKEN": "xoxb-1"}, wantErr: []string{"[slack] app_token", "SLACK_APP_TOKEN"}},
		{name: "missing signing secret in http mode", cfg: Config{Mode: "http"}, env: map[string]string{"SLACK_BOT_TOKEN": "xoxb-1"}, wantErr: []string{"[slack] signing_secret", "SLACK_SIGNING_SECRET"}},
		{name: "swapped tokens", env: map[string]string{"SLACK_BOT_TOKEN": "xapp-1", "SLACK_APP_TOKEN": "xoxb-1"}, wantErr: []string{"should start with \"xoxb-\"", "swap"}},
		{name: "bad mode", cfg: Config{Mode: "websocket"}, wantErr: []string{"[slack] mode", "\"socket\""}},
		{name: "bad api_url", cfg: Config{APIURL: "slack.com/api"}, env: map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}, wantErr: []string{"[slack] api_url"}},
		{name: "distribution from the environment", cfg: Config{Mode: "http", PublicURL: "https://pyq.example.com/"},
			env: map[string]string{"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "cs", "PYQBOT_SLACK_TOKEN_KEY": "abababababababababababababababababababababababababababababababab", "SLACK_SIGNING_SECRET": "s"},
			check: func(t *testing.T, s Settings) {
				if !s.Distribution() || s.ClientSecret != "cs" || len(s.TokenKey) != 32 || s.BotToken != "" ||
					s.RedirectURL != "https://pyq.example.com/slack/oauth/callback" {
					t.Errorf("settings = %+v", s)
				}
			}},
		{name: "distribution needs http mode", cfg: Config{ClientID: "1.2", ClientSecret: "cs"}, wantErr: []string{"[slack] client_id", "[slack] mode", "\"http\""}},
		{name: "distribution needs a token key", cfg: Config{Mode: "http", ClientID: "1.2", ClientSecret: "cs", PublicURL: "https://p.example"},
			wantErr: []string{"[slack] token_key", "PYQBOT_SLACK_TOKEN_KEY", "openssl rand -hex 32"}},
		{name: "distribution with a short key", cfg: Config{Mode: "http", ClientID: "1.2", ClientSecret: "cs", TokenKey: "c2hvcnQ=", PublicURL: "https://p.example"},
			wantErr: []string{"[slack] token_key", "5 bytes, want 32"}},
		{name: "distribution needs a client secret", cfg: Config{Mode: "http", ClientID: "1.2"}, wantErr: []string{"[slack] client_secret", "SLACK_CLIENT_SECRET"}},
		{name: "distribution needs the public url", cfg: Config{Mode: "http", ClientID: "1.2", ClientSecret: "cs", TokenKey: "abababababababababababababababababababababababababababababababab"},
			wantErr: []string{"[slack] public_url", "/slack/oauth/callback"}},
		{name: "distribution and a fixed token", cfg: Config{Mode: "http", ClientID: "1.2", ClientSecret: "cs", TokenKey: "abababababababababababababababababababababababababababababababab", PublicURL: "https://p.example", BotToken: "xoxb-1"},
			wantErr: []string{"[slack] client_id", "[slack] bot_token", "both set"}},
		{name: "bad admin id", cfg: Config{Admins: []string{"<@U1>"}}, env: map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}, wantErr: []string{"[slack] admins", "member ID"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := tt.cfg.Resolve(env(tt.env), where)
			if testkit.WantError(t, err, tt.wantErr...) {
				return
			}
			tt.check(t, s)
		})
	}
}
