package discord

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/pyqbot/pyqbot/adapters/contract"
	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
)

// The contract over the gateway, and over the HTTP interactions endpoint, where replies are the
// response bodies.
func TestContract(t *testing.T) {
	t.Parallel()
	contract.RunModes(t, []string{ModeGateway, ModeHTTP}, func(t *testing.T, mode string) contract.Harness { return newGuild(t, mode) })
}

// guild is the contract's harness for Discord: the adapter against the strict fake, driven by
// interactions as Discord delivers them: INTERACTION_CREATE on the gateway, or signed requests to
// the HTTP endpoint.
type guild struct {
	f     *fakeDiscord
	a     *Adapter
	srv   *httptest.Server // HTTP mode: the interactions endpoint
	clock *testkit.FakeClock
	seq   int
}

func newGuild(t *testing.T, mode string) *guild {
	f := newFakeDiscord(t)
	clock := testkit.NewFakeClock(testNow)
	// The acknowledgement timer never fires: every interaction is answered directly, so what the
	// suite reads does not depend on how fast a loaded machine runs the engine.
	never := func(time.Duration) <-chan time.Time { return nil }
	opt := Options{Now: clock.Now, After: never}
	g := &guild{f: f, clock: clock}
	if mode == ModeHTTP {
		g.a, g.srv = serveHTTPAdapter(t, f, opt)
	} else {
		g.a = newTestAdapter(t, f, ModeGateway, opt)
	}
	return g
}

func (g *guild) Clock() *testkit.FakeClock      { return g.clock }
func (g *guild) Adapter() bot.Adapter           { return g.a }
func (g *guild) Conversation() bot.Conversation { return conv }
func (g *guild) Start(t *testing.T, h bot.Handler) {
	run(t, g.a, h)
	g.f.waitFor("PUT", "/api/v9/applications/app1/guilds/g1/commands")
}

func memberOf(u contract.User) actor {
	a := actor{id: "u-" + strings.ToLower(u.Name), name: u.Name, perms: discordgo.PermissionSendMessages}
	if u.Admin {
		a.perms |= discordgo.PermissionManageGuild
	}
	return a
}

// Command fills /pyq's subcommand options from text as a member would: the first word picks the
// subcommand, a leading #N the question option, and the rest the options in order (a Rest option
// takes all that is left).
func (g *guild) Command(t *testing.T, u contract.User, text string) contract.Reply {
	t.Helper()
	words := strings.Fields(text)
	var spec *bot.CommandSpec
	for _, c := range bot.Commands() {
		if c.Name == words[0] {
			spec = &c
		}
	}
	if spec == nil {
		t.Fatalf("no /pyq %s subcommand", words[0])
	}
	var opts []string
	rest := words[1:]
	for _, a := range spec.Args {
		if len(rest) == 0 {
			break
		}
		switch {
		case a.Name == "question":
			if strings.HasPrefix(rest[0], "#") {
				opts, rest = append(opts, a.Name, rest[0]), rest[1:]
			}
		case a.Rest:
			opts, rest = append(opts, a.Name, strings.Join(rest, " ")), nil
		default:
			opts, rest = append(opts, a.Name, rest[0]), rest[1:]
		}
	}
	if len(rest) > 0 {
		t.Fatalf("/pyq %s: %v fit no option", text, rest)
	}
	return g.interact(t, u, func(id string) []byte { return slash(id, memberOf(u), words[0], opts...) })
}

func (g *guild) Answer(t *testing.T, u contract.User, q contract.Message, key string) contract.Reply {
	t.Helper()
	id := idCommand + "answer #1 " + key
	if !slices.Contains(g.stored(t, q.ID).ids(), id) {
		t.Fatalf("question %s has no button %q", q.ID, id)
	}
	return g.interact(t, u, func(iid string) []byte { return press(iid, memberOf(u), id) })
}

func (g *guild) Vote(t *testing.T, u contract.User, m contract.Message, n int) (contract.Reply, bool) {
	t.Helper()
	for _, id := range g.stored(t, m.ID).ids() {
		if strings.HasPrefix(id, idVote) { // the select: the pick is its value
			return g.interact(t, u, func(iid string) []byte { return press(iid, memberOf(u), id, strconv.Itoa(n)) }), true
		}
		if id == fmt.Sprintf("%svote #1 %d", idCommand, n) { // a numbered button (over 25 explanations)
			return g.interact(t, u, func(iid string) []byte { return press(iid, memberOf(u), id) }), true
		}
	}
	t.Fatalf("message %s has no vote control for %d", m.ID, n)
	return contract.Reply{}, false
}

var _ contract.RubricControl = (*guild)(nil)

func (g *guild) OpenRubric(t *testing.T, u contract.User, m contract.Message) (contract.Reply, bool) {
	t.Helper()
	for _, id := range g.stored(t, m.ID).ids() {
		if strings.HasPrefix(id, idRubric) {
			return g.interact(t, u, func(iid string) []byte { return press(iid, memberOf(u), id) }), true
		}
	}
	return contract.Reply{}, false
}

// interact dispatches one interaction and reads its initial response, which an ephemeral flag
// shows only to the member who acted.
func (g *guild) interact(t *testing.T, u contract.User, payload func(id string) []byte) contract.Reply {
	t.Helper()
	g.seq++
	id := fmt.Sprintf("c%d", g.seq)
	var body []byte
	if g.srv != nil {
		code, b := do(t, g.srv, signed(payload(id), g.clock.Now()))
		if code != 200 {
			t.Fatalf("interaction %s: the endpoint answered %d %s", id, code, b)
		}
		body = []byte(b)
	} else {
		g.f.Dispatch(payload(id))
		body = g.f.waitFor("POST", "/api/v9/interactions/"+id+"/tok-"+id+"/callback").Body
	}
	var r struct {
		Type int           `json:"type"`
		Data discordObject `json:"data"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatalf("interaction %s response: %v\n%s", id, err, body)
	}
	if r.Type != 4 && r.Type != 7 {
		t.Fatalf("interaction %s answered with type %d, want a message (4) or an update (7):\n%s", id, r.Type, body)
	}
	out := contract.Reply{Text: r.Data.text(), Pings: r.Data.pings()}
	if r.Data.Flags&64 != 0 {
		out.Private, out.To = true, u.Name
	}
	return out
}

// discordObject is the part of a message, or an interaction response's data, the harness reads.
type discordObject struct {
	Content string `json:"content"`
	Flags   int    `json:"flags"`
	Embeds  []struct {
		Title       string `json:"title"`
		Description string `json:"description"`
		Fields      []struct{ Name, Value string }
		Footer      *struct {
			Text string `json:"text"`
		} `json:"footer"`
	} `json:"embeds"`
	Components []struct {
		Components []struct {
			Type     int    `json:"type"`
			CustomID string `json:"custom_id"`
			Label    string `json:"label"`
			Disabled bool   `json:"disabled"`
			Options  []struct {
				Label string `json:"label"`
				Value string `json:"value"`
			} `json:"options"`
		} `json:"components"`
	} `json:"components"`
	AllowedMentions *struct {
		Parse *[]string `json:"parse"`
		Roles []string  `json:"roles"`
		Users []string  `json:"users"`
	} `json:"allowed_mentions"`
}

// unbackslash undoes Discord's Markdown escapes: what a member reads.
var unbackslash = regexp.MustCompile(`\\(.)`)

func (m discordObject) text() string {
	var b strings.Builder
	b.WriteString(m.Content + "\n")
	for _, e := range m.Embeds {
		b.WriteString(e.Title + "\n" + e.Description + "\n")
		for _, f := range e.Fields {
			b.WriteString(f.Name + "\n" + f.Value + "\n")
		}
		if e.Footer != nil {
			b.WriteString(e.Footer.Text + "\n")
		}
	}
	for _, row := range m.Components {
		for _, c := range row.Components {
			b.WriteString(c.Label + "\n")
			for _, o := range c.Options {
				b.WriteString(o.Label + "\n")
			}
		}
	}
	return unbackslash.ReplaceAllString(b.String(), "$1")
}

// pings: Discord parses @everyone, @here, roles and users in content unless allowed_mentions says
// otherwise; pyqbot's promise is {parse: []} on everything it sends.
func (m discordObject) pings() []string {
	am := m.AllowedMentions
	if am == nil || am.Parse == nil || len(*am.Parse) > 0 || len(am.Roles) > 0 || len(am.Users) > 0 {
		return []string{"allowed_mentions is not {parse: []}: Discord would parse @everyone, @here and mentions"}
	}
	return nil
}

func (m discordObject) ids() []string {
	var ids []string
	for _, row := range m.Components {
		for _, c := range row.Components {
			if !c.Disabled {
				ids = append(ids, c.CustomID)
			}
		}
	}
	return ids
}

func (g *guild) stored(t *testing.T, id string) discordObject {
	t.Helper()
	raw, ok := g.f.Message(id)
	if !ok {
		t.Fatalf("no message %s", id)
	}
	var m discordObject
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func (g *guild) Messages(t *testing.T) []contract.Message {
	t.Helper()
	var out []contract.Message
	for _, s := range g.f.Messages() {
		var m discordObject
		if err := json.Unmarshal(s.Body, &m); err != nil {
			t.Fatal(err)
		}
		cm := contract.Message{ID: s.ID, Text: m.text(), Pings: m.pings()}
		if s.ChannelID != conv.Channel {
			cm.Thread = s.ChannelID // a thread's id is its parent message's
		}
		allOff, controls := true, 0
		for _, row := range m.Components {
			for _, c := range row.Components {
				controls++
				allOff = allOff && c.Disabled
				switch {
				case c.Disabled:
				case strings.HasPrefix(c.CustomID, idCommand+"answer "):
					cm.Choices = append(cm.Choices, c.CustomID[strings.LastIndex(c.CustomID, " ")+1:])
				case strings.HasPrefix(c.CustomID, idVote):
					for _, o := range c.Options {
						n, _ := strconv.Atoi(o.Value)
						cm.Votes = append(cm.Votes, n)
					}
				case strings.HasPrefix(c.CustomID, idCommand+"vote "):
					n, _ := strconv.Atoi(c.CustomID[strings.LastIndex(c.CustomID, " ")+1:])
					cm.Votes = append(cm.Votes, n)
				}
			}
		}
		closedTitle := len(m.Embeds) > 0 && strings.HasSuffix(m.Embeds[0].Title, "[closed]")
		cm.Closed = closedTitle && allOff && controls > 0
		out = append(out, cm)
	}
	return out
}
