package slack

import (
	"context"

	"github.com/slack-go/slack"

	"github.com/pyqbot/pyqbot/bot"
)

// publishHome refreshes the user's Home tab with their own record (`/pyq me`) and the week's
// leaderboard (`/pyq leaderboard`), asked of the core as if typed in the App Home's channel.
func (a *Adapter) publishHome(ctx context.Context, h bot.Handler, team, userID, channel string) {
	// Not an answer, and already after the acknowledgement: the Home tab may wait for users.info.
	user, admin := a.who(ctx, team, userID, "", true)
	ask := func(text string) bot.Post {
		r := a.handle(ctx, h, bot.Event{
			Conv: bot.Conversation{Platform: Platform, Workspace: team, Channel: channel},
			User: user, Admin: admin, Text: text,
		})
		r.Post.Answer = nil // a Home tab has no question to answer
		return r.Post
	}
	view := homeView(ask("me"), ask("leaderboard"))
	api, err := a.apiFor(ctx, team)
	if err == nil {
		err = a.withRetry(ctx, "views.publish", func() error {
			_, err := api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: userID, View: view})
			return err
		})
	}
	if err != nil {
		a.log.Error("slack views.publish (Home tab) failed", "workspace", team, "user", userID, "err", err)
	}
}

// homeView is the Home tab: the user's record, then the team's leaderboard.
func homeView(me, leaderboard bot.Post) slack.HomeTabViewRequest {
	blocks := append(Blocks(me), slack.NewDividerBlock())
	blocks = append(blocks, Blocks(leaderboard)...)
	blocks = append(blocks, slack.NewContextBlock("", mrkdwn("Refreshed each time you open this tab. Type `/pyq help` in a channel for the commands.")))
	return slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocks}}
}
