package slack

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"
)

// maxBody caps a request body. Interaction payloads carry the whole message they came from, so
// they are the largest Slack sends; 1 MiB is far above any of ours.
const maxBody = 1 << 20

// Request paths in HTTP mode; the manifest's URLs end in them.
const (
	PathCommands     = "/slack/commands"
	PathInteractions = "/slack/interactions"
	PathEvents       = "/slack/events"
)

// Register adds the HTTP-mode handlers to mux. Every request is signature-checked before its body
// is parsed; anything unsigned, badly signed or stale gets 401 and touches nothing.
func (a *Adapter) Register(mux interface{ Handle(string, http.Handler) }) {
	mux.Handle("POST "+PathCommands, a.verified(a.serveCommand))
	mux.Handle("POST "+PathInteractions, a.verified(a.serveInteraction))
	mux.Handle("POST "+PathEvents, a.verified(a.serveEvent))
	a.registerInstall(mux)
}

// verified reads the capped raw body, checks its signature, and only then calls next.
func (a *Adapter) verified(next func(w http.ResponseWriter, body []byte, replayKey string, received time.Time)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start, received := time.Now(), a.now()
		a.idle.enter()
		defer a.idle.leave()
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, "could not read the request body", http.StatusBadRequest)
			return
		}
		if err := a.verifier.verify(r.Header.Get("X-Slack-Request-Timestamp"), r.Header.Get("X-Slack-Signature"), body); err != nil {
			a.log.Warn("slack request refused", "path", r.URL.Path, "remote", r.RemoteAddr, "reason", err)
			http.Error(w, "invalid or expired signature", http.StatusUnauthorized)
			return
		}
		if h, _ := a.handler(); h == nil {
			http.Error(w, "starting up, try again", http.StatusServiceUnavailable)
			return
		}
		// A signature names one request: seen again within the window, the request is a replay.
		// verify takes only the lowercase hex Slack sends, so the key is the signature as sent.
		sig := r.Header.Get("X-Slack-Signature")
		if !a.recent.first(sig, a.now()) {
			a.log.Warn("slack request refused", "path", r.URL.Path, "remote", r.RemoteAddr, "reason", "replay: this signature was already received")
			if r.URL.Path == PathEvents {
				// Acknowledged and dropped: an Events API delivery answered with an error is
				// retried, and too many failures make Slack turn the subscription off.
				return
			}
			http.Error(w, "request already received", http.StatusConflict)
			return
		}
		next(w, body, sig, received)
		// The acknowledgement is the response, written when next returns; the work it started runs on.
		a.metrics.ObserveAck(Platform, time.Since(start))
	})
}

func (a *Adapter) serveCommand(w http.ResponseWriter, body []byte, replayKey string, received time.Time) {
	cmd, sslCheck, err := parseSlashCommand(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if sslCheck {
		return // Slack checking our certificate: 200 is the answer
	}
	ack, followUp := a.command(cmd, replayKey, received, nil)
	// The reply is the response body; an empty 200 acknowledges without showing anything.
	acknowledge(w, ack, followUp)
}

func (a *Adapter) serveInteraction(w http.ResponseWriter, body []byte, replayKey string, received time.Time) {
	cb, err := parseInteraction(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	ack, followUp := a.interaction(cb, replayKey, received)
	acknowledge(w, ack, followUp)
}

// acknowledge writes the acknowledgement and then starts what follows it.
func acknowledge(w http.ResponseWriter, ack any, followUp func()) {
	if ack != nil {
		writeJSON(w, ack)
	}
	if followUp != nil {
		followUp()
	}
}

func (a *Adapter) serveEvent(w http.ResponseWriter, body []byte, _ string, _ time.Time) {
	env, err := parseEnvelope(body)
	if err != nil {
		http.Error(w, "body is not an Events API envelope", http.StatusBadRequest)
		return
	}
	if env.Type == "url_verification" {
		writeJSON(w, map[string]string{"challenge": env.Challenge})
		return
	}
	a.event(env)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}
