package main

import (
	"fmt"
	"strings"
	"testing"
)

// A value set in the wrong variable may be a token (PYQBOT_SLACK_ENABLED=xoxb-…), so no error about
// configuration repeats it: each names the setting and what it takes (issue 11 item 13). Every
// PYQBOT_ key is set in turn to a token-shaped value, alone and with each platform enabled, and
// the core's and both adapters' checks are run over it.
func TestConfigErrorsNeverShowTheValue(t *testing.T) {
	t.Parallel()
	const secret = "xoxb-0000-do-not-print-me"
	bases := []map[string]string{
		{},
		{"PYQBOT_SLACK_ENABLED": "true", "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"},
		{"PYQBOT_SLACK_ENABLED": "true", "PYQBOT_SLACK_MODE": "http", "SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "s", "SLACK_SIGNING_SECRET": "s"},
		{"PYQBOT_DISCORD_ENABLED": "true", "DISCORD_BOT_TOKEN": "t", "DISCORD_APP_ID": "1", "DISCORD_PUBLIC_KEY": strings.Repeat("ab", 32)},
	}
	refused := 0
	for _, k := range envKeys() {
		for _, base := range bases {
			env := map[string]string{k.name: secret}
			for n, v := range base {
				if n != k.name {
					env[n] = v
				}
			}
			getenv := func(n string) string { return env[n] }
			c, err := parseConfig("", nil, getenv)
			if err == nil {
				where := func(key string) string { return c.where(key) }
				if c.Slack.Enabled {
					_, err = c.Slack.Resolve(getenv, where)
				}
				if err == nil && c.Discord.Enabled {
					_, err = c.Discord.Resolve(getenv, where)
				}
			}
			if err == nil {
				continue
			}
			refused++
			if strings.Contains(err.Error(), secret) {
				t.Errorf("%s set to a token: the error shows it: %v", k.name, err)
			}
		}
	}
	if refused < 10 {
		t.Fatalf("only %d settings refused a token-shaped value: the test is not reaching the checks", refused)
	}
}

// A token pasted under the wrong key in the file is not quoted back either, while an ordinary
// wrong value still is, so the fix stays easy to see.
func TestConfigFileErrorsDoNotShowATokenShapedValue(t *testing.T) {
	t.Parallel()
	const secret = "xoxb-0000-do-not-print-me"
	for _, kv := range [][2]string{
		{"bot", "timezone"}, {"bot", "reveal_time"}, {"bot", "grace"}, {"bot", "shutdown_grace"},
		{"log", "level"}, {"log", "format"}, {"console", "user"},
	} {
		for _, value := range []string{secret, "0123456789abcdef0123456789abcdef"} {
			src := fmt.Sprintf("[%s]\n%s = %q\n", kv[0], kv[1], value)
			_, err := parseConfig("pyqbot.toml", []byte(src), func(string) string { return "" })
			if err == nil {
				if kv[1] == "user" {
					continue // a console user may be any plain name
				}
				t.Errorf("[%s] %s = %q was accepted", kv[0], kv[1], value)
				continue
			}
			if strings.Contains(err.Error(), value) {
				t.Errorf("[%s] %s: the error shows the token-shaped value: %v", kv[0], kv[1], err)
			}
		}
	}
	_, err := parseConfig("pyqbot.toml", []byte("[log]\nlevel = \"verbose\"\n"), func(string) string { return "" })
	if err == nil || !strings.Contains(err.Error(), `level = "verbose"`) {
		t.Errorf("an ordinary wrong value: %v, want it quoted", err)
	}
}
