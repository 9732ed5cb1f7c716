package slack

import (
	"bytes"
	"encoding/json"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/pyqbot/pyqbot/adapters/slack/slackfake"
)

// Native fuzz targets for everything pyqbot reads from outside over Slack. CI runs the seeds as
// tests; `go test -run XXX -fuzz FuzzName -fuzztime 60s ./adapters/slack` explores.

// seedFake gives the seed helpers response URLs of the shape tests use.
func seedFake(f *testing.F) *slackfake.Server {
	fake := slackfake.New()
	f.Cleanup(fake.Close)
	return fake
}

// FuzzVerify: no input panics; an accepted request is exactly one Slack signed with the secret,
// within 5 minutes; and any change to a signed request is refused.
func FuzzVerify(f *testing.F) {
	f.Add(docTimestamp, docSignature, []byte(docBody), int64(90))
	f.Add(docTimestamp, docSignature, []byte(docBody), int64(301))
	f.Add(docTimestamp, "v0=", []byte(""), int64(0))
	f.Add("-1", "v0=zz", []byte("payload=%7B%7D"), int64(-400))
	f.Add(" 1531420618", docSignature, []byte(docBody), int64(0))
	f.Fuzz(func(t *testing.T, ts, sig string, body []byte, skew int64) {
		now := time.Unix(1531420618, 0).Add(time.Duration(skew) * time.Second)
		v := verifier{secret: []byte(docSecret), now: func() time.Time { return now }}
		if err := v.verify(ts, sig, body); err == nil {
			n, perr := strconv.ParseInt(ts, 10, 64)
			if perr != nil || sig != Sign(docSecret, ts, body) {
				t.Fatalf("accepted %q %q: not Slack's signature of the body", ts, sig)
			}
			if d := now.Sub(time.Unix(n, 0)); d > signatureWindow || d < -signatureWindow {
				t.Fatalf("accepted a timestamp %v from now", d)
			}
		}
		// Whatever came in, the request signed now is accepted and any byte changed is refused.
		fresh := strconv.FormatInt(now.Unix(), 10)
		good := Sign(docSecret, fresh, body)
		if err := v.verify(fresh, good, body); err != nil {
			t.Fatalf("a correctly signed request was refused: %v", err)
		}
		if len(body) > 0 {
			changed := bytes.Clone(body)
			changed[len(changed)/2] ^= 0x01
			if v.verify(fresh, good, changed) == nil {
				t.Fatal("a changed body kept its signature")
			}
		}
		if v.verify(strconv.FormatInt(now.Unix()-1, 10), good, body) == nil {
			t.Fatal("a changed timestamp kept its signature")
		}
	})
}

// FuzzSlashCommand: no body panics; a form that parses round-trips through the form it came from.
func FuzzSlashCommand(f *testing.F) {
	fuzzFake := seedFake(f)
	f.Add([]byte(docBody))
	f.Add([]byte(slash(fuzzFake, "U1", "answer #12 B").Encode()))
	f.Add([]byte(slash(fuzzFake, "U1", "schedule set question \"0 9 * * 1-5\" Europe/Berlin").Encode()))
	f.Add([]byte("ssl_check=1&token=x"))
	f.Add([]byte("text=%zz&user_id=U1"))
	f.Add([]byte("text=a;b"))
	f.Fuzz(func(t *testing.T, body []byte) {
		cmd, sslCheck, err := parseSlashCommand(body)
		if err != nil || sslCheck {
			return
		}
		again, sslAgain, err := parseSlashCommand([]byte(slashForm(cmd).Encode()))
		if err != nil || sslAgain || again != cmd {
			t.Fatalf("round trip: %+v (%v), want %+v", again, err, cmd)
		}
	})
}

// interactionView is what pyqbot reads from an interaction: its round trip is the property.
type interactionView struct {
	Type, Team, UserTeam, Channel, Container, User, UserName, ResponseURL, Trigger string
	Actions                                                                        [][2]string // action id, value
	Ticked                                                                         []string
	Callback, Meta, ModalText                                                      string
}

func viewOf(cb slack.InteractionCallback) interactionView {
	v := interactionView{Type: string(cb.Type), Team: cb.Team.ID, UserTeam: cb.User.TeamID, Channel: cb.Channel.ID,
		Container: cb.Container.ChannelID, User: cb.User.ID, UserName: cb.User.Name, ResponseURL: cb.ResponseURL,
		Trigger: cb.TriggerID, Ticked: tickedKeys(cb), Callback: cb.View.CallbackID, Meta: cb.View.PrivateMetadata}
	for _, a := range cb.ActionCallback.BlockActions {
		v.Actions = append(v.Actions, [2]string{a.ActionID, a.Value})
	}
	if cb.View.State != nil {
		v.ModalText = cb.View.State.Values[blockText][actionText].Value
	}
	return v
}

// payloadOf writes v back in Slack's shape.
func payloadOf(v interactionView) []byte {
	actions := []any{}
	for _, a := range v.Actions {
		actions = append(actions, map[string]any{"type": "button", "block_id": "b", "action_id": a[0], "value": a[1]})
	}
	opts := []any{}
	for _, k := range v.Ticked {
		opts = append(opts, map[string]any{"value": k})
	}
	p := map[string]any{
		"type": v.Type, "team": map[string]any{"id": v.Team}, "channel": map[string]any{"id": v.Channel},
		"container":    map[string]any{"channel_id": v.Container},
		"user":         map[string]any{"id": v.User, "name": v.UserName, "team_id": v.UserTeam},
		"response_url": v.ResponseURL, "trigger_id": v.Trigger, "actions": actions,
		"view": map[string]any{"callback_id": v.Callback, "private_metadata": v.Meta,
			"state": map[string]any{"values": map[string]any{blockText: map[string]any{actionText: map[string]any{"value": v.ModalText}}}}},
	}
	if len(v.Ticked) > 0 {
		p["state"] = map[string]any{"values": map[string]any{blockReview: map[string]any{actionPick + "0": map[string]any{"selected_options": opts}}}}
	}
	raw, _ := json.Marshal(p)
	return []byte(url.Values{"payload": {string(raw)}}.Encode())
}

// FuzzInteraction: no body panics; what pyqbot reads from a parsed interaction (block_actions,
// view_submission, checkbox state, modal private_metadata) survives being written back and read.
func FuzzInteraction(f *testing.F) {
	fuzzFake := seedFake(f)
	seed := func(v map[string]any) {
		raw, _ := json.Marshal(v)
		f.Add([]byte(url.Values{"payload": {string(raw)}}.Encode()))
	}
	seed(buttonPress(fuzzFake, "U1", actionAnswer+"B", "answer #12 B", nil))
	seed(buttonPress(fuzzFake, "U1", actionSubmit, "#12", map[string]any{blockReview: map[string]any{
		actionPick + "0": map[string]any{"type": "checkboxes", "selected_options": []any{map[string]any{"value": "C"}, map[string]any{"value": "A"}}}}}))
	seed(buttonPress(fuzzFake, "U1", actionWrite, "#12", nil))
	seed(viewSubmission("U1", "#12", "C1", "a bounded queue"))
	f.Add([]byte("payload="))
	f.Add([]byte("payload=%7B%22type%22%3A%22block_actions%22%2C%22actions%22%3A%7B%7D%7D"))
	f.Fuzz(func(t *testing.T, body []byte) {
		cb, err := parseInteraction(body)
		if err != nil {
			return
		}
		want := viewOf(cb)
		back, err := parseInteraction(payloadOf(want))
		if err != nil {
			t.Fatalf("written back, the interaction no longer parses: %v", err)
		}
		got := viewOf(back)
		slices.Sort(want.Ticked) // tickedKeys sorts; written back they are one group
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("round trip:\n got %+v\nwant %+v", got, want)
		}
	})
}

// FuzzModalMetadata: any ref and channel survive the answer modal's private_metadata, and no
// metadata Slack hands back panics or yields a half-empty reference.
func FuzzModalMetadata(f *testing.F) {
	f.Add("#12", "C1", `{"ref":"#12","channel":"C1"}`)
	f.Add("p7", "D0", `{"ref":""}`)
	f.Add("", "", `null`)
	f.Fuzz(func(t *testing.T, ref, channel, raw string) {
		if meta, err := parseModalMeta(raw); err == nil && (meta.Ref == "" || meta.Channel == "") {
			t.Fatalf("accepted %q with an empty field", raw)
		}
		m := answerModal(ref, channel)
		meta, err := parseModalMeta(m.PrivateMetadata)
		if ref == "" || channel == "" {
			if err == nil {
				t.Fatal("accepted metadata without a ref or channel")
			}
			return
		}
		if err != nil || meta.Ref != toValidUTF8(ref) || meta.Channel != toValidUTF8(channel) {
			t.Fatalf("private_metadata %q read back as %+v (%v)", m.PrivateMetadata, meta, err)
		}
	})
}

// toValidUTF8 is what encoding/json makes of a string: invalid bytes become U+FFFD.
func toValidUTF8(s string) string {
	raw, _ := json.Marshal(s)
	var out string
	json.Unmarshal(raw, &out)
	return out
}

// FuzzEventEnvelope: no body panics; a parsed envelope round-trips through JSON.
func FuzzEventEnvelope(f *testing.F) {
	f.Add([]byte(homeOpened("Ev1", "U5")))
	f.Add([]byte(`{"type":"url_verification","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}`))
	f.Add([]byte(`{"type":"event_callback","event_id":"Ev2","event":{"type":"app_home_opened","tab":"messages"}}`))
	f.Add([]byte(`{"type":"event_callback","event":null}`))
	f.Add([]byte(`{"type":"event_callback","event_id":"Ev3","team_id":"T1","event":{"type":"tokens_revoked","tokens":{"oauth":["U1"],"bot":["UBOT"]}}}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		env, err := parseEnvelope(raw)
		if err != nil {
			return
		}
		out, err := json.Marshal(env)
		if err != nil {
			t.Fatal(err)
		}
		back, err := parseEnvelope(out)
		if err != nil || !reflect.DeepEqual(back, env) {
			t.Fatalf("round trip: %+v (%v), want %+v", back, err, env)
		}
	})
}
