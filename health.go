package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/storage"
)

// healthTimeout bounds the store's check behind /healthz: a database that cannot commit in this
// time is as good as down for a chat user, and Docker's probe must not hang. The store's write
// probe gives up on a lock held elsewhere sooner (storage.probeBusyMillis).
const healthTimeout = 2 * time.Second

// storeHealth is the part of the store /healthz needs.
type storeHealth interface {
	Health(ctx context.Context) storage.Health
}

// healthBody is what /healthz answers.
type healthBody struct {
	Status   string   `json:"status"`             // "ok" or "unavailable"
	Reason   string   `json:"reason,omitempty"`   // everything that is wrong, e.g. "slack: socket mode disconnected"
	Storage  string   `json:"storage,omitempty"`  // why the store cannot take writes, e.g. "disk full: …"
	Warnings []string `json:"warnings,omitempty"` // findings that do not stop service, e.g. an emptied database
}

// healthHandler answers GET /healthz: 200 {"status":"ok"} when a write commits (the store's
// probe), the last real write did not fail since, and every adapter that reports its health is
// serving; otherwise 503 with the reasons. Start-up warnings ride along on a 200. The store's
// full error (it names the path) stays in the log: the endpoint may be reachable from outside.
func healthHandler(store storeHealth, adapters []bot.Adapter, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), healthTimeout)
		defer cancel()
		var reasons []string
		sh := store.Health(ctx)
		body := healthBody{Status: "ok", Storage: sh.Problem, Warnings: sh.Warnings}
		if sh.Problem != "" {
			log.Warn("health check: the database cannot take writes", "problem", sh.Problem, "err", sh.Err)
			reasons = append(reasons, "store: "+sh.Problem)
		}
		for _, a := range adapters {
			if hr, ok := a.(bot.HealthReporter); ok {
				if err := hr.Healthy(ctx); err != nil {
					reasons = append(reasons, a.Name()+": "+err.Error())
				}
			}
		}
		code := http.StatusOK
		if len(reasons) > 0 {
			body.Status, body.Reason, code = "unavailable", strings.Join(reasons, "; "), http.StatusServiceUnavailable
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(code)
		json.NewEncoder(w).Encode(body)
	})
}

// serveOps says whether /healthz and /metrics are served: [http] enabled when set, else whenever a
// chat platform runs (a service someone monitors). A terminal session opens no port by itself.
func serveOps(cfg *Config, adapters []bot.Adapter) bool {
	if cfg.HTTP.Enabled != nil {
		return *cfg.HTTP.Enabled
	}
	for _, a := range adapters {
		if a.Name() != "console" {
			return true
		}
	}
	return false
}

// healthcheckCmd GETs /healthz and exits 0 when it answers 200, else 1: the container's
// HEALTHCHECK, since a distroless image has no shell or curl.
func (m *Main) healthcheckCmd(ctx context.Context, args []string) error {
	fs := m.newFlags("healthcheck [--config FILE] [--url URL]",
		"Asks a running pyqbot's /healthz; exits 0 when it is healthy, 1 otherwise (for Docker's HEALTHCHECK).")
	configFlag := fs.String("config", "", "TOML config file, read for [http] listen")
	rawURL := fs.String("url", "", "the health endpoint (default http://[http] listen/healthz, loopback for a wildcard address)")
	timeout := fs.Duration("timeout", 5*time.Second, "give up after this long")
	if err := m.finishParse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(m.Stderr, "pyqbot healthcheck: unexpected argument %q\n", fs.Arg(0))
		return errUsage
	}
	if *timeout <= 0 {
		fmt.Fprintf(m.Stderr, "pyqbot healthcheck: --timeout %s: give a positive duration, e.g. 5s\n", *timeout)
		return errUsage
	}
	target := *rawURL
	if target == "" {
		cfg, err := m.config(*configFlag)
		if err != nil {
			return err
		}
		if target, err = healthURL(cfg.HTTP.Listen); err != nil {
			return err
		}
	}
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("--url is not an http(s) URL: use e.g. http://127.0.0.1:8080/healthz")
	}
	shown := u.Redacted() // a password in the URL is not printed
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return err
	}
	// A redirect is not followed: /healthz answers itself, so one means the URL is not pyqbot's.
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		// net/http's errors carry the URL with its password stripped, as shown is.
		fmt.Fprintf(m.Stderr, "pyqbot healthcheck: %s: %v (is pyqbot running, and does it serve /healthz? see [http] enabled)\n", shown, err)
		return errFailed
	}
	defer resp.Body.Close()
	// A report names every workspace's problems, so a large team's can run past a few KiB.
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxReport))
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(m.Stderr, "pyqbot healthcheck: %s answered %s: %s\n", shown, resp.Status, clip(body))
		return errFailed
	}
	// Any server answers 200 to something: healthy is pyqbot's own report saying so.
	var report healthBody
	if err := json.Unmarshal(body, &report); err != nil || report.Status != "ok" {
		fmt.Fprintf(m.Stderr, "pyqbot healthcheck: %s answered 200 but not with pyqbot's health report (status \"ok\"): %s (is --url or [http] listen pyqbot's /healthz?)\n",
			shown, clip(body))
		return errFailed
	}
	fmt.Fprint(m.Stdout, string(body))
	return nil
}

// maxReport bounds the health report healthcheck reads.
const maxReport = 1 << 20

// clip is a body to quote in an error: its first 500 bytes.
func clip(body []byte) string {
	s := strings.TrimSpace(string(body))
	if len(s) > 500 {
		return strings.ToValidUTF8(s[:500], "") + "…"
	}
	return s
}

// healthURL is /healthz on the address pyqbot listens on; a wildcard host is reached on loopback.
func healthURL(listen string) (string, error) {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return "", fmt.Errorf("[http] listen = %q is not host:port: %w", listen, err)
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/healthz", nil
}
