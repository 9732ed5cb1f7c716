package slack

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// tokenBox seals workspaces' bot tokens for the database with AES-256-GCM. The workspace id is the
// additional data, so a sealed token copied onto another workspace's row does not open.
type tokenBox struct{ aead cipher.AEAD }

// sealVersion prefixes sealed tokens, so a later key rotation can tell old ones apart.
const sealVersion = "v1:"

// parseTokenKey reads a 32-byte key written as 64 hex digits or base64 (standard or URL, padded or
// not). The error never contains the key.
func parseTokenKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if len(s) == 64 {
		if k, err := hex.DecodeString(s); err == nil {
			return k, nil
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if k, err := enc.DecodeString(s); err == nil {
			if len(k) != 32 {
				return nil, fmt.Errorf("it decodes to %d bytes, want 32", len(k))
			}
			return k, nil
		}
	}
	return nil, errors.New("it is neither 64 hex digits nor base64 of 32 bytes")
}

func newTokenBox(key []byte) (*tokenBox, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &tokenBox{aead: aead}, nil
}

func (b *tokenBox) seal(team, token string) (string, error) {
	nonce := make([]byte, b.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	out := b.aead.Seal(nonce, nonce, []byte(token), []byte(team))
	return sealVersion + base64.RawStdEncoding.EncodeToString(out), nil
}

// errWrongKey says what to check without echoing anything sealed.
var errWrongKey = errors.New("a stored bot token does not open with [slack] token_key (PYQBOT_SLACK_TOKEN_KEY): is it the key the workspaces were installed with?")

func (b *tokenBox) open(team, sealed string) (string, error) {
	raw, ok := strings.CutPrefix(sealed, sealVersion)
	if !ok {
		return "", errWrongKey
	}
	data, err := base64.RawStdEncoding.DecodeString(raw)
	if err != nil || len(data) < b.aead.NonceSize() {
		return "", errWrongKey
	}
	n := b.aead.NonceSize()
	plain, err := b.aead.Open(nil, data[:n], data[n:], []byte(team))
	if err != nil {
		return "", errWrongKey
	}
	return string(plain), nil
}
