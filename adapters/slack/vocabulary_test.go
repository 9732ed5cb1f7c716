package slack

import (
	"os"
	"regexp"
	"testing"

	"github.com/pyqbot/pyqbot/bot"
)

// The manifests are YAML a person pastes into Slack, so they cannot be generated; this keeps their
// usage hint in step with the core's vocabulary.
func TestManifestUsageHintListsTheCoreCommands(t *testing.T) {
	t.Parallel()
	hint := regexp.MustCompile(`(?m)^\s*usage_hint: "(.*)"$`)
	for _, file := range []string{"manifest-socket.yaml", "manifest-http.yaml"} {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		m := hint.FindStringSubmatch(string(raw))
		if m == nil {
			t.Fatalf("%s has no usage_hint", file)
		}
		if got, want := m[1], bot.CommandUsage(); got != want {
			t.Errorf("%s: usage_hint %q, want the core's %q (bot.CommandUsage)", file, got, want)
		}
	}
}
