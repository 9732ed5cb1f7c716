package main

import (
	"context"
	"errors"
	"fmt"
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

// serveHTTP listens on addr until ctx ends, then stops accepting and drains in-flight requests for
// up to 5 seconds (what they started is the shutdown's to wait for, see supervise.go).
// ready receives the bound address (useful with port 0).
func serveHTTP(ctx context.Context, addr string, h http.Handler, log *slog.Logger, ready func(net.Addr)) error {
	if _, _, err := net.SplitHostPort(addr); err != nil {
		// Not shown: a value that is not an address may be a secret set in the wrong place.
		return errors.New("[http] listen is not a host:port address: use e.g. \"127.0.0.1:8080\" or \":8080\"")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (change [http] listen)", addr, err)
	}
	if ready != nil {
		ready(ln.Addr())
	}
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
