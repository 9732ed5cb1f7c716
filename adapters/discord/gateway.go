package discord

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/bwmarrin/discordgo"
)

// The gateway's health while Run runs (see errStarting), following discordgo's Connect and
// Disconnect events.
var (
	errConnecting   = errors.New("gateway connecting")
	errDisconnected = errors.New("gateway disconnected: reconnecting")
)

// runGateway receives interactions over Discord's gateway until ctx ends. discordgo heartbeats and
// reconnects (resuming the session) by itself; events sent while the process is down are lost, and
// the interactions they carried time out on the user's side.
func (a *Adapter) runGateway(ctx context.Context) error {
	// The raw event, not discordgo's decoded InteractionCreate: it keeps the channel object, which
	// says whether a command was typed in a thread (see parseInteraction).
	remove := a.s.AddHandler(func(s *discordgo.Session, e *discordgo.Event) {
		if e.Type != "INTERACTION_CREATE" {
			return
		}
		received := time.Now()
		h, rctx, end, ok := a.begin()
		if !ok {
			return
		}
		defer end()
		err := a.dispatchRaw(rctx, h, e.RawData, func(in incoming) responder {
			return func(resp any) error {
				// Session.InteractionRespond takes only discordgo's type; this sends any response.
				endpoint := discordgo.EndpointInteractionResponse(in.ID, in.Token)
				err := a.call(rctx, "interaction response", func(opts ...discordgo.RequestOption) error {
					_, err := s.RequestWithBucketID("POST", endpoint, resp, endpoint, opts...)
					return err
				})
				if err == nil {
					a.metrics.ObserveAck(platform, time.Since(received))
				}
				return err
			}
		})
		if err != nil {
			a.log.Warn("discord undecodable interaction ignored", "err", err)
		}
	})
	defer remove()
	// discordgo runs handlers in goroutines, so a Disconnect and the Connect of the reconnect that
	// follows could in principle be seen out of order; the reconnect's network round trips make that
	// far-fetched, and the next event corrects it.
	removeConn := a.s.AddHandler(func(*discordgo.Session, *discordgo.Connect) { a.health.Set(nil) })
	defer removeConn()
	removeDisc := a.s.AddHandler(func(*discordgo.Session, *discordgo.Disconnect) {
		if ctx.Err() == nil {
			a.health.Set(errDisconnected)
			a.log.Warn("discord gateway connection lost; reconnecting")
		}
	})
	defer removeDisc()
	removeResumed := a.s.AddHandler(func(*discordgo.Session, *discordgo.Resumed) {
		a.log.Info("discord gateway session resumed")
	})
	defer removeResumed()
	a.health.Set(errConnecting)
	if err := a.s.Open(); err != nil {
		return fmt.Errorf("discord: connecting to the gateway failed: %w (check [discord] token)", redact(err))
	}
	a.health.Set(nil)
	a.log.Info("discord connected to the gateway")
	<-ctx.Done()
	// Close sends a close frame and waits about a second for Discord to hang up.
	if err := a.s.Close(); err != nil {
		a.log.Warn("discord closing the gateway connection", "err", err)
	}
	return nil
}
