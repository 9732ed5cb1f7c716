// Package keepalive is the HTTP transport the adapters call their platforms with.
package keepalive

import "net/http"

// PerHost is how many idle connections to one host are kept for reuse. A burst of answers sends a
// burst of calls to one host (Slack's confirmations to hooks.slack.com, a scheduled fan-out's
// posts to slack.com or discord.com); with net/http's default of 2, all but two of them dial, and
// in production TLS-handshake, a new connection and close it after.
const PerHost = 64

// Transport is net/http's default transport with room to keep a burst's connections (PerHost).
func Transport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = PerHost
	t.MaxIdleConns = max(t.MaxIdleConns, 2*PerHost)
	return t
}
