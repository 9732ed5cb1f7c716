package discordfake

import (
	"encoding/json"
	"strings"
	"testing"
)

// Create DM gives one channel per recipient; a message to a member who blocks DMs is 403 / 50007.
func TestCreateDMAndBlockedMember(t *testing.T) {
	f := New()
	defer f.Close()
	post := func(path, body string) (int, map[string]any) {
		t.Helper()
		resp, err := f.srv.Client().Post(f.URL()+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	if code, out := post("/api/v9/users/@me/channels", `{}`); code != 400 || out["code"] != float64(50035) {
		t.Errorf("Create DM without recipient_id: %d %v, want 400 50035", code, out)
	}
	code, ch := post("/api/v9/users/@me/channels", `{"recipient_id":"u1"}`)
	if code != 200 || ch["type"] != float64(1) || ch["id"] == "" {
		t.Fatalf("Create DM: %d %v", code, ch)
	}
	if _, again := post("/api/v9/users/@me/channels", `{"recipient_id":"u1"}`); again["id"] != ch["id"] {
		t.Errorf("a second Create DM gave %v, want the same channel %v", again["id"], ch["id"])
	}
	msgs := "/api/v9/channels/" + ch["id"].(string) + "/messages"
	if code, _ := post(msgs, `{"content":"hi"}`); code != 200 {
		t.Errorf("message to an open DM: %d", code)
	}
	f.BlockDMs("u1", true)
	if code, out := post(msgs, `{"content":"hi"}`); code != 403 || out["code"] != float64(50007) {
		t.Errorf("message to a member who blocks DMs: %d %v, want 403 50007", code, out)
	}
}
