package slack

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
)

func TestTokenBoxSealsPerWorkspace(t *testing.T) {
	t.Parallel()
	key := bytes.Repeat([]byte{7}, 32)
	box, err := newTokenBox(key)
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := box.seal("TA", "xoxb-secret-token")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sealed, "xoxb") || strings.Contains(sealed, "secret") {
		t.Fatalf("sealed token shows the token: %s", sealed)
	}
	if got, err := box.open("TA", sealed); err != nil || got != "xoxb-secret-token" {
		t.Fatalf("open = %q, %v", got, err)
	}
	if _, err := box.open("TB", sealed); err == nil {
		t.Error("a token sealed for TA opened as TB's")
	}
	other, _ := newTokenBox(bytes.Repeat([]byte{8}, 32))
	if _, err := other.open("TA", sealed); err == nil || !strings.Contains(err.Error(), "token_key") {
		t.Errorf("wrong key: err = %v, want one naming token_key", err)
	}
	again, _ := box.seal("TA", "xoxb-secret-token")
	if again == sealed {
		t.Error("two seals of one token are equal: the nonce is not fresh")
	}
}

func TestParseTokenKey(t *testing.T) {
	t.Parallel()
	key := bytes.Repeat([]byte{0xab}, 32)
	for _, tc := range []struct {
		in   string
		ok   bool
		want string
	}{
		{hex.EncodeToString(key), true, ""},
		{base64.StdEncoding.EncodeToString(key), true, ""},
		{base64.RawURLEncoding.EncodeToString(key), true, ""},
		{base64.StdEncoding.EncodeToString(key[:16]), false, "16 bytes"},
		{"not a key at all!", false, "neither"},
		{"", false, ""},
	} {
		got, err := parseTokenKey(tc.in)
		if tc.ok != (err == nil) || tc.ok && !bytes.Equal(got, key) {
			t.Errorf("parseTokenKey(%q) = %x, %v", tc.in, got, err)
		}
		if err != nil && tc.in != "" && strings.Contains(err.Error(), tc.in) {
			t.Errorf("the error echoes the key: %v", err)
		}
		if err != nil && !strings.Contains(err.Error(), tc.want) {
			t.Errorf("parseTokenKey(%q) error = %v, want it to say %q", tc.in, err, tc.want)
		}
	}
}
