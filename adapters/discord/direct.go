package discord

import (
	"context"
	"fmt"

	"github.com/bwmarrin/discordgo"

	"github.com/pyqbot/pyqbot/bot"
)

var _ bot.DirectMessenger = (*Adapter)(nil)

// SendDirect sends p to user in a direct message: Create DM (POST /users/@me/channels) gives the DM
// channel with the member, then the post goes there like any other, with mentions off. A member who
// does not accept direct messages from server members is refused with 50007; that error matches
// bot.ErrUnreachable, so the core records it and `/pyq me` tells them.
func (a *Adapter) SendDirect(ctx context.Context, conv bot.Conversation, user string, p bot.Post) error {
	var ch *discordgo.Channel
	err := a.call(ctx, "create DM", func(opts ...discordgo.RequestOption) (err error) {
		ch, err = a.s.UserChannelCreate(user, opts...)
		return err
	})
	if err == nil && (ch == nil || ch.ID == "") {
		err = fmt.Errorf("Discord returned no DM channel")
	}
	if err != nil {
		return directError("create a DM with", user, err)
	}
	p.Thread = nil // a DM has no question thread to answer in
	if _, err := a.Send(ctx, bot.Conversation{Platform: conv.Platform, Workspace: conv.Workspace, Channel: ch.ID}, p); err != nil {
		return directError("send a DM to", user, err)
	}
	return nil
}

// dmFix is what a member who blocks DMs can change.
const dmFix = "you do not accept direct messages from this server's members: allow them in the server's Privacy Settings"

func directError(what, user string, err error) error {
	if restErrCode(err) == discordgo.ErrCodeCannotSendMessagesToThisUser {
		return &bot.Unreachable{Fix: dmFix, Err: fmt.Errorf("discord: could not %s user %s: %w", what, user, err)}
	}
	return fmt.Errorf("discord: could not %s user %s: %w", what, user, err)
}
