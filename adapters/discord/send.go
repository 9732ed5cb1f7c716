package discord

import (
	"context"
	"fmt"

	"github.com/bwmarrin/discordgo"

	"github.com/pyqbot/pyqbot/bot"
)

// threadArchiveMinutes keeps a question's thread open for a week of quiet: the reveal comes the same
// day, a late one still lands in an unarchived thread.
const threadArchiveMinutes = 10080

// Send posts p in the channel. A question (a post with an answer form) gets a thread started from
// it; a post with Thread set goes into that thread. When a thread cannot be created the post goes
// to the channel instead, as a reply to the question, so the question still stands; Send then returns the reference with a *bot.Degraded saying what to fix, for admins.
func (a *Adapter) Send(ctx context.Context, to bot.Conversation, p bot.Post) (bot.MessageRef, error) {
	channel := to.Channel
	var reply *discordgo.MessageReference
	var threadErr error
	if p.Thread != nil {
		var t string
		if t, threadErr = a.threadFor(ctx, *p.Thread); t != "" {
			channel = t
		} else {
			if p.Thread.Channel != "" {
				channel = p.Thread.Channel
			}
			reply = &discordgo.MessageReference{MessageID: p.Thread.ID, ChannelID: channel, FailIfNotExists: new(bool)}
		}
	}
	// A post too big for one message goes out as several, in order; the first is the reference.
	var msg *discordgo.Message
	for i, m := range renderAll(p) {
		send := &discordgo.MessageSend{Content: m.Content, Embeds: m.Embeds, Components: m.Components,
			AllowedMentions: noMentions()}
		if i == 0 {
			send.Reference = reply
		}
		var sent *discordgo.Message
		err := a.call(ctx, "send message", func(opts ...discordgo.RequestOption) (err error) {
			sent, err = a.s.ChannelMessageSendComplex(channel, send, opts...)
			return err
		})
		if err != nil && i == 0 {
			return bot.MessageRef{}, fmt.Errorf("discord: post in channel %s: %w%s", channel, err, permissionHint(err))
		}
		if err != nil {
			// The start is posted and referenced: say what is missing rather than lose the reference.
			return bot.MessageRef{Channel: channel, ID: msg.ID}, &bot.Degraded{Problem: fmt.Sprintf(
				"only the first %d parts of a long post went out in channel %s: %v%s", i, channel, err, permissionHint(err))}
		}
		if i == 0 {
			msg = sent
		}
	}
	ref := bot.MessageRef{Channel: channel, ID: msg.ID}
	if p.Answer != nil && !p.Closed && p.Thread == nil {
		ref.Thread, threadErr = a.startThread(ctx, channel, msg.ID, threadName(p))
	}
	if threadErr != nil {
		return ref, &bot.Degraded{Problem: fmt.Sprintf("could not start a thread in channel %s, so hints and the reveal go to the channel: %v%s",
			to.Channel, threadErr, permissionHint(threadErr))}
	}
	return ref, nil
}

func threadName(p bot.Post) string {
	name := p.Title
	if p.Answer != nil && p.Answer.Ref != "" {
		name = p.Answer.Ref + " " + name
	}
	if name == "" {
		name = "pyqbot"
	}
	return truncate(name, 100)
}

// startThread starts a thread from a message; "" and the error when Discord refuses.
func (a *Adapter) startThread(ctx context.Context, channel, messageID, name string) (string, error) {
	var th *discordgo.Channel
	err := a.call(ctx, "start thread", func(opts ...discordgo.RequestOption) (err error) {
		th, err = a.s.MessageThreadStart(channel, messageID, name, threadArchiveMinutes, opts...)
		return err
	})
	switch {
	case err == nil:
		return th.ID, nil
	case restErrCode(err) == discordgo.ErrCodeThreadAlreadyCreatedForThisMessage:
		return messageID, nil // a thread's id is the id of the message it started from
	}
	return "", err // not logged: Send returns it as a *bot.Degraded, which the core logs
}

// threadFor is the thread of a question message, started now if that failed when it was posted
// (a permission granted since, a passing outage). "" when there is still none.
func (a *Adapter) threadFor(ctx context.Context, ref bot.MessageRef) (string, error) {
	if ref.Thread != "" {
		return ref.Thread, nil
	}
	if ref.Channel == "" || ref.ID == "" {
		return "", nil
	}
	return a.startThread(ctx, ref.Channel, ref.ID, "Answers and hints")
}

// Edit replaces a message the bot sent. A closed question keeps its buttons, disabled: the core's
// closed post has no answer form, so they are copied from the message as it is.
func (a *Adapter) Edit(ctx context.Context, to bot.Conversation, ref bot.MessageRef, p bot.Post) error {
	m := render(p)
	comps := m.Components
	if p.Closed && p.Answer == nil {
		var cur *discordgo.Message
		err := a.call(ctx, "read message", func(opts ...discordgo.RequestOption) (err error) {
			cur, err = a.s.ChannelMessage(ref.Channel, ref.ID, opts...)
			return err
		})
		if err != nil {
			// Still close it: without components nobody can answer.
			a.log.Warn("discord could not read the question to disable its buttons; removing them",
				"workspace", to.Workspace, "channel", ref.Channel, "message", ref.ID, "err", err)
		} else {
			comps = disabled(cur.Components)
		}
	}
	if comps == nil {
		comps = []discordgo.MessageComponent{}
	}
	embeds := m.Embeds
	if embeds == nil {
		embeds = []*discordgo.MessageEmbed{}
	}
	edit := &discordgo.MessageEdit{ID: ref.ID, Channel: ref.Channel, Content: &m.Content, Embeds: &embeds,
		Components: &comps, AllowedMentions: noMentions()}
	err := a.call(ctx, "edit message", func(opts ...discordgo.RequestOption) error {
		_, err := a.s.ChannelMessageEditComplex(edit, opts...)
		return err
	})
	if err != nil {
		return fmt.Errorf("discord: edit message %s in channel %s: %w%s", ref.ID, ref.Channel, err, permissionHint(err))
	}
	return nil
}

// permissionHint says what an admin can do about a refusal.
func permissionHint(err error) string {
	switch restErrCode(err) {
	case discordgo.ErrCodeMissingAccess, discordgo.ErrCodeMissingPermissions:
		return " (give the bot View Channel, Send Messages, Send Messages in Threads, Create Public Threads, Embed Links and Read Message History in this channel)"
	case discordgo.ErrCodeUnknownChannel:
		return " (the channel was deleted or the bot cannot see it)"
	}
	return ""
}
