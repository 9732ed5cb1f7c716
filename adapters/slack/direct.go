package slack

import (
	"context"
	"errors"
	"fmt"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/slack-go/slack"
)

var _ bot.DirectMessenger = (*Adapter)(nil)

// unreachable are the Web API errors that mean Slack will not let the bot message this user
// (conversations.open's documented user errors, and chat.postMessage's for a bot user): trying
// again does not help, so the core records it and `/pyq me` tells the user.
var unreachable = map[string]string{
	"user_not_found":   "Slack does not know your account in this workspace",
	"user_not_visible": "the app is not allowed to see your account (a guest, or a member of another organisation)",
	"user_disabled":    "your Slack account is deactivated",
	"cannot_dm_bot":    "the account is a bot's",
}

// SendDirect sends p to user's direct message with the bot: conversations.open (scope im:write)
// gives the DM's id, then the post goes there as any other (chat.postMessage).
func (a *Adapter) SendDirect(ctx context.Context, conv bot.Conversation, user string, p bot.Post) error {
	api, err := a.apiFor(ctx, conv.Workspace)
	if err != nil {
		return err
	}
	var dm string
	err = a.withRetry(ctx, "conversations.open", func() error {
		ch, _, _, err := api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{user}})
		if err == nil && ch != nil {
			dm = ch.ID
		}
		return err
	})
	if err == nil && dm == "" {
		err = errors.New("conversations.open returned no channel")
	}
	if err != nil {
		return directError("conversations.open", user, err)
	}
	if _, err := a.Send(ctx, bot.Conversation{Platform: Platform, Workspace: conv.Workspace, Channel: dm}, p); err != nil {
		return directError("chat.postMessage", user, err)
	}
	return nil
}

func directError(method, user string, err error) error {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) && unreachable[se.Err] != "" {
		return &bot.Unreachable{Fix: unreachable[se.Err], Err: fmt.Errorf("slack %s to user %s: %w", method, user, err)}
	}
	return fmt.Errorf("slack %s to user %s: %w", method, user, apiError(method, "DM", err))
}
