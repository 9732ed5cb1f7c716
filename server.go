package main

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
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

// serveHTTP serves on ln until ctx ends, then stops accepting and drains in-flight requests for
// up to 5 seconds (what they started is the shutdown's to wait for, see supervise.go). The
// listener is bound by Config.listenHTTP before start-up goes on, so a busy port is found first.
func serveHTTP(ctx context.Context, ln net.Listener, h http.Handler, log *slog.Logger) error {
	// Once stopping, a request that still arrives on an open connection is turned away with 503 and
	// Retry-After (Slack and Discord retry, a load balancer moves on) instead of starting new work.
	var stopping atomic.Bool
	gated := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if stopping.Load() {
			w.Header().Set("Retry-After", "10")
			http.Error(w, "pyqbot is shutting down", http.StatusServiceUnavailable)
			return
		}
		h.ServeHTTP(w, r)
	})
	srv := &http.Server{Handler: gated, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 15 * time.Second,
		WriteTimeout: 15 * time.Second, IdleTimeout: 60 * time.Second}
	log.Info("http server listening", "addr", ln.Addr().String())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	stopping.Store(true)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}
