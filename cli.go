package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

// serve runs every adapter, and the HTTP server when something registered routes, until ctx ends or
// the first of them stops. The console adapter stops at end of input, which ends the program.
func (m *Main) serve(ctx context.Context, cfg *Config, log *slog.Logger, engine *bot.Engine, adapters []bot.Adapter, mux *routes) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, len(adapters)+1)
	running := 0
	for _, a := range adapters {
		running++
		go func() {
			err := a.Run(ctx, engine)
			if err != nil {
				err = fmt.Errorf("%s adapter: %w", a.Name(), err)
			}
			errc <- err
		}()
	}
	if mux.used {
		running++
		go func() { errc <- serveHTTP(ctx, cfg.HTTP.Listen, mux, log, nil) }()
	}
	if engine.Scheduling() {
		// The scheduler runs until ctx ends; it is waited for like the adapters, so the database
		// stays open until a post in progress is finished.
		running++
		go func() { errc <- engine.RunScheduler(ctx) }()
	}
	// The first to stop stops the rest; report the first real error. Once stopping, give everything
	// shutdownGrace to finish, so a stuck platform call cannot hold the process past 10 seconds.
	var first error
	var deadline <-chan time.Time
	// stopping is ctx.Done() until it fires, then nil so the select stops choosing it. (Reassigning
	// ctx instead would race with the goroutines above, which read ctx when they start.)
	stopping := ctx.Done()
	for done := 0; done < running; {
		select {
		case err := <-errc:
			done++
			if err != nil && first == nil {
				first = err
			}
			cancel()
		case <-stopping:
			if deadline == nil {
				deadline = time.After(shutdownGrace)
			}
			stopping = nil
		case <-deadline:
			log.Error("shutdown took too long; stopping with work still in flight", "waiting_for", running-done)
			return first
		}
	}
	return first
}

// shutdownGrace bounds how long serve waits for adapters and the scheduler after a stop signal.
const shutdownGrace = 8 * time.Second
