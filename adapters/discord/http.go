package discord

import (
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

// InteractionsPath is where Discord POSTs interactions in http mode (the Interactions Endpoint URL
// in the Developer Portal is https://YOUR-HOST/discord/interactions).
const InteractionsPath = "/discord/interactions"

// maxBody caps an interaction request: real ones are a few KiB.
const maxBody = 64 << 10

// freshness is how far X-Signature-Timestamp may be from now either way. discordgo's
// VerifyInteraction checks only the signature, so a captured request could be replayed forever.
const freshness = bot.SignatureWindow

// verify checks a request's Ed25519 signature over timestamp+body and the timestamp's freshness.
// It says why it failed, for the log; the caller answers 401 whatever the reason.
func verify(pub ed25519.PublicKey, now time.Time, sigHex, ts string, body []byte) error {
	if sigHex == "" || ts == "" {
		return errors.New("missing X-Signature-Ed25519 or X-Signature-Timestamp")
	}
	sig, err := hex.DecodeString(sigHex)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return errors.New("malformed signature")
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return errors.New("malformed timestamp")
	}
	if d := now.Sub(time.Unix(sec, 0)); d > freshness || d < -freshness {
		return errors.New("timestamp outside the 5-minute window (replayed request, or this host's clock is wrong)")
	}
	msg := make([]byte, 0, len(ts)+len(body))
	msg = append(append(msg, ts...), body...)
	if !ed25519.Verify(pub, msg, sig) {
		return errors.New("bad signature")
	}
	return nil
}

// ServeHTTP receives an interaction (http mode). The raw body is read under a size cap and
// verified before anything parses it; the initial response is the HTTP response body, written
// within Discord's 3 seconds, and any follow-up goes over REST after this returns.
func (a *Adapter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	received := time.Now()
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "POST interactions here", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		a.log.Warn("discord rejected an interaction request", "reason", "body unreadable or over 64 KiB", "remote", r.RemoteAddr)
		http.Error(w, "invalid request", http.StatusUnauthorized)
		return
	}
	if err := verify(a.pub, a.now(), r.Header.Get("X-Signature-Ed25519"), r.Header.Get("X-Signature-Timestamp"), body); err != nil {
		// Discord sends bad signatures on purpose to check this endpoint refuses them.
		a.log.Warn("discord rejected an interaction request", "reason", err.Error(), "remote", r.RemoteAddr)
		http.Error(w, "invalid request signature", http.StatusUnauthorized)
		return
	}
	sig := strings.ToLower(r.Header.Get("X-Signature-Ed25519"))
	if !a.seen.first(sig, a.now()) {
		// A valid signature seen before is a captured request sent again, not Discord.
		a.log.Warn("discord refused a replayed interaction request (its signature was already seen)", "remote", r.RemoteAddr)
		http.Error(w, "request already received", http.StatusConflict)
		return
	}
	in, err := parseInteraction(body)
	if err != nil {
		a.log.Warn("discord could not decode a signed interaction", "err", err)
		http.Error(w, "malformed interaction", http.StatusBadRequest)
		return
	}
	in.replayKey = sig
	// The engine's work must not stop when this request returns: a deferred reply follows later.
	h, ctx, end, ok := a.begin()
	if !ok {
		http.Error(w, "pyqbot is not running", http.StatusServiceUnavailable)
		return
	}
	// The responder returns once the response is written and flushed: a deferred reply's follow-up
	// belongs after the deferral it follows (the protocol's order: a follow-up is a message on an
	// acknowledged interaction), and a core finishing just after the deferral would send it at once,
	// racing the response still in this handler.
	initial, written := make(chan any, 1), make(chan error, 1)
	go func() {
		defer end()
		a.interact(ctx, h, in, func(resp any) error {
			initial <- resp
			return <-written
		})
	}()
	var resp any
	select {
	case resp = <-initial:
	case <-r.Context().Done():
		written <- r.Context().Err()
		return
	}
	b, err := json.Marshal(resp)
	if err != nil {
		written <- err
		a.log.Error("discord encoding an interaction response failed", "workspace", in.GuildID, "channel", in.ChannelID, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	// With its length, the flush below sends the whole response. Without it a response flushed
	// before the handler returns is chunked, and Discord has it only with the closing chunk, written
	// when this handler returns: after the follow-up, if this goroutine is held up meanwhile.
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	_, err = w.Write(b)
	if err == nil {
		err = http.NewResponseController(w).Flush()
	}
	written <- err
	if err == nil {
		a.metrics.ObserveAck(platform, time.Since(received))
	}
}
