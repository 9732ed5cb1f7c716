package storage

import (
	"errors"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

func TestInstallsPauseAndResumeAWorkspace(t *testing.T) {
	forEachFixture(t, func(t *testing.T, f *fixture) {
		a := bot.Conversation{Platform: "slack", Workspace: "TA", Channel: "C1"}
		b := bot.Conversation{Platform: "slack", Workspace: "TB", Channel: "C2"}
		for _, c := range []bot.Conversation{a, b} {
			if _, err := f.db.EnsureChannel(f.ctx, c, "UTC"); err != nil {
				t.Fatal(err)
			}
			if err := f.db.SaveInstall(f.ctx, bot.Install{Platform: "slack", Workspace: c.Workspace, Name: "Team " + c.Workspace,
				BotUser: "UBOT", Sealed: "sealed-" + c.Workspace, InstalledAt: t0}); err != nil {
				t.Fatal(err)
			}
		}
		channels := func() []string {
			t.Helper()
			chs, err := f.db.Channels(f.ctx)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, ch := range chs {
				out = append(out, ch.Conv.Workspace)
			}
			return out
		}
		if got := channels(); len(got) != 2 {
			t.Fatalf("channels = %v, want both workspaces", got)
		}
		removed, err := f.db.RemoveInstall(f.ctx, "slack", "TA", t0.Add(time.Hour))
		if err != nil || !removed {
			t.Fatalf("RemoveInstall = %v, %v; want true", removed, err)
		}
		if _, err := f.db.Install(f.ctx, "slack", "TA"); !errors.Is(err, bot.ErrNotFound) {
			t.Fatalf("the uninstalled workspace's token is still stored: %v", err)
		}
		if got := channels(); len(got) != 1 || got[0] != "TB" {
			t.Fatalf("channels after uninstalling TA = %v, want only TB's (TA's schedules paused)", got)
		}
		if removed, _ := f.db.RemoveInstall(f.ctx, "slack", "TA", t0.Add(time.Hour)); removed {
			t.Error("a second RemoveInstall reported an install to remove")
		}
		// A reinstall resumes the schedules with the channel (and its history) as it was.
		if err := f.db.SaveInstall(f.ctx, bot.Install{Platform: "slack", Workspace: "TA", Name: "Team TA", BotUser: "UBOT2",
			Sealed: "sealed-again", InstalledAt: t0.Add(2 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
		in, err := f.db.Install(f.ctx, "slack", "TA")
		if err != nil || in.Sealed != "sealed-again" || in.BotUser != "UBOT2" || !in.InstalledAt.Equal(t0.Add(2*time.Hour)) {
			t.Fatalf("Install after reinstall = %+v, %v", in, err)
		}
		if got := channels(); len(got) != 2 {
			t.Fatalf("channels after reinstall = %v, want both", got)
		}
		ch, err := f.db.EnsureChannel(f.ctx, a, "UTC")
		if err != nil || ch.ID != 1 {
			t.Fatalf("the reinstalled workspace's channel = %+v, %v; want the same channel row", ch, err)
		}
	})
}
