package slack

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

// Why a request was refused. The reasons go to the log (never the headers or body themselves).
var (
	errNoSignature  = errors.New("missing X-Slack-Signature or X-Slack-Request-Timestamp header")
	errBadTimestamp = errors.New("X-Slack-Request-Timestamp is not a Unix time")
	errStale        = errors.New("request timestamp is more than 5 minutes from now (replay, or this machine's clock is wrong)")
	errBadFormat    = errors.New("X-Slack-Signature is not v0= followed by 64 hex digits")
	errMismatch     = errors.New("signature does not match the body (wrong [slack] signing_secret, or a forged request)")
)

// signatureWindow is how far a request's timestamp may be from now, in either direction.
const signatureWindow = bot.SignatureWindow

// verifier checks Slack's v0 request signatures against a signing secret, on an injectable clock
// (slack.NewSecretsVerifier reads the real clock, so it cannot check a fixed test vector).
type verifier struct {
	secret []byte
	now    func() time.Time
}

// verify checks the signature and timestamp headers against the raw body, before anything parses
// it: HMAC-SHA256 over "v0:{timestamp}:{body}", compared in constant time.
func (v verifier) verify(timestamp, signature string, body []byte) error {
	if timestamp == "" || signature == "" {
		return errNoSignature
	}
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return errBadTimestamp
	}
	if d := v.now().Sub(time.Unix(ts, 0)); d > signatureWindow || d < -signatureWindow {
		return errStale
	}
	hexSig, ok := strings.CutPrefix(signature, "v0=")
	if !ok || len(hexSig) != 2*sha256.Size {
		return errBadFormat
	}
	if _, err := hex.DecodeString(hexSig); err != nil {
		return errBadFormat
	}
	// Compared as text, not as decoded bytes: Slack sends lowercase hex, and a copy with its case
	// changed would verify as the same MAC yet be another replay key (the signature names the
	// request in the replay memory), so a captured command could run twice (found by FuzzVerify).
	if !hmac.Equal([]byte(hexSig), []byte(hex.EncodeToString(sign(v.secret, timestamp, body)))) {
		return errMismatch
	}
	return nil
}

func sign(secret []byte, timestamp string, body []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("v0:" + timestamp + ":"))
	m.Write(body)
	return m.Sum(nil)
}

// Sign returns the X-Slack-Signature value for body sent at timestamp: what Slack computes. Tests,
// the load command and local fakes use it to make requests the adapter accepts.
func Sign(secret, timestamp string, body []byte) string {
	return "v0=" + hex.EncodeToString(sign([]byte(secret), timestamp, body))
}

// Verify checks a request's X-Slack-Request-Timestamp and X-Slack-Signature against its raw body
// as of now, exactly as the adapter's handlers do. The load command's baseline handler uses it.
func Verify(secret string, now time.Time, timestamp, signature string, body []byte) error {
	return verifier{secret: []byte(secret), now: func() time.Time { return now }}.verify(timestamp, signature, body)
}
