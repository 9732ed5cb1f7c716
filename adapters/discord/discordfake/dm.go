package discordfake

import (
	"encoding/json"
	"io"
	"net/http"
	"regexp"
)

// Direct messages, as Discord documents them: POST /users/@me/channels with {"recipient_id"}
// (Create DM) returns the DM channel (type 1) with that user, the same one every time; a message to
// it is posted like any other. A user who does not accept direct messages from server members
// still gets a DM channel, but a message to it is refused 403 with code 50007 ("Cannot send
// messages to this user"), which is how a bot learns it cannot reach them.

// dmState is the fake's DM channels and who blocks them.
type dmState struct {
	byUser  map[string]string // recipient id -> DM channel id
	owner   map[string]string // DM channel id -> recipient id
	blocked map[string]bool   // recipient ids who refuse DMs from server members
}

var routeDMMessages = regexp.MustCompile(`^/api/v9/channels/([^/]+)/messages$`)

// BlockDMs makes user refuse direct messages (50007 on every message to their DM channel), or
// accept them again.
func (f *Server) BlockDMs(user string, block bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.dm.blocked == nil {
		f.dm.blocked = map[string]bool{}
	}
	f.dm.blocked[user] = block
}

// DMChannel is the id of the DM channel with user, once the bot created it.
func (f *Server) DMChannel(user string) (string, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	id, ok := f.dm.byUser[user]
	return id, ok
}

// createDM serves POST /users/@me/channels.
func (f *Server) createDM(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	var body struct {
		RecipientID string `json:"recipient_id"`
	}
	if err := json.Unmarshal(b, &body); err != nil || body.RecipientID == "" {
		refuse(w, []string{"BASE_TYPE_REQUIRED: recipient_id: This field is required"})
		return
	}
	f.mu.Lock()
	id, ok := f.dm.byUser[body.RecipientID]
	f.mu.Unlock()
	if !ok {
		id = "dm" + f.id()
		f.mu.Lock()
		if f.dm.byUser == nil {
			f.dm.byUser, f.dm.owner = map[string]string{}, map[string]string{}
		}
		if prev, raced := f.dm.byUser[body.RecipientID]; raced {
			id = prev
		} else {
			f.dm.byUser[body.RecipientID], f.dm.owner[id] = id, body.RecipientID
		}
		f.mu.Unlock()
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": id, "type": 1, "last_message_id": nil,
		"recipients": []any{map[string]any{"id": body.RecipientID, "username": body.RecipientID}}})
}

// dmRefused answers a message to the DM channel of a user who blocks DMs; false for any other call.
func (f *Server) dmRefused(w http.ResponseWriter, method, path string) bool {
	if method != http.MethodPost {
		return false
	}
	m := routeDMMessages.FindStringSubmatch(path)
	if m == nil {
		return false
	}
	f.mu.Lock()
	user, isDM := f.dm.owner[m[1]]
	blocked := isDM && f.dm.blocked[user]
	f.mu.Unlock()
	if !blocked {
		return false
	}
	writeJSON(w, http.StatusForbidden, map[string]any{"message": "Cannot send messages to this user", "code": 50007})
	return true
}
