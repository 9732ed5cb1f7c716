package bot

import (
	"context"
	"time"
)

// Install is a workspace's installation of the bot where a platform installs an app per workspace
// (Slack's OAuth distribution): which workspace, and its credentials sealed by the adapter, so the
// store never holds a token in clear and the core never reads one.
type Install struct {
	Platform    string
	Workspace   string // the platform's workspace id (Slack team id)
	Name        string // the workspace's name when installed, for logs and the success page
	BotUser     string // the bot's user id in that workspace
	Sealed      string // the adapter's sealed credentials
	InstalledAt time.Time
}

// InstallStore keeps installs. Removing one pauses the workspace's schedules and keeps its history,
// so a reinstall (SaveInstall again) resumes them where they were.
type InstallStore interface {
	// SaveInstall stores or replaces the workspace's install and resumes its schedules.
	SaveInstall(ctx context.Context, in Install) error
	// Install returns the workspace's install; ErrNotFound when it has none.
	Install(ctx context.Context, platform, workspace string) (Install, error)
	// RemoveInstall deletes the workspace's credentials and pauses its schedules, reporting whether
	// there was an install to remove.
	RemoveInstall(ctx context.Context, platform, workspace string, at time.Time) (bool, error)
}
