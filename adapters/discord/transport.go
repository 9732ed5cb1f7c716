package discord

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

// transport is the session's HTTP transport. It points REST calls at [discord] api_url when set
// (discordgo's Endpoint* values are fixed at package init, so this is the only way to redirect them)
// and enforces Discord's global rate limit, which discordgo v0.29.0 only half honours: it reads the
// X-RateLimit-Global header but ignores the `global` flag in a 429's body, so one route's global 429
// would not stop requests on other routes.
type transport struct {
	base http.RoundTripper
	to   *url.URL // nil: Discord itself

	now     func() time.Time
	sleep   func(ctx contextDone, d time.Duration) error
	metrics bot.PlatformMetrics // nil: not counted

	mu          sync.Mutex
	globalUntil time.Time
}

// contextDone is the part of a context the wait needs; a request's context satisfies it.
type contextDone interface {
	Done() <-chan struct{}
	Err() error
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.mu.Lock()
	wait := t.globalUntil.Sub(t.now())
	t.mu.Unlock()
	if wait > 0 {
		if err := t.sleep(req.Context(), wait); err != nil {
			return nil, err
		}
	}
	if t.to != nil {
		req = req.Clone(req.Context())
		req.URL.Scheme = t.to.Scheme
		req.URL.Host = t.to.Host
		req.Host = t.to.Host
	}
	resp, err := t.base.RoundTrip(req)
	t.observeResponse(req, resp, err)
	if err != nil || resp.StatusCode != http.StatusTooManyRequests {
		return resp, err
	}
	// Read the 429 (small: Discord's is a few dozen bytes) to see whether it is global, then give
	// discordgo the same bytes to parse retry_after from.
	body, rerr := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if rerr != nil {
		return resp, nil
	}
	if rl, ok := parseRateLimit(resp.Header, body); ok && rl.global {
		t.mu.Lock()
		if until := t.now().Add(rl.retryAfter); until.After(t.globalUntil) {
			t.globalUntil = until
		}
		t.mu.Unlock()
	}
	return resp, nil
}

type rateLimit struct {
	retryAfter time.Duration
	global     bool
}

// parseRateLimit reads a 429: retry_after (float seconds) and global from the JSON body, falling
// back to the Retry-After and X-RateLimit-Global headers.
func parseRateLimit(h http.Header, body []byte) (rateLimit, bool) {
	var b struct {
		RetryAfter *float64 `json:"retry_after"`
		Global     bool     `json:"global"`
	}
	_ = json.Unmarshal(body, &b) // a non-JSON 429 (a proxy's) still has headers
	rl := rateLimit{global: b.Global || h.Get("X-RateLimit-Global") == "true" || h.Get("X-RateLimit-Scope") == "global"}
	switch {
	case b.RetryAfter != nil:
		rl.retryAfter = time.Duration(*b.RetryAfter * float64(time.Second))
	case h.Get("Retry-After") != "":
		s, err := strconv.ParseFloat(h.Get("Retry-After"), 64)
		if err != nil {
			return rl, false
		}
		rl.retryAfter = time.Duration(s * float64(time.Second))
	default:
		return rl, false
	}
	rl.retryAfter = max(rl.retryAfter, minRetryAfter)
	return rl, true
}

// minRetryAfter keeps a 429 that says "retry after 0" from turning into a tight loop of invalid
// requests (10,000 in 10 minutes gets the IP banned).
const minRetryAfter = 250 * time.Millisecond

// sleepCtx is bot.Sleep for the adapter's and transport's sleep fields.
func sleepCtx(ctx contextDone, d time.Duration) error { return bot.Sleep(ctx, d) }
