package discord

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
)

// Why the adapter does not serve, as a.health holds it for /healthz (nil while it serves), before
// Run has registered /pyq and after it returns. In between, http mode is healthy and the gateway's
// states follow its connection (gateway.go).
var (
	errStarting = errors.New("starting: registering /pyq")
	errStopped  = errors.New("stopped")
)

// Healthy reports whether the adapter serves Discord now (see a.health).
func (a *Adapter) Healthy(ctx context.Context) error { return a.health.Healthy(ctx) }

// routeWords are the fixed parts of the REST paths pyqbot calls; every other segment is an id or
// a token.
var routeWords = map[string]bool{"applications": true, "guilds": true, "commands": true, "channels": true,
	"messages": true, "threads": true, "interactions": true, "callback": true, "webhooks": true,
	"@original": true, "gateway": true, "bot": true, "users": true, "@me": true}

// route names a REST request by its method and path template, e.g. "POST /channels/{id}/messages":
// a metric label with a bounded set of values, and never an interaction token (webhook and
// interaction paths carry one, valid for 15 minutes).
func route(r *http.Request) string {
	segs := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(segs) >= 2 && segs[0] == "api" && strings.HasPrefix(segs[1], "v") {
		segs = segs[2:]
	}
	for i, s := range segs {
		switch {
		case i >= 2 && (segs[i-2] == "webhooks" || segs[i-2] == "interactions"):
			segs[i] = "{token}"
		case !routeWords[s]:
			segs[i] = "{id}"
		}
	}
	return r.Method + " /" + strings.Join(segs, "/")
}

// observeResponse counts a REST call that failed: code is the HTTP status, or "network" when no
// response came (a call cancelled by shutdown is not counted).
func (t *transport) observeResponse(req *http.Request, resp *http.Response, err error) {
	if t.metrics == nil {
		return
	}
	switch {
	case err != nil && req.Context().Err() == nil:
		t.metrics.APIError(platform, route(req), "network")
	case err == nil && resp.StatusCode >= 400:
		t.metrics.APIError(platform, route(req), strconv.Itoa(resp.StatusCode))
	}
}
