package slack

import (
	"strings"
	"testing"

	"github.com/pyqbot/pyqbot/adapters/slack/slackfake"
)

// A post Slack refuses is logged once, by the core where it decides what to tell the user, with the
// conversation's platform, workspace and channel; the adapter only returns the error.
func TestARefusedPostIsLoggedOnceWithItsConversation(t *testing.T) {
	t.Parallel()
	e := newEngineEnv(t, designQuestion())
	e.fake.Fail("chat.postMessage", slackfake.Failure{Error: "channel_not_found"})
	if r := e.as("lead", true, "today"); r.Empty() {
		t.Fatal("today answered nothing after Slack refused the post; want a private error")
	}
	var refused []string
	for _, line := range strings.Split(e.logs.String(), "\n") {
		if strings.Contains(line, "channel_not_found") {
			refused = append(refused, line)
		}
	}
	if len(refused) != 1 {
		t.Fatalf("the refused post is logged %d times, want once:\n%s", len(refused), e.logs.String())
	}
	for _, attr := range []string{"platform=slack", "workspace=" + slackfake.TeamID, "channel=C1"} {
		if !strings.Contains(refused[0], attr) {
			t.Errorf("the refusal's line lacks %s: %s", attr, refused[0])
		}
	}
}
