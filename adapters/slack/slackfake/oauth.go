package slackfake

import (
	"fmt"
	"net/http"
	"strings"
)

// The OAuth app the fake knows: oauth.v2.access takes these credentials and no others.
const (
	ClientID     = "1111.2222"
	ClientSecret = "fake-client-secret"
)

// grant is an authorisation code waiting to be exchanged, as Slack holds it after the consent screen.
type grant struct {
	team, teamName, redirect string
}

type oauthState struct {
	grants map[string]grant  // by code; deleted when exchanged (codes are single use)
	tokens map[string]string // issued bot token -> team
	seq    int
}

// Grant is a user approving the app for team on Slack's consent screen: code can then be exchanged
// once, with the redirect URL given here, for a new bot token of that team.
func (s *Server) Grant(code, team, teamName, redirect string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.oauth.grants == nil {
		s.oauth.grants = map[string]grant{}
	}
	s.oauth.grants[code] = grant{team: team, teamName: teamName, redirect: redirect}
}

// TeamOf is the team an issued token acts in ("" for a token the fake did not issue through OAuth).
func (s *Server) TeamOf(token string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.oauth.tokens[token]
}

// Revoke makes an issued token invalid, as an uninstall does.
func (s *Server) Revoke(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.oauth.tokens, token)
}

func (s *Server) issued(token string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.oauth.tokens[token]
	return ok
}

// oauthAccess is oauth.v2.access as Slack documents it: client credentials (form fields, as
// slack-go sends them), a code used at most once, and the same redirect_uri as the authorize step.
func (s *Server) oauthAccess(w http.ResponseWriter, c Call) {
	id, secret := c.Form.Get("client_id"), c.Form.Get("client_secret")
	if id != ClientID || secret != ClientSecret {
		writeJSON(w, map[string]any{"ok": false, "error": "invalid_client_id"})
		return
	}
	s.mu.Lock()
	g, ok := s.oauth.grants[c.Form.Get("code")]
	delete(s.oauth.grants, c.Form.Get("code"))
	var token string
	if ok && g.redirect == c.Form.Get("redirect_uri") {
		s.oauth.seq++
		token = fmt.Sprintf("xoxb-%s-issued-%d", g.team, s.oauth.seq)
		if s.oauth.tokens == nil {
			s.oauth.tokens = map[string]string{}
		}
		s.oauth.tokens[token] = g.team
	}
	s.mu.Unlock()
	switch {
	case !ok:
		writeJSON(w, map[string]any{"ok": false, "error": "invalid_code"})
	case token == "":
		writeJSON(w, map[string]any{"ok": false, "error": "bad_redirect_uri"})
	default:
		writeJSON(w, map[string]any{"ok": true, "access_token": token, "token_type": "bot",
			"scope": strings.Join(s.scopesNow(), ","), "bot_user_id": "UBOT" + g.team,
			"app_id": "AFAKE", "team": map[string]any{"id": g.team, "name": g.teamName}})
	}
}
