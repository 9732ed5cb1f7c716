package slackfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// api serves one Web API method: applies a queued failure, checks the token, answers as Slack
// would, then records the call.
func (s *Server) api(method string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := readCall(method, r)
		if err != nil {
			writeJSON(w, map[string]any{"ok": false, "error": "invalid_form_data"})
			return
		}
		// Recorded once answered, so a test that sees the call also sees its effect (a stored
		// message); the response is not sent before the handler returns, so order is kept.
		recorded := false
		record := func() {
			if !recorded {
				recorded = true
				s.record(c)
			}
		}
		defer record()
		if s.fail(method, w, record) {
			return
		}
		if method == "apps.connections.open" && s.socket.isDown() {
			http.Error(w, "service unavailable", http.StatusServiceUnavailable)
			return
		}
		if method == "oauth.v2.access" {
			s.oauthAccess(w, c)
			return
		}
		want := BotToken
		if method == "apps.connections.open" {
			want = AppToken
		}
		if c.Token != want && !s.issued(c.Token) {
			writeJSON(w, map[string]any{"ok": false, "error": "invalid_auth"})
			return
		}
		if r := checkCall(method, c); r != nil {
			writeJSON(w, r.answer())
			return
		}
		switch method {
		case "auth.test":
			writeJSON(w, map[string]any{"ok": true, "team_id": TeamID, "team": "Fake Team", "user_id": "UBOT", "bot_id": "BBOT"})
		case "users.info":
			s.usersInfo(w, c.Form.Get("user"))
		case "chat.postMessage":
			s.post(w, c)
		case "chat.update":
			s.update(w, c)
		case "chat.postEphemeral":
			writeJSON(w, map[string]any{"ok": true, "message_ts": s.nextTS()})
		case "views.open", "views.publish":
			view, _ := c.JSON["view"].(map[string]any)
			writeJSON(w, map[string]any{"ok": true, "view": map[string]any{"id": "V" + s.nextTS(), "type": view["type"]}})
		case "apps.connections.open":
			writeJSON(w, map[string]any{"ok": true, "url": "ws://" + s.ServerAddr + "/socket"})
		case "conversations.open":
			s.openConversation(w, c)
		}
	}
}

// openConversation is conversations.open as Slack documents it for a bot token: the im:write scope
// (a DM; mpim:write for several people, which pyqbot never asks for), `users` with one to eight
// ids (users_list_not_supplied, too_many_users), and a deactivated user refused with
// user_disabled. One user gives that user's DM with the bot, the same id every time.
func (s *Server) openConversation(w http.ResponseWriter, c Call) {
	if !s.hasScope("im:write") {
		writeJSON(w, map[string]any{"ok": false, "error": "missing_scope", "needed": "im:write", "provided": strings.Join(s.scopesNow(), ",")})
		return
	}
	raw := c.Form.Get("users")
	if raw == "" {
		writeJSON(w, map[string]any{"ok": false, "error": "users_list_not_supplied"})
		return
	}
	users := strings.Split(raw, ",")
	if len(users) > 8 {
		writeJSON(w, map[string]any{"ok": false, "error": "too_many_users"})
		return
	}
	if len(users) > 1 {
		writeJSON(w, map[string]any{"ok": false, "error": "missing_scope", "needed": "mpim:write"})
		return
	}
	s.mu.Lock()
	u := s.users[users[0]]
	s.mu.Unlock()
	if u.Disabled {
		writeJSON(w, map[string]any{"ok": false, "error": "user_disabled"})
		return
	}
	writeJSON(w, map[string]any{"ok": true, "channel": map[string]any{"id": DMChannel(users[0])}})
}

func (s *Server) scopesNow() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.scopes == nil {
		return DefaultScopes
	}
	return s.scopes
}

func (s *Server) nextTS() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	return fmt.Sprintf("1700000000.%06d", s.seq)
}

func (s *Server) usersInfo(w http.ResponseWriter, id string) {
	s.mu.Lock()
	u, ok := s.users[id]
	s.mu.Unlock()
	if !ok {
		u = User{Name: strings.ToLower(id)}
	}
	writeJSON(w, map[string]any{"ok": true, "user": map[string]any{
		"id": id, "team_id": TeamID, "name": u.Name, "real_name": u.Name, "is_admin": u.Admin, "is_owner": u.Owner,
		"profile": map[string]any{"display_name": u.DisplayName, "real_name": u.Name},
	}})
}

func (s *Server) post(w http.ResponseWriter, c Call) {
	channel := c.Form.Get("channel")
	if channel == "" {
		writeJSON(w, map[string]any{"ok": false, "error": "channel_not_found"})
		return
	}
	m := Message{Channel: channel, TS: s.nextTS(), ThreadTS: c.Form.Get("thread_ts"), Text: c.Form.Get("text"), Blocks: c.Form.Get("blocks")}
	s.mu.Lock()
	s.messages[channel+"/"+m.TS] = m
	s.mu.Unlock()
	writeJSON(w, map[string]any{"ok": true, "channel": channel, "ts": m.TS, "message": map[string]any{"text": m.Text, "ts": m.TS}})
}

func (s *Server) update(w http.ResponseWriter, c Call) {
	channel, ts := c.Form.Get("channel"), c.Form.Get("ts")
	s.mu.Lock()
	m, ok := s.messages[channel+"/"+ts]
	if ok {
		m.Text, m.Blocks = c.Form.Get("text"), c.Form.Get("blocks")
		s.messages[channel+"/"+ts] = m
	}
	s.mu.Unlock()
	if !ok {
		writeJSON(w, map[string]any{"ok": false, "error": "message_not_found"})
		return
	}
	writeJSON(w, map[string]any{"ok": true, "channel": channel, "ts": ts, "text": m.Text})
}

// response serves response_url: Slack answers a plain "ok".
func (s *Server) response(w http.ResponseWriter, r *http.Request) {
	c, err := readCall("response_url", r)
	if err != nil {
		http.Error(w, "invalid_payload", http.StatusBadRequest)
		return
	}
	s.record(c)
	if s.fail("response_url", w, nil) {
		return
	}
	if _, err := json.Marshal(c.JSON); err != nil || c.JSON == nil {
		http.Error(w, "invalid_payload", http.StatusBadRequest)
		return
	}
	if r := checkMessage(c.Blocks(), c.Get("text")); r != nil {
		// response_url answers a refusal with a 4xx and the error code as its body.
		http.Error(w, r.code, http.StatusBadRequest)
		return
	}
	w.Write([]byte("ok"))
}

// checkCall applies Slack's documented rules to a Web API call; nil when Slack would accept it.
func checkCall(method string, c Call) *refusal {
	switch method {
	case "chat.update", "chat.postEphemeral":
		// These methods take no unfurl arguments (only chat.postMessage does).
		for _, arg := range []string{"unfurl_links", "unfurl_media"} {
			if c.Form.Has(arg) {
				return &refusal{"invalid_arguments", []string{fmt.Sprintf("[ERROR] %s does not take %s", method, arg)}}
			}
		}
		fallthrough
	case "chat.postMessage":
		return checkMessage(c.Form.Get("blocks"), c.Form.Get("text"))
	case "views.open", "views.publish":
		view, ok := c.JSON["view"].(map[string]any)
		if !ok {
			return &refusal{"invalid_arguments", []string{"[ERROR] missing required field: view"}}
		}
		return checkView(view)
	}
	return nil
}

// Refusal is why Slack would refuse a recorded call ("" when it would take it): for tests that
// check a payload whose answer the adapter does not show (views.open).
func Refusal(c Call) string {
	if r := checkCall(c.Method, c); r != nil {
		return r.Error()
	}
	return ""
}
