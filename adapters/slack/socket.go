package slack

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// runSocket serves Socket Mode until ctx ends. slack-go reconnects by itself when Slack asks
// (disconnect: refresh_requested, warning) or the connection dies; it gives up only on a bad token.
func (a *Adapter) runSocket(ctx context.Context) error {
	var opts []socketmode.Option
	if a.ping > 0 {
		opts = append(opts, socketmode.OptionPingInterval(a.ping))
	}
	client := socketmode.New(a.api, opts...)
	errc := make(chan error, 1)
	go func() { errc <- client.RunContext(ctx) }()
	for {
		select {
		case err := <-errc:
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("slack socket mode stopped: %w (check [slack] app_token or SLACK_APP_TOKEN: an app-level token with connections:write, and Socket Mode on in the app's settings)", err)
		case evt := <-client.Events:
			a.socketEvent(ctx, client, evt)
		}
	}
}

// Socket Mode's health while Run serves (see errStarting), as socketEvent sets it from slack-go's
// connection events.
var (
	errConnecting   = errors.New("socket mode connecting")
	errDisconnected = errors.New("socket mode disconnected: reconnecting")
	errBadAppToken  = errors.New("socket mode disconnected: the app-level token was refused")
)

// socketEvent handles one Socket Mode event. Requests (slash commands, interactions) are answered
// each in its own goroutine, so one slow command never holds up the next envelope; their
// acknowledgement carries the reply or follows the commit, as in HTTP mode.
func (a *Adapter) socketEvent(ctx context.Context, client *socketmode.Client, evt socketmode.Event) {
	received := a.now()
	start := time.Now()
	team, channel := envelopeConv(evt)
	ack := func(payload any) {
		if evt.Request == nil {
			return
		}
		// Bounded, not tied to ctx: a command that finishes as a shutdown begins is still
		// acknowledged while the connection lasts.
		actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), a.deadline)
		defer cancel()
		if err := client.AckCtx(actx, evt.Request.EnvelopeID, payload); err != nil {
			a.log.Error("slack socket mode ack failed", "workspace", team, "channel", channel, "type", evt.Type, "err", err)
			return
		}
		// AckCtx hands the ack to slack-go's writer, which sends it at once.
		a.metrics.ObserveAck(Platform, time.Since(start))
	}
	answer := func(respond func() (any, func())) {
		a.work.Add(1)
		a.idle.enter()
		go func() {
			defer a.work.Done()
			defer a.idle.leave()
			payload, followUp := respond()
			ack(payload)
			if followUp != nil {
				followUp()
			}
		}()
	}
	switch evt.Type {
	case socketmode.EventTypeConnecting:
		// Sent before every attempt, including after a dropped connection: not serving until connected.
		a.health.Set(errConnecting)
	case socketmode.EventTypeConnected:
		a.health.Set(nil)
		a.log.Info("slack socket mode connected")
	case socketmode.EventTypeDisconnect:
		a.health.Set(errDisconnected) // Slack asked (refresh_requested, warning); slack-go reconnects
	case socketmode.EventTypeConnectionError:
		a.health.Set(errDisconnected)
		if e, ok := evt.Data.(*slack.ConnectionErrorEvent); ok && !errors.Is(e.ErrorObj, context.Canceled) {
			a.apiFailed("apps.connections.open", e.ErrorObj)
			a.log.Warn("slack socket mode connection failed; retrying", "attempt", e.Attempt, "backoff", e.Backoff, "err", redact(e.ErrorObj))
		}
	case socketmode.EventTypeInvalidAuth:
		a.health.Set(errBadAppToken)
		a.metrics.APIError(Platform, "apps.connections.open", "invalid_auth")
		a.log.Error("slack socket mode: the app-level token was refused")
	case socketmode.EventTypeErrorBadMessage, socketmode.EventTypeIncomingError:
		if ctx.Err() != nil {
			return // the connection closing at shutdown, not a bad message
		}
		a.log.Warn("slack socket mode: unreadable message ignored", "type", evt.Type)
	case socketmode.EventTypeSlashCommand:
		cmd, ok := evt.Data.(slack.SlashCommand)
		if !ok {
			ack(nil)
			return
		}
		fits := func(any) bool { return true }
		if evt.Request != nil {
			fits = fitsSocketAck(evt.Request.EnvelopeID)
		}
		answer(func() (any, func()) { return a.command(cmd, envelopeKey(evt), received, fits) })
	case socketmode.EventTypeInteractive:
		cb, ok := evt.Data.(slack.InteractionCallback)
		if !ok {
			ack(nil)
			return
		}
		answer(func() (any, func()) { return a.interaction(cb, envelopeKey(evt), received) })
	case socketmode.EventTypeEventsAPI:
		ack(nil)
		if evt.Request != nil {
			if env, err := parseEnvelope(evt.Request.Payload); err == nil {
				a.event(env)
			}
		}
	}
}

// envelopeConv is the workspace and channel a Socket Mode request is about, for its log lines;
// empty for events that are about none.
func envelopeConv(evt socketmode.Event) (team, channel string) {
	switch d := evt.Data.(type) {
	case slack.SlashCommand:
		return d.TeamID, d.ChannelID
	case slack.InteractionCallback:
		return callbackTeam(d), d.Channel.ID
	}
	return "", ""
}

// envelopeKey is a Socket Mode request's replay key (bot.Event.ReplayKey): its envelope id, which a
// redelivered envelope keeps; empty when there is no request.
func envelopeKey(evt socketmode.Event) string {
	if evt.Request == nil {
		return ""
	}
	return "envelope:" + evt.Request.EnvelopeID
}
