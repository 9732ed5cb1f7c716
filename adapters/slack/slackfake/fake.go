// Package slackfake is an in-process fake of the parts of Slack pyqbot uses, built on slack-go's
// slacktest server with handlers of its own: the Web API methods (chat.postMessage, chat.update,
// chat.postEphemeral, views.open, views.publish, users.info, auth.test, apps.connections.open,
// conversations.open for direct messages),
// response_url endpoints, and a Socket Mode websocket that sends envelopes and collects acks (up
// to 10 connections at once, as Slack allows an app, each envelope on one of them).
// It refuses what Slack documents it refuses (rules.go: block counts and sizes, text lengths,
// arguments a method does not take) with Slack's error codes, records every call so tests can
// assert on what a user would see, and can answer with errors, 429s or a dropped connection. Tests, the load command and local runs use it; it is not Slack.
package slackfake

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack/slacktest"
)

// Tokens the fake accepts unless told otherwise.
const (
	BotToken = "xoxb-fake-bot-token"
	AppToken = "xapp-fake-app-token"
	TeamID   = "T0FAKE"
)

// Call is one request the fake received.
type Call struct {
	Method string     // Web API method, or "response_url"
	Token  string     // the token it carried (form field or bearer)
	Form   url.Values // form-encoded calls
	JSON   map[string]any
	Path   string // response_url calls: the path, which names the URL
	At     time.Time
}

// Blocks returns the call's blocks as JSON: the form field for chat.*, the field in a JSON body.
func (c Call) Blocks() string {
	if b := c.Form.Get("blocks"); b != "" {
		return b
	}
	if b, ok := c.JSON["blocks"]; ok {
		out, _ := json.Marshal(b)
		return string(out)
	}
	if v, ok := c.JSON["view"].(map[string]any); ok {
		out, _ := json.Marshal(v["blocks"])
		return string(out)
	}
	return ""
}

// Get returns a form value or a top-level JSON string field.
func (c Call) Get(key string) string {
	if v := c.Form.Get(key); v != "" {
		return v
	}
	if s, ok := c.JSON[key].(string); ok {
		return s
	}
	return ""
}

// Failure is a canned bad answer for the next call of a method.
type Failure struct {
	RetryAfter int    // answer 429 with this Retry-After (seconds)
	Error      string // answer {"ok":false,"error":Error}
	Drop       bool   // close the connection without an answer
	Delay      time.Duration
	// Hold, when set, keeps the call waiting until it is closed; then the call fails as the other
	// fields say, or succeeds as usual when they are empty.
	Hold chan struct{}
}

// User is what users.info says about a user.
type User struct {
	Name, DisplayName string
	Admin, Owner      bool
	// Disabled is a deactivated account: conversations.open refuses it with user_disabled.
	Disabled bool
}

// Server is the fake.
type Server struct {
	*slacktest.Server

	mu       sync.Mutex
	changed  *sync.Cond
	calls    []Call
	failures map[string][]Failure
	users    map[string]User
	messages map[string]Message // by channel/ts
	seq      int
	oauth    oauthState
	scopes   []string // the bot token's scopes; nil: DefaultScopes

	socket socket
}

// Message is a message as the fake channel holds it now.
type Message struct {
	Channel, TS, ThreadTS, Text, Blocks string
}

// New starts a fake Slack. Close it when done.
func New() *Server {
	s := &Server{failures: map[string][]Failure{}, users: map[string]User{}, messages: map[string]Message{}}
	s.changed = sync.NewCond(&s.mu)
	s.socket.init()
	s.Server = slacktest.NewTestServer(func(c slacktest.Customize) {
		for _, m := range []string{"oauth.v2.access", "chat.postMessage", "chat.update", "chat.postEphemeral", "views.open", "views.publish", "users.info", "auth.test", "apps.connections.open", "conversations.open"} {
			c.Handle("/"+m, s.api(m))
		}
		c.Handle("/response/", s.response)
		c.Handle("/socket", slacktest.Websocket(s.serveSocket))
	})
	s.Start()
	return s
}

// Close stops the server.
func (s *Server) Close() {
	s.socket.close()
	s.Stop()
}

// APIURL is the value for [slack] api_url.
func (s *Server) APIURL() string { return s.GetAPIURL() }

// ResponseURL is a response_url for an interaction; calls to it are recorded as "response_url"
// with Path "/response/"+name.
func (s *Server) ResponseURL(name string) string {
	return strings.TrimSuffix(s.GetAPIURL(), "/") + "/response/" + url.PathEscape(name)
}

// DefaultScopes are the bot scopes the fake's tokens carry unless SetScopes says otherwise: what
// pyqbot's manifests ask for.
var DefaultScopes = []string{"commands", "chat:write", "chat:write.public", "users:read", "im:write"}

// SetScopes gives the bot token other scopes, e.g. an app installed before a scope was added:
// methods needing a missing one answer missing_scope.
func (s *Server) SetScopes(scopes ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.scopes = append([]string{}, scopes...)
}

func (s *Server) hasScope(scope string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.scopes == nil {
		return slices.Contains(DefaultScopes, scope)
	}
	return slices.Contains(s.scopes, scope)
}

// DMChannel is the id of the direct message conversations.open opens with user: post there and
// it is the user's DM with the bot.
func DMChannel(user string) string { return "D" + user }

// SetUser says what users.info returns for id.
func (s *Server) SetUser(id string, u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[id] = u
}

// Fail queues failures for the next calls of method, in order.
func (s *Server) Fail(method string, fs ...Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures[method] = append(s.failures[method], fs...)
}

// Calls returns the calls of method so far (all calls when method is empty).
func (s *Server) Calls(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.callsLocked(method)
}

func (s *Server) callsLocked(method string) []Call {
	var out []Call
	for _, c := range s.calls {
		if method == "" || c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// WaitCalls waits until method has been called at least n times and returns the calls. It gives up
// after timeout (a failure guard, not a way to synchronise) and returns what it has with an error.
func (s *Server) WaitCalls(method string, n int, timeout time.Duration) ([]Call, error) {
	deadline := time.Now().Add(timeout)
	timer := time.AfterFunc(timeout, func() {
		s.mu.Lock()
		s.changed.Broadcast()
		s.mu.Unlock()
	})
	defer timer.Stop()
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		got := s.callsLocked(method)
		if len(got) >= n {
			return got, nil
		}
		if !time.Now().Before(deadline) {
			return got, fmt.Errorf("slackfake: %d calls of %s after %s, want %d", len(got), method, timeout, n)
		}
		s.changed.Wait()
	}
}

// Message returns the message at ts in channel as it stands (after chat.update).
func (s *Server) Message(channel, ts string) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.messages[channel+"/"+ts]
	return m, ok
}

// Messages returns the messages of channel in the order they were posted; a thread's replies
// carry its parent's ts in ThreadTS.
func (s *Server) Messages(channel string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.messages {
		if m.Channel == channel {
			out = append(out, m)
		}
	}
	slices.SortFunc(out, func(a, b Message) int { return strings.Compare(a.TS, b.TS) })
	return out
}

func (s *Server) record(c Call) {
	s.mu.Lock()
	s.calls = append(s.calls, c)
	s.changed.Broadcast()
	s.mu.Unlock()
}

func (s *Server) nextFailure(method string) (Failure, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.failures[method]
	if len(q) == 0 {
		return Failure{}, false
	}
	s.failures[method] = q[1:]
	return q[0], true
}

// readCall parses a request the way Slack would: a form, or a JSON body with a bearer token.
func readCall(method string, r *http.Request) (Call, error) {
	c := Call{Method: method, Path: r.URL.Path, At: time.Now()}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return c, err
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		if len(body) > 0 {
			if err := json.Unmarshal(body, &c.JSON); err != nil {
				return c, err
			}
		}
	} else if c.Form, err = url.ParseQuery(string(body)); err != nil {
		return c, err
	}
	c.Token = c.Form.Get("token")
	if bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		c.Token = bearer
	}
	return c, nil
}

// fail answers with a queued failure; it reports whether it did. beforeDrop, when set, runs before
// a dropped connection closes: the client sees the error at once, and a test that then reads the
// calls must find this one.
func (s *Server) fail(method string, w http.ResponseWriter, beforeDrop func()) bool {
	f, ok := s.nextFailure(method)
	if !ok {
		return false
	}
	if f.Delay > 0 {
		time.Sleep(f.Delay)
	}
	if f.Hold != nil {
		<-f.Hold
	}
	switch {
	case f.Drop:
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				if beforeDrop != nil {
					beforeDrop()
				}
				conn.Close()
				return true
			}
		}
		http.Error(w, "dropped", http.StatusBadGateway)
	case f.RetryAfter > 0:
		w.Header().Set("Retry-After", fmt.Sprint(f.RetryAfter))
		w.WriteHeader(http.StatusTooManyRequests)
	case f.Error != "":
		writeJSON(w, map[string]any{"ok": false, "error": f.Error})
	default:
		return false
	}
	return true
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}
