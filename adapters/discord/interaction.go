package discord

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/pyqbot/pyqbot/bot"
)

// responder sends the one initial response an interaction gets: over REST in gateway mode, as the
// HTTP response body in http mode. The response is a *discordgo.InteractionResponse or, where
// discordgo's types cannot say what Discord needs, a struct of this package (autocompleteResult).
type responder func(resp any) error

// incoming is an interaction with what discordgo v0.29.0 does not decode: the channel object, which
// says whether the command was typed inside a thread.
type incoming struct {
	*discordgo.Interaction
	channelType int
	parentID    string
	replayKey   string // bot.Event.ReplayKey: the request's signature (http), the interaction id (gateway)
	// replace makes the reply take the place of the private message whose control was used (the
	// rubric checklist: the saved result stands where it was, as on Slack), instead of adding one.
	replace bool
}

func parseInteraction(raw []byte) (incoming, error) {
	var i discordgo.Interaction
	if err := json.Unmarshal(raw, &i); err != nil {
		return incoming{}, err
	}
	var extra struct {
		Channel *struct {
			Type     int    `json:"type"`
			ParentID string `json:"parent_id"`
		} `json:"channel"`
	}
	_ = json.Unmarshal(raw, &extra) // decoded once already; a missing channel object is fine
	in := incoming{Interaction: &i}
	if extra.Channel != nil {
		in.channelType, in.parentID = extra.Channel.Type, extra.Channel.ParentID
	}
	return in, nil
}

// event is who did what, where. A command typed in a question's thread counts in the thread's
// channel, so `/pyq answer` there answers that channel's question.
func (a *Adapter) event(in incoming, text string) (bot.Event, bool) {
	if in.GuildID == "" || in.Member == nil || in.Member.User == nil {
		return bot.Event{}, false
	}
	channel := in.ChannelID
	switch discordgo.ChannelType(in.channelType) {
	case discordgo.ChannelTypeGuildPublicThread, discordgo.ChannelTypeGuildPrivateThread, discordgo.ChannelTypeGuildNewsThread:
		if in.parentID != "" {
			channel = in.parentID
		}
	}
	u := in.Member.User
	name := in.Member.Nick
	if name == "" {
		name = u.GlobalName
	}
	if name == "" {
		name = u.Username
	}
	return bot.Event{
		Conv:  bot.Conversation{Platform: a.Name(), Workspace: in.GuildID, Channel: channel},
		User:  bot.User{ID: u.ID, Name: name},
		Admin: a.isAdmin(u.ID, in.Member.Permissions),
		Text:  text,

		ReplayKey: in.replayKey,
	}, true
}

// interact answers one interaction: respond is called exactly once, within Discord's 3 seconds;
// follow-ups may come later over the interaction's webhook.
func (a *Adapter) interact(ctx context.Context, h bot.Handler, in incoming, respond responder) {
	switch in.Type {
	case discordgo.InteractionPing:
		a.respond(in, respond, &discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong})
	case discordgo.InteractionApplicationCommandAutocomplete:
		a.respond(in, respond, a.autocomplete(in.ApplicationCommandData()))
	case discordgo.InteractionApplicationCommand:
		text, err := commandText(in.ApplicationCommandData())
		if err != nil {
			a.respond(in, respond, ephemeral(err.Error()))
			return
		}
		a.command(ctx, h, in, text, true, respond)
	case discordgo.InteractionMessageComponent:
		d := in.MessageComponentData()
		if text, handled, ok := rubricEventText(d.CustomID, d.Values); handled {
			if !ok {
				a.log.Warn("discord refused a rubric control pyqbot did not issue", "workspace", in.GuildID, "channel", in.ChannelID, "custom_id", truncate(d.CustomID, 100))
				a.respond(in, respond, ephemeral(refusedControl))
				return
			}
			in.replace = savesRubric(d.CustomID)
			a.command(ctx, h, in, text, false, respond)
			return
		}
		if ev, handled, ok := voteEventText(d.CustomID, d.Values, ""); handled {
			a.voteInteraction(ctx, h, in, ev, ok, respond)
			return
		}
		text, modal, ok := eventText(d.CustomID, d.Values, "")
		switch {
		case !ok:
			a.log.Warn("discord refused a component pyqbot did not issue", "workspace", in.GuildID, "channel", in.ChannelID, "custom_id", truncate(d.CustomID, 100))
			a.respond(in, respond, ephemeral(refusedControl))
		case modal != "":
			a.respond(in, respond, answerModal(modal))
		default:
			a.command(ctx, h, in, text, false, respond)
		}
	case discordgo.InteractionModalSubmit:
		d := in.ModalSubmitData()
		if ev, handled, ok := voteEventText(d.CustomID, nil, inputText(d.Components, idReason)); handled {
			a.voteInteraction(ctx, h, in, ev, ok, respond)
			return
		}
		text, _, ok := eventText(d.CustomID, nil, inputText(d.Components, idInput))
		if !ok {
			a.log.Warn("discord refused a form pyqbot did not issue", "workspace", in.GuildID, "channel", in.ChannelID, "custom_id", truncate(d.CustomID, 100))
			a.respond(in, respond, ephemeral(refusedForm))
			return
		}
		a.command(ctx, h, in, text, false, respond)
	default:
		// Answered all the same: an unanswered interaction hangs the request (http mode) and shows the
		// user "The application did not respond".
		a.log.Warn("discord refused an interaction of unknown type", "workspace", in.GuildID, "channel", in.ChannelID, "type", int(in.Type))
		a.respond(in, respond, ephemeral(unknownInteraction))
	}
}

// What a user sees when an interaction is refused. Nothing runs.
const (
	refusedControl     = "pyqbot did not recognise that button or menu (it may belong to an older version), so nothing was done. Use `/pyq answer` or `/pyq help` instead."
	refusedForm        = "pyqbot did not recognise that form (it may belong to an older version), so nothing was recorded. Use `/pyq answer` instead."
	unknownInteraction = "pyqbot does not handle this kind of interaction, so nothing was done. Use `/pyq help` to see what it can do."
)

// inputText is what a modal's text input id holds: the answer modal's (idInput), the reason
// modal's (idReason); "" when the modal has no such input.
func inputText(rows []discordgo.MessageComponent, id string) string {
	for _, r := range rows {
		row, ok := r.(*discordgo.ActionsRow)
		if !ok {
			continue
		}
		for _, c := range row.Components {
			if t, ok := c.(*discordgo.TextInput); ok && t.CustomID == id {
				return t.Value
			}
		}
	}
	return ""
}

func (a *Adapter) respond(in incoming, respond responder, r any) {
	if err := respond(r); err != nil {
		a.log.Error("discord answering an interaction failed", "workspace", in.GuildID, "channel", in.ChannelID,
			"response", responseType(r), "err", err)
	}
}

// responseType is a response's callback type, for logs.
func responseType(r any) int {
	switch v := r.(type) {
	case *discordgo.InteractionResponse:
		return int(v.Type)
	case autocompleteResult:
		return int(v.Type)
	}
	return 0
}

func ephemeral(text string) *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: text, Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: noMentions()}}
}

// command runs the engine on an event and shows its reply. If the engine has not answered when the
// ack timer fires, the interaction is deferred (a "thinking…" state for a slash command, nothing
// visible for a press) and the reply follows over the webhook.
func (a *Adapter) command(ctx context.Context, h bot.Handler, in incoming, text string, slash bool, respond responder) {
	ev, ok := a.event(in, text)
	if !ok {
		a.respond(in, respond, ephemeral("pyqbot plays in a server's text channels, not in direct messages."))
		return
	}
	a.log.Debug("discord command received", "workspace", ev.Conv.Workspace, "channel", ev.Conv.Channel, "user", ev.User.ID, "text", text)
	done := make(chan bot.Reply, 1)
	go func() { done <- h.Handle(ctx, ev) }()
	select {
	case r := <-done:
		a.respond(in, respond, direct(r, slash, in.replace))
		return
	case <-a.ackTimer():
	}
	// A deferred response's visibility cannot change later. Every reply the engine gives an event is
	// private today; should a public one come, followUp posts it and deletes the private placeholder.
	const private = true
	deferred := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate}
	if slash {
		deferred = &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral}}
	}
	if err := respond(deferred); err != nil {
		a.log.Error("discord deferring an interaction failed; the reply is lost (the command itself still runs)",
			"workspace", ev.Conv.Workspace, "channel", ev.Conv.Channel, "err", err)
		<-done
		return
	}
	r := <-done
	// The core may answer after ctx has ended (an answer whose batch was committing then is
	// recorded and confirmed; one still queued is refused): either way the user must hear it.
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), followUpTimeout)
	defer cancel()
	if err := a.followUp(fctx, in, r, slash, private); err != nil {
		a.log.Error("discord sending a deferred reply failed", "workspace", ev.Conv.Workspace, "channel", ev.Conv.Channel, "err", err)
	}
}

// followUpTimeout bounds a deferred reply's calls, counted from when the core has answered. The
// interaction token they use lives 15 minutes.
const followUpTimeout = 30 * time.Second

// direct is the immediate response to an interaction the engine answered in time.
func direct(r bot.Reply, slash, replace bool) *discordgo.InteractionResponse {
	if r.Empty() {
		if slash {
			// The engine posted what the command asked for (a question, a reveal) in the channel.
			return ephemeral("Done.")
		}
		return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate}
	}
	m := render(r.Post)
	data := &discordgo.InteractionResponseData{Content: m.Content, Embeds: m.Embeds, Components: m.Components, AllowedMentions: noMentions()}
	if replace && !r.Failed { // a failure leaves the checklist, ticks and all, and says so beside it
		// UPDATE_MESSAGE edits the message the control is on; a message keeps its visibility, so
		// there are no flags to give, and an empty list clears the old controls.
		if data.Components == nil {
			data.Components = []discordgo.MessageComponent{}
		}
		return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseUpdateMessage, Data: data}
	}
	if r.Private {
		data.Flags = discordgo.MessageFlagsEphemeral
	}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: data}
}

// followUp shows a reply after a deferred response. A slash command's "thinking…" message becomes
// the reply when the visibility matches; otherwise the reply is a follow-up and it is deleted. A
// reply that replaces its control's message (in.replace) is an edit of that message.
func (a *Adapter) followUp(ctx context.Context, in incoming, r bot.Reply, slash, deferredPrivate bool) error {
	i := in.Interaction
	deleteOriginal := func() error {
		return a.call(ctx, "delete deferred response", func(opts ...discordgo.RequestOption) error {
			return a.s.InteractionResponseDelete(i, opts...)
		})
	}
	if r.Empty() {
		if slash {
			return deleteOriginal()
		}
		return nil
	}
	m := render(r.Post)
	// After DEFERRED_UPDATE_MESSAGE, the original response is the message the control was on.
	if slash && r.Private == deferredPrivate || in.replace && !r.Failed {
		comps := m.Components
		if comps == nil {
			comps = []discordgo.MessageComponent{}
		}
		embeds := m.Embeds
		if embeds == nil {
			embeds = []*discordgo.MessageEmbed{}
		}
		edit := &discordgo.WebhookEdit{Content: &m.Content, Embeds: &embeds, Components: &comps, AllowedMentions: noMentions()}
		return a.call(ctx, "edit deferred response", func(opts ...discordgo.RequestOption) error {
			_, err := a.s.InteractionResponseEdit(i, edit, opts...)
			return err
		})
	}
	params := &discordgo.WebhookParams{Content: m.Content, Embeds: m.Embeds, Components: m.Components, AllowedMentions: noMentions()}
	if r.Private {
		params.Flags = discordgo.MessageFlagsEphemeral
	}
	if err := a.call(ctx, "follow-up", func(opts ...discordgo.RequestOption) error {
		_, err := a.s.FollowupMessageCreate(i, true, params, opts...)
		return err
	}); err != nil {
		return err
	}
	if slash {
		return deleteOriginal()
	}
	return nil
}

// dispatchRaw decodes an interaction and answers it. Errors in the payload are logged without it.
func (a *Adapter) dispatchRaw(ctx context.Context, h bot.Handler, raw []byte, respond func(incoming) responder) error {
	in, err := parseInteraction(raw)
	if err != nil {
		return fmt.Errorf("decode interaction: %w", err)
	}
	in.replayKey = in.ID // Discord delivers an interaction once; a redelivery repeats its id
	a.interact(ctx, h, in, respond(in))
	return nil
}
