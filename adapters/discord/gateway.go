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
	removeConn := a.s.AddHandler(func(*discordgo.Session, *discordgo.Connect) {
		if ctx.Err() == nil { // a reconnect discordgo finishes after Close (see closeGateway)
			a.health.Set(nil)
		}
	})
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
	a.closeGateway()
	return nil
}

// closeWait bounds how long a stop waits for discordgo's Close, which normally takes about a
// second (it sends a close frame and sleeps 1 s for Discord to hang up).
const closeWait = 3 * time.Second

// closeGateway closes the gateway connection, waiting at most closeWait. Close needs the session's
// lock, and discordgo v0.29.0 holds it through a whole reconnect attempt: Open (wsapi.go) reads the
// hello and the READY or RESUMED with no deadline, so a gateway that accepts the connection and
// then says nothing keeps Close waiting for as long as it stays silent. Reconnects also chain: a
// heartbeat goroutine whose connection was closed under it (it waits on the lock while Close sleeps)
// fails its first write, then closes whatever connection is current and reconnects (wsapi.go's
// heartbeat), so under load one drop can become a reconnect a second, each holding the lock. Past
// closeWait the stop goes on without Close, which finishes (or not) in the background; the process
// is exiting.
func (a *Adapter) closeGateway() {
	done := make(chan error, 1)
	go func() { done <- a.s.Close() }()
	select {
	case err := <-done:
		if err != nil {
			a.log.Warn("discord closing the gateway connection", "err", err)
		}
	case <-time.After(closeWait):
		a.log.Warn("discord gateway connection not closed: discordgo is still in a reconnect attempt; stopping without waiting for it",
			"waited", closeWait)
	}
}
