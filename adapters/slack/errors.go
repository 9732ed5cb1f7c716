package slack

import (
	"errors"
	"fmt"

	"github.com/slack-go/slack"
)

// fixes says what to do about the Web API errors a team lead can fix.
var fixes = map[string]string{
	"channel_not_found":   "the channel does not exist or the bot cannot see it: for a private channel, invite the bot with /invite @pyqbot",
	"not_in_channel":      "the bot is not in the channel: invite it with /invite @pyqbot",
	"is_archived":         "the channel is archived: unarchive it, or stop its jobs with /pyq schedule off JOB",
	"invalid_auth":        "the bot token is not valid: check [slack] bot_token or SLACK_BOT_TOKEN",
	"not_authed":          "no bot token was sent: set [slack] bot_token or SLACK_BOT_TOKEN",
	"token_revoked":       "the bot token was revoked: reinstall the app and use the new token",
	"account_inactive":    "the bot token belongs to a deleted app or user: reinstall the app",
	"missing_scope":       "the app lacks a scope: reinstall it from adapters/slack/manifest-*.yaml",
	"msg_too_long":        "the message is too long for Slack",
	"invalid_blocks":      "Slack refused the message layout: report this as a pyqbot bug",
	"msg_blocks_too_long": "the message carries more text than Slack takes in one message: report this as a pyqbot bug",
}

// apiError names the method and channel and, for errors a person can fix, says how.
func apiError(method, channel string, err error) error {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		if fix, ok := fixes[se.Err]; ok {
			return fmt.Errorf("slack %s in channel %s: %w: %s", method, channel, err, fix)
		}
	}
	return fmt.Errorf("slack %s in channel %s: %w", method, channel, err)
}
