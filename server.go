package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// routes is the shared HTTP server's mux, and whether anything registered on it: the server only
// listens when an adapter (or an operations endpoint) needs it.
type routes struct {
	*http.ServeMux
	used bool
}

func newRoutes() *routes { return &routes{ServeMux: http.NewServeMux()} }

// Handle registers h and marks the server as needed.
func (r *routes) Handle(pattern string, h http.Handler) {
	r.used = true
	r.ServeMux.Handle(pattern, h)
}

// serveHTTP listens on addr until ctx ends, then drains in-flight requests for up to 5 seconds.
// ready receives the bound address (useful with port 0).
func serveHTTP(ctx context.Context, addr string, h http.Handler, log *slog.Logger, ready func(net.Addr)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (change [http] listen)", addr, err)
	}
	if ready != nil {
		ready(ln.Addr())
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 15 * time.Second,
		WriteTimeout: 15 * time.Second, IdleTimeout: 60 * time.Second}
	log.Info("http server listening", "addr", ln.Addr().String())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}
