package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/adapters/console"
	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/storage"
)

// reporting is an adapter whose health the test sets.
type reporting struct {
	name string
	err  error
}

func (a *reporting) Name() string                           { return a.name }
func (a *reporting) Run(context.Context, bot.Handler) error { return nil }
func (a *reporting) Healthy(context.Context) error          { return a.err }
func (a *reporting) Send(context.Context, bot.Conversation, bot.Post) (bot.MessageRef, error) {
	return bot.MessageRef{}, nil
}

func getHealth(t *testing.T, h http.Handler) (int, healthBody) {
	t.Helper()
	srv := httptest.NewServer(h)
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body healthBody
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("/healthz body is not JSON: %v", err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	return resp.StatusCode, body
}

func TestHealthzAnswers(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "h.db")
	store, err := storage.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	store.Now = func() time.Time { return now } // the write probe's verdict is cached for 2 s
	slackA := &reporting{name: "slack"}
	adapters := []bot.Adapter{slackA, &reporting{name: "discord"}, console.New(strings.NewReader(""), &bytes.Buffer{}, "me")}
	var logs bytes.Buffer
	h := healthHandler(store, adapters, slog.New(slog.NewTextHandler(&logs, nil)))

	if code, body := getHealth(t, h); code != 200 || body.Status != "ok" || body.Reason != "" || body.Storage != "" || body.Warnings != nil {
		t.Errorf("healthy: %d %+v, want 200 ok", code, body)
	}

	slackA.err = errors.New("socket mode disconnected")
	if code, body := getHealth(t, h); code != 503 || body.Status != "unavailable" || body.Reason != "slack: socket mode disconnected" || body.Storage != "" {
		t.Errorf("adapter disconnected: %d %+v", code, body)
	}
	slackA.err = nil

	// Another process holds the write lock: reads still work (the old probe said ok), writes wait
	// and fail. Health says so within its timeout, not after the users' 10 s busy_timeout.
	release := lockForWrites(t, path)
	now = now.Add(5 * time.Second)
	start := time.Now()
	code, body := getHealth(t, h)
	if code != 503 || !strings.HasPrefix(body.Storage, "busy: another process holds the database's write lock") || body.Reason != "store: "+body.Storage {
		t.Errorf("write lock held elsewhere: %d %+v", code, body)
	}
	if took := time.Since(start); took > healthTimeout {
		t.Errorf("/healthz took %v with the lock held elsewhere, want under %v", took, healthTimeout)
	}
	release()
	now = now.Add(5 * time.Second)
	if code, body := getHealth(t, h); code != 200 {
		t.Errorf("lock released: %d %+v", code, body)
	}

	store.Close()
	now = now.Add(5 * time.Second)
	code, body = getHealth(t, h)
	if code != 503 || body.Reason != "store: the database does not take writes (see the log)" {
		t.Errorf("store closed: %d %+v", code, body)
	}
	if strings.Contains(body.Reason, store.Path()) || !strings.Contains(logs.String(), "is already closed") {
		t.Errorf("the store's error belongs in the log, not the answer: reason %q, log %q", body.Reason, logs.String())
	}
}

func TestOpsEndpointsAreServedWhenSomethingNeedsThem(t *testing.T) {
	t.Parallel()
	on, off := true, false
	term := []bot.Adapter{console.New(strings.NewReader(""), &bytes.Buffer{}, "me")}
	chat := []bot.Adapter{&reporting{name: "slack"}}
	for _, tt := range []struct {
		name     string
		enabled  *bool
		adapters []bot.Adapter
		want     bool
	}{
		{"terminal, [http] enabled unset: no port", nil, term, false},
		{"terminal, [http] enabled = true", &on, term, true},
		{"a chat platform, unset", nil, chat, true},
		{"a chat platform, [http] enabled = false", &off, chat, false},
	} {
		cfg := defaultConfig()
		cfg.HTTP.Enabled = tt.enabled
		if got := serveOps(cfg, tt.adapters); got != tt.want {
			t.Errorf("%s: serveOps = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestHealthcheckCommand(t *testing.T) {
	t.Parallel()
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/other": // some other service on the port: 200 to everything
			fmt.Fprintln(w, `{"ok":true}`)
			return
		case "/moved":
			http.Redirect(w, r, "/healthz", http.StatusFound)
			return
		case "/healthz":
		default:
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(status)
		if status == http.StatusOK {
			// A large team's report runs past 4 KiB, where healthcheck once stopped reading.
			fmt.Fprintf(w, `{"status":"ok","warnings":[%s"last"]}`+"\n", strings.Repeat(`"slack T0123: a channel is archived",`, 200))
		} else {
			fmt.Fprintln(w, `{"status":"unavailable","reason":"slack: socket mode disconnected"}`)
		}
	}))
	defer srv.Close()

	if code, out, stderr := run(t, "", "healthcheck", "--url", srv.URL+"/healthz"); code != 0 || !strings.Contains(out, `"ok"`) {
		t.Errorf("healthy: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	// Without --url, the address comes from [http] listen.
	cfg := writeFile(t, "hc.toml", fmt.Sprintf("[http]\nlisten = %q\n", strings.TrimPrefix(srv.URL, "http://")))
	if code, _, stderr := run(t, "", "healthcheck", "--config", cfg); code != 0 {
		t.Errorf("healthy via [http] listen: exit %d, stderr %q", code, stderr)
	}
	// A 200 from something that is not pyqbot's /healthz, or a redirect, is not healthy.
	if code, _, stderr := run(t, "", "healthcheck", "--url", srv.URL+"/other"); code != 1 || !strings.Contains(stderr, "not with pyqbot's health report") {
		t.Errorf("another service's 200: exit %d, stderr %q, want 1", code, stderr)
	}
	if code, _, stderr := run(t, "", "healthcheck", "--url", srv.URL+"/moved"); code != 1 || !strings.Contains(stderr, "302 Found") {
		t.Errorf("a redirect: exit %d, stderr %q, want 1 naming the 302", code, stderr)
	}
	withPassword := strings.Replace(srv.URL, "http://", "http://u:s3cret@", 1) + "/other"
	if code, _, stderr := run(t, "", "healthcheck", "--url", withPassword); code != 1 || strings.Contains(stderr, "s3cret") {
		t.Errorf("a URL with a password: exit %d, stderr %q, want 1 and no password", code, stderr)
	}
	for _, bad := range []string{"0s", "-1s"} {
		if code, _, stderr := run(t, "", "healthcheck", "--url", srv.URL+"/healthz", "--timeout", bad); code != 2 || !strings.Contains(stderr, "--timeout "+bad) {
			t.Errorf("--timeout %s: exit %d, stderr %q, want 2 naming it", bad, code, stderr)
		}
	}
	status = http.StatusServiceUnavailable
	if code, _, stderr := run(t, "", "healthcheck", "--url", srv.URL+"/healthz"); code != 1 || !strings.Contains(stderr, "socket mode disconnected") {
		t.Errorf("unhealthy: exit %d, stderr %q, want 1 and the reason", code, stderr)
	}
	srv.Close()
	if code, _, stderr := run(t, "", "healthcheck", "--url", srv.URL+"/healthz"); code != 1 || !strings.Contains(stderr, "is pyqbot running") {
		t.Errorf("nothing listening: exit %d, stderr %q", code, stderr)
	}
	if code, _, stderr := run(t, "", "healthcheck", "--url", "ftp://x/healthz"); code != 1 || !strings.Contains(stderr, "not an http(s) URL") {
		t.Errorf("bad URL: exit %d, stderr %q", code, stderr)
	}
}

func TestHealthURLReachesAWildcardListenOnLoopback(t *testing.T) {
	t.Parallel()
	for listen, want := range map[string]string{
		"127.0.0.1:8080": "http://127.0.0.1:8080/healthz",
		"0.0.0.0:9000":   "http://127.0.0.1:9000/healthz",
		":8080":          "http://127.0.0.1:8080/healthz",
		"[::]:8080":      "http://[::1]:8080/healthz",
	} {
		if got, err := healthURL(listen); err != nil || got != want {
			t.Errorf("healthURL(%q) = %q, %v; want %q", listen, got, err, want)
		}
	}
}

func TestConfigFromTheEnvironment(t *testing.T) {
	t.Parallel()
	env := map[string]string{"PYQBOT_HTTP_LISTEN": "0.0.0.0:9090", "PYQBOT_HTTP_ENABLED": "true", "PYQBOT_LOG_FORMAT": "json",
		"PYQBOT_SLACK_ENABLED": "true", "PYQBOT_SLACK_ADMINS": "U1, U2", "PYQBOT_STORAGE_PATH": "/data/x.db"}
	path := writeFile(t, "env.toml", "[http]\nlisten = \"127.0.0.1:1\"\n[log]\nlevel = \"debug\"\n")
	cfg, err := loadConfigEnv(path, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.HTTP.Listen != "0.0.0.0:9090" || cfg.HTTP.Enabled == nil || !*cfg.HTTP.Enabled || cfg.Log.Format != "json" ||
		cfg.Log.Level != "debug" || !cfg.Slack.Enabled || strings.Join(cfg.Slack.Admins, "|") != "U1|U2" || cfg.Storage.Path != "/data/x.db" {
		t.Errorf("config = %+v", cfg)
	}
	env["PYQBOT_SLACK_ENABLED"] = "yes please"
	if _, err := loadConfigEnv(path, func(k string) string { return env[k] }); err == nil || !strings.Contains(err.Error(), "PYQBOT_SLACK_ENABLED") {
		t.Errorf("a bad boolean: %v, want an error naming the variable", err)
	}
	if got := configPath("", func(k string) string { return map[string]string{"PYQBOT_CONFIG": "/x.toml"}[k] }); got != "/x.toml" {
		t.Errorf("configPath with PYQBOT_CONFIG = %q", got)
	}
	if got := configPath("a.toml", func(string) string { return "/x.toml" }); got != "a.toml" {
		t.Errorf("--config does not win over PYQBOT_CONFIG: %q", got)
	}
}
