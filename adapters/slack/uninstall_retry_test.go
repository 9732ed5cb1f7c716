package slack

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

// Slack retries an event with the same event_id, newly signed, so the signature memory does not
// know it; a captured delivery re-sent to another process is unknown there too. An uninstall is
// acted on once: its retry, arriving after the workspace was installed again, must not delete the
// new token and pause the workspace.
func TestUninstallRetryAfterAReinstallKeepsTheNewInstall(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := newDistEnv(t)
	d.start()
	if status, _ := d.install("TA"); status != 200 {
		t.Fatal("install failed")
	}
	if resp := d.signed(PathEvents, "application/json", uninstallEvent("Ev1", "TA", "app_uninstalled")); resp.StatusCode != 200 {
		t.Fatalf("event ack = %d", resp.StatusCode)
	}
	d.a.work.Wait()
	if _, err := d.store.Install(ctx, Platform, "TA"); !errors.Is(err, bot.ErrNotFound) {
		t.Fatalf("TA's token is still stored after the uninstall: %v", err)
	}
	d.clock.Advance(30 * time.Second)
	if status, _ := d.install("TA"); status != 200 {
		t.Fatal("reinstall failed")
	}

	d.clock.Advance(30 * time.Second) // Slack's second try comes a minute after the first
	if resp := d.signed(PathEvents, "application/json", uninstallEvent("Ev1", "TA", "app_uninstalled")); resp.StatusCode != http.StatusOK {
		t.Fatalf("retry ack = %d, want 200 (an event answered otherwise is retried)", resp.StatusCode)
	}
	d.a.work.Wait()
	if _, err := d.store.Install(ctx, Platform, "TA"); err != nil {
		t.Errorf("the retried uninstall deleted the new install: %v", err)
	}
	if _, err := d.a.Send(ctx, bot.Conversation{Platform: Platform, Workspace: "TA", Channel: "CTA"}, bot.Post{Text: "still here"}); err != nil {
		t.Errorf("the reinstalled workspace cannot post after the retry: %v", err)
	}
}
