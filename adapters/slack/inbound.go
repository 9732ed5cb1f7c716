package slack

import (
	"cmp"
	"context"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/pyqbot/pyqbot/bot"
)

// This file turns what Slack sends (over either transport) into requests for the core. Each entry
// point returns what to acknowledge with and what to do after the acknowledgement (see answer):
// the core runs before the acknowledgement, so an answer is committed when Slack hears back.

// replyTo is where the answer to an event goes: through the interaction's response_url when there
// is one, else as a message to (channel, user).
type replyTo struct {
	responseURL         string
	team, channel, user string
	// replace makes the reply take the place of the message whose control was pressed (the
	// private rubric checklist, once saved), instead of adding one below it.
	replace bool
}

// conv is the conversation the reply goes to.
func (to replyTo) conv() bot.Conversation {
	return bot.Conversation{Platform: Platform, Workspace: to.team, Channel: to.channel}
}

// command answers a slash command. replayKey names the request (its X-Slack-Signature, or the
// Socket Mode envelope_id): the core refuses a state-changing command whose key it has seen. fits
// says whether an acknowledgement payload can be sent.
func (a *Adapter) command(cmd slack.SlashCommand, replayKey string, received time.Time, fits func(any) bool) (ack any, followUp func()) {
	if cmd.TeamID == "" || cmd.ChannelID == "" || cmd.UserID == "" {
		a.log.Warn("slack slash command without team, channel or user ignored")
		return nil, nil
	}
	return a.answer(inbound{
		what: "slash command", team: cmd.TeamID, channel: cmd.ChannelID, userID: cmd.UserID, userName: cmd.UserName,
		text: cmd.Text, slash: true, received: received, fits: fits, replayKey: replayKey,
		to: replyTo{responseURL: cmd.ResponseURL, team: cmd.TeamID, channel: cmd.ChannelID, user: cmd.UserID},
	})
}

// interaction answers a button press, checkbox submit or modal submission. The acknowledgement's
// payload is nil, or a modal's validation errors. replayKey names the request as for command: a
// vote or a rubric save changes, so an old one replayed must be refused by the core.
func (a *Adapter) interaction(cb slack.InteractionCallback, replayKey string, received time.Time) (ack any, followUp func()) {
	team := callbackTeam(cb)
	switch cb.Type {
	case slack.InteractionTypeBlockActions:
		channel := cb.Channel.ID
		if channel == "" {
			channel = cb.Container.ChannelID
		}
		// Slack sends one action per press; should a payload carry several, the first that does
		// something is the one answered.
		for _, act := range cb.ActionCallback.BlockActions {
			if ack, followUp, ok := a.action(cb, team, channel, act, replayKey, received); ok {
				return ack, followUp
			}
		}
	case slack.InteractionTypeViewSubmission:
		switch cb.View.CallbackID {
		case callbackAnswer:
			return a.submitModal(cb, team, received)
		case callbackReason:
			return a.submitReason(cb, team, received)
		}
	}
	return nil, nil
}

// callbackTeam is the workspace an interaction comes from: the payload's team, else the user's.
func callbackTeam(cb slack.InteractionCallback) string { return cmp.Or(cb.Team.ID, cb.User.TeamID) }

// action answers one block action; ok is false when it does nothing (ticking a checkbox).
func (a *Adapter) action(cb slack.InteractionCallback, team, channel string, act *slack.BlockAction, replayKey string, received time.Time) (ack any, followUp func(), ok bool) {
	to := replyTo{responseURL: cb.ResponseURL, team: team, channel: channel, user: cb.User.ID}
	var text string
	switch {
	case strings.HasPrefix(act.ActionID, actionAnswer):
		text = act.Value
	case act.ActionID == actionSubmit:
		text = bot.AnswerForm{Ref: act.Value, Mode: bot.MultiChoice}.Command(tickedKeys(cb)...)
	case strings.HasPrefix(act.ActionID, actionVote):
		text = act.SelectedOption.Value
		if !voteCommand.MatchString(text) {
			a.log.Warn("slack vote option ignored: not a vote", "action", act.ActionID)
			return nil, nil, true
		}
	case act.ActionID == actionRubric:
		text = act.Value
		if !rubricOpen.MatchString(text) {
			a.log.Warn("slack rubric button ignored: not a question's", "action", act.ActionID)
			return nil, nil, true
		}
	case act.ActionID == actionRubricSave:
		var valid bool
		if text, valid = rubricSaveText(cb, act.Value); !valid {
			a.log.Warn("slack rubric checklist ignored: not one pyqbot issued", "action", act.ActionID)
			return nil, nil, true
		}
		to.replace = true // the saved result stands where the checklist was; the reveal's button shows it again
	case act.ActionID == actionReason:
		meta, err := parseReasonMeta(act.Value)
		if err != nil || channel == "" {
			a.log.Warn("slack reason button ignored: not a question's", "action", act.ActionID)
			return nil, nil, true
		}
		meta.Channel = channel
		trigger := cb.TriggerID
		return nil, func() {
			a.spawn("open reason modal", to.conv(), to.user, func(ctx context.Context, _ bot.Handler) {
				a.openReasonModal(ctx, trigger, meta, to)
			})
		}, true
	case act.ActionID == actionWrite:
		trigger, ref := cb.TriggerID, act.Value
		// The trigger id lives 3 seconds: the modal opens right after the acknowledgement.
		return nil, func() {
			a.spawn("open answer modal", to.conv(), to.user, func(ctx context.Context, _ bot.Handler) {
				a.openModal(ctx, trigger, ref, channel, to)
			})
		}, true
	default:
		return nil, nil, false // ticking a checkbox: its state arrives with Submit
	}
	// A button only ever stands for an answer (a vote's option for a vote, a rubric control for a
	// rubric check): never let a payload run another command.
	if !bot.IsAnswer(text) && !voteCommand.MatchString(text) && !rubricCommand.MatchString(text) || team == "" || channel == "" || cb.User.ID == "" {
		a.log.Warn("slack button press ignored: not an answer, or no team, channel or user", "action", act.ActionID)
		return nil, nil, true
	}
	ack, followUp = a.answer(inbound{
		what: "button press", team: team, channel: channel, userID: cb.User.ID, userName: cb.User.Name,
		text: text, received: received, to: to, replayKey: replayKey,
	})
	return ack, followUp, true
}

// tickedKeys reads the review checkboxes' state, in choice order.
func tickedKeys(cb slack.InteractionCallback) []string {
	if cb.BlockActionState == nil {
		return nil
	}
	var keys []string
	for blockID, actions := range cb.BlockActionState.Values {
		if blockID != blockReview {
			continue
		}
		for actionID, act := range actions {
			if strings.HasPrefix(actionID, actionPick) {
				for _, o := range act.SelectedOptions {
					keys = append(keys, o.Value)
				}
			}
		}
	}
	slices.Sort(keys)
	return keys
}

// deliver shows a reply: ephemeral unless it is public.
func (a *Adapter) deliver(ctx context.Context, to replyTo, reply bot.Reply) {
	if to.responseURL != "" {
		if !a.trustedResponseURL(to.responseURL) {
			a.log.Warn("slack response_url is not on hooks.slack.com or [slack] api_url's host; reply dropped",
				"workspace", to.team, "channel", to.channel, "user", to.user)
			return
		}
		msg := &slack.WebhookMessage{ResponseType: slack.ResponseTypeEphemeral, Text: FallbackText(reply.Post), Blocks: &slack.Blocks{BlockSet: Blocks(reply.Post)},
			ReplaceOriginal: to.replace && !reply.Failed} // a failure leaves the checklist, ticks and all
		if !reply.Private {
			msg.ResponseType = slack.ResponseTypeInChannel
		}
		err := a.withRetry(ctx, "response_url", func() error {
			return slack.PostWebhookCustomHTTPContext(ctx, to.responseURL, a.httpc, msg)
		})
		if err != nil {
			// Never log the URL: it lets anyone post as the app for 30 minutes (withRetry redacts err).
			a.log.Error("slack reply through response_url failed", "workspace", to.team, "channel", to.channel, "user", to.user, "err", err)
		}
		return
	}
	if !reply.Private {
		// The reply is dropped here, so here is where its failure is logged (Send only returns it).
		if _, err := a.Send(ctx, bot.Conversation{Platform: Platform, Workspace: to.team, Channel: to.channel}, reply.Post); err != nil {
			a.log.Error("slack public reply failed", "workspace", to.team, "channel", to.channel, "user", to.user, "err", err)
		}
		return
	}
	api, err := a.apiFor(ctx, to.team)
	if err == nil {
		err = a.withRetry(ctx, "chat.postEphemeral", func() error {
			_, err := api.PostEphemeralContext(ctx, to.channel, to.user, messageOptions(reply.Post)...)
			return err
		})
	}
	if err != nil {
		a.log.Error("slack private reply failed", "workspace", to.team, "channel", to.channel, "user", to.user, "err", apiError("chat.postEphemeral", to.channel, err))
	}
}

// trustedResponseURL accepts Slack's own hooks host, or the host of [slack] api_url (a local fake).
// A signed request's response_url is Slack's; this keeps a leaked signing secret from turning the
// bot into a proxy that posts anywhere.
func (a *Adapter) trustedResponseURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	if u.Scheme == "https" && u.Host == "hooks.slack.com" {
		return true
	}
	api, err := url.Parse(a.apiURL)
	return err == nil && u.Scheme == api.Scheme && u.Host == api.Host
}

// eventEnvelope is the part of an Events API delivery the adapter reads.
type eventEnvelope struct {
	Type      string `json:"type"`
	Challenge string `json:"challenge"`
	TeamID    string `json:"team_id"`
	EventID   string `json:"event_id"`
	Event     struct {
		Type    string `json:"type"`
		User    string `json:"user"`
		Channel string `json:"channel"`
		Tab     string `json:"tab"`
		Tokens  struct {
			Bot []string `json:"bot"`
		} `json:"tokens"` // tokens_revoked: the revoked tokens' user ids
	} `json:"event"`
}

// event accepts an Events API callback. A repeated event_id (Slack retries) is dropped.
func (a *Adapter) event(env eventEnvelope) {
	if env.Type != "event_callback" || env.EventID == "" {
		return
	}
	if env.Event.Type == "app_uninstalled" || env.Event.Type == "tokens_revoked" && len(env.Event.Tokens.Bot) > 0 {
		team, why, id := env.TeamID, env.Event.Type, env.EventID
		a.spawn("uninstall", bot.Conversation{Platform: Platform, Workspace: team}, "", func(ctx context.Context, _ bot.Handler) {
			// A retry can come minutes later, after a reinstall: acted on again, it would delete
			// the new token and pause the workspace.
			if a.firstDelivery(ctx, team, id) {
				a.uninstalled(ctx, team, why)
			}
		})
		return
	}
	if env.Event.Type == "app_home_opened" && env.Event.Tab == "home" && env.Event.User != "" {
		team, user, channel, id := env.TeamID, env.Event.User, env.Event.Channel, env.EventID
		a.spawn("home tab", bot.Conversation{Platform: Platform, Workspace: team, Channel: channel}, user, func(ctx context.Context, h bot.Handler) {
			if a.firstDelivery(ctx, team, id) {
				a.publishHome(ctx, h, team, user, channel)
			}
		})
	}
}

// firstDelivery claims an event_id, reporting false for a retry or replay of an event already
// handled. Claimed in the database after the acknowledgement, so a retry is recognised even after a
// restart or on another process (a retry is newly signed: the signature memory does not know it),
// and the acknowledgement never waits for the store. A failed claim handles the event anyway.
func (a *Adapter) firstDelivery(ctx context.Context, team, id string) bool {
	first, err := a.events.ClaimReplay(ctx, bot.ReplayEvent, Platform+":"+id, a.now(), eventMemory)
	if err != nil {
		a.log.Error("slack event dedupe failed; handling the event anyway", "workspace", team, "event_id", id, "err", err)
		return true
	}
	if !first {
		a.log.Debug("slack event already handled; retry ignored", "workspace", team, "event_id", id)
	}
	return first
}
