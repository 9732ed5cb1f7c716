package discord

import (
	"strings"
	"testing"
)

func TestConfigResolve(t *testing.T) {
	t.Parallel()
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }
	where := func(k string) string { return "pyqbot.toml: " + k }
	tests := []struct {
		name string
		cfg  Config
		env  map[string]string
		err  string // substring; "" means it resolves
	}{
		{"token missing", Config{AppID: "1"}, nil, "[discord] token is missing: set it, or the environment variable DISCORD_BOT_TOKEN"},
		{"app id missing", Config{Token: "t"}, nil, "[discord] app_id is missing: set it, or the environment variable DISCORD_APP_ID"},
		{"public key missing in http mode", Config{Mode: "http", Token: "t", AppID: "1"}, nil, "[discord] public_key is missing: set it, or the environment variable DISCORD_PUBLIC_KEY"},
		{"public key not hex", Config{Mode: "http", Token: "t", AppID: "1", PublicKey: "zz"}, nil, "not a 32-byte hex Ed25519 public key"},
		{"bad mode", Config{Mode: "websocket"}, nil, `[discord] mode is not a mode: use "gateway" or "http"`},
		{"bad api url", Config{Token: "t", AppID: "1", APIURL: "localhost:9000"}, nil, "is not an http(s) URL"},
		{"secrets from the environment", Config{Mode: "http"}, map[string]string{EnvToken: "t", EnvAppID: "1", EnvPublicKey: testPublicKeyHex}, ""},
		{"gateway needs no public key", Config{Token: "t", AppID: "1"}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env = tt.env
			got, err := tt.cfg.Resolve(getenv, where)
			switch {
			case tt.err == "" && err != nil:
				t.Fatalf("error %v", err)
			case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
				t.Fatalf("error %v, want it to contain %q", err, tt.err)
			case tt.err == "" && (got.Token == "" || got.AppID == "" || got.Mode == ""):
				t.Errorf("resolved %+v", got)
			}
		})
	}
}

func TestInviteURLAsksForExactlyWhatIsUsed(t *testing.T) {
	t.Parallel()
	// View Channel, Send Messages, Embed Links, Read Message History, Create Public Threads,
	// Send Messages in Threads: 1<<10 | 1<<11 | 1<<14 | 1<<16 | 1<<35 | 1<<38.
	const want = "https://discord.com/oauth2/authorize?client_id=42&permissions=309237730304&scope=bot+applications.commands"
	if got := InviteURL("42"); got != want {
		t.Errorf("InviteURL = %s, want %s", got, want)
	}
}
