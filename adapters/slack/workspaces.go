package slack

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"github.com/slack-go/slack"

	"github.com/pyqbot/pyqbot/bot"
)

// workspaces holds one Web API client per installed workspace (distribution mode), built from the
// workspace's sealed token on first use and dropped when it uninstalls or reinstalls.
type workspaces struct {
	mu      sync.Mutex
	clients map[string]*slack.Client
}

// errNotInstalled is what a post to a workspace without an install gets.
func errNotInstalled(team string) error {
	return fmt.Errorf("slack workspace %s has no install (never installed, or uninstalled): it installs from %s", team, PathInstall)
}

// apiFor is the Web API client that acts in team: the fixed bot token's, or the workspace's own
// from its install.
func (a *Adapter) apiFor(ctx context.Context, team string) (*slack.Client, error) {
	if a.install == nil {
		return a.api, nil
	}
	a.spaces.mu.Lock()
	c, ok := a.spaces.clients[team]
	a.spaces.mu.Unlock()
	if ok {
		return c, nil
	}
	in, err := a.install.store.Install(ctx, Platform, team)
	if errors.Is(err, bot.ErrNotFound) {
		return nil, errNotInstalled(team)
	}
	if err != nil {
		return nil, fmt.Errorf("slack workspace %s: loading its install: %w", team, err)
	}
	token, err := a.install.box.open(team, in.Sealed)
	if err != nil {
		return nil, err
	}
	c = slack.New(token, a.clientOptions()...)
	a.spaces.mu.Lock()
	if a.spaces.clients == nil {
		a.spaces.clients = map[string]*slack.Client{}
	}
	a.spaces.clients[team] = c
	a.spaces.mu.Unlock()
	return c, nil
}

func (a *Adapter) clientOptions() []slack.Option {
	return []slack.Option{slack.OptionAPIURL(a.apiURL), slack.OptionHTTPClient(a.httpc)}
}

func (a *Adapter) forgetClient(team string) {
	a.spaces.mu.Lock()
	delete(a.spaces.clients, team)
	a.spaces.mu.Unlock()
}

// uninstalled handles app_uninstalled and tokens_revoked: the workspace's token is deleted and its
// schedules paused; its history stays for a reinstall. tokens_revoked counts only when it revokes
// the bot token (a user token revoked leaves the bot working).
func (a *Adapter) uninstalled(ctx context.Context, team, why string) {
	if a.install == nil {
		// A fixed-token install cannot reinstall itself: the operator must put a new token in.
		a.log.Error("slack says the app was uninstalled or its token revoked; set a new [slack] bot_token (SLACK_BOT_TOKEN) after reinstalling it", "workspace", team, "event", why)
		return
	}
	removed, err := a.install.store.RemoveInstall(ctx, Platform, team, a.now())
	a.forgetClient(team)
	if err != nil {
		a.log.Error("slack uninstall: deleting the workspace's token failed", "workspace", team, "event", why, "err", err)
		return
	}
	a.log.Info("slack workspace uninstalled: token deleted, schedules paused until a reinstall", "workspace", team, "event", why, "had_install", removed)
}

// registerInstall adds the install flow's pages in distribution mode. They are GETs a browser
// makes, so they carry no Slack signature: the state protects the callback.
func (a *Adapter) registerInstall(mux interface{ Handle(string, http.Handler) }) {
	if a.install == nil {
		return
	}
	mux.Handle("GET "+PathInstall, http.HandlerFunc(a.serveInstall))
	mux.Handle("GET "+PathOAuthCallback, http.HandlerFunc(a.serveCallback))
}
