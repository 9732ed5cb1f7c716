package slack

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The manifests must ask for what the adapter uses and no more, and point at the paths it serves.
func TestManifestsMatchTheAdapter(t *testing.T) {
	t.Parallel()
	scope := regexp.MustCompile(`(?m)^      - ([a-z:.]+)$`)
	for file, socket := range map[string]bool{"manifest-socket.yaml": true, "manifest-http.yaml": false, "manifest-distribution.yaml": false} {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		m := string(raw)
		var scopes []string
		for _, s := range scope.FindAllStringSubmatch(m, -1) {
			scopes = append(scopes, s[1])
		}
		if !slices.Equal(scopes, BotScopes) {
			t.Errorf("%s: bot scopes %v, want exactly %v (BotScopes, which the install link asks for)", file, scopes, BotScopes)
		}
		// Distribution needs the redirect the install flow uses and the events that end an install.
		distributed := file == "manifest-distribution.yaml"
		for _, want := range []string{"redirect_urls:\n    - https://pyqbot.example.com" + PathOAuthCallback, "- app_uninstalled", "- tokens_revoked"} {
			if got := strings.Contains(m, want); got != distributed {
				t.Errorf("%s: %q present = %v, want %v", file, want, got, distributed)
			}
		}
		for _, want := range []string{"command: /pyq", "home_tab_enabled: true", "- app_home_opened", "is_enabled: true"} {
			if !strings.Contains(m, want) {
				t.Errorf("%s lacks %q", file, want)
			}
		}
		if got := strings.Contains(m, "socket_mode_enabled: true"); got != socket {
			t.Errorf("%s: socket_mode_enabled true = %v, want %v", file, got, socket)
		}
		for _, path := range []string{PathCommands, PathEvents, PathInteractions} {
			if got := strings.Contains(m, "https://pyqbot.example.com"+path); got == socket {
				t.Errorf("%s: request URL for %s present = %v", file, path, got)
			}
		}
	}
}
