package slack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/adapters/slack/slackfake"
	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
	"github.com/pyqbot/pyqbot/storage"
)

const fakeAuthorize = "https://slack.test/oauth/v2/authorize"

// distEnv is a distributed app (any workspace installs it) against the fake Slack, with a real
// SQLite store for the installs.
type distEnv struct {
	*env
	store *storage.DB
	logs  *testkit.SyncBuffer
}

func newDistEnv(t *testing.T) *distEnv {
	t.Helper()
	e := &env{t: t, fake: slackfake.New(), core: newCore(), clock: testkit.NewFakeClock(time.Unix(1_800_000_000, 0)), obs: &observed{}, timer: newDeadlineTimer()}
	t.Cleanup(e.fake.Close)
	store := tempStore(t)
	mux := http.NewServeMux()
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	logs := &testkit.SyncBuffer{}
	e.a = New(Options{
		Settings: Settings{Mode: ModeHTTP, APIURL: e.fake.APIURL(), SigningSecret: testSecret,
			ClientID: slackfake.ClientID, ClientSecret: slackfake.ClientSecret,
			TokenKey: bytes.Repeat([]byte{42}, 32), RedirectURL: e.srv.URL + PathOAuthCallback},
		Installs: store, AuthorizeURL: fakeAuthorize, Replays: store,
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Now:    e.clock.Now, Metrics: e.obs, After: e.timer.after,
	})
	e.a.Register(mux)
	return &distEnv{env: e, store: store, logs: logs}
}

func (d *distEnv) get(path string) (int, string) {
	d.t.Helper()
	resp, err := d.srv.Client().Get(d.srv.URL + path)
	if err != nil {
		d.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, html.UnescapeString(string(body))
}

var linkRe = regexp.MustCompile(`href="([^"]+)"`)

// installLink opens the install page and returns its "Add to Slack" link's query.
func (d *distEnv) installLink() url.Values {
	d.t.Helper()
	status, body := d.get(PathInstall)
	m := linkRe.FindStringSubmatch(body)
	if status != 200 || m == nil {
		d.t.Fatalf("install page = %d %q, want 200 with an Add to Slack link", status, body)
	}
	u, err := url.Parse(m[1])
	if err != nil || !strings.HasPrefix(m[1], fakeAuthorize+"?") {
		d.t.Fatalf("Add to Slack link %q does not go to Slack's consent screen", m[1])
	}
	return u.Query()
}

// install runs the whole flow for team and returns the callback's page.
func (d *distEnv) install(team string) (int, string) {
	d.t.Helper()
	q := d.installLink()
	code := "code-" + team
	d.fake.Grant(code, team, "Team "+team, q.Get("redirect_uri"))
	return d.get(PathOAuthCallback + "?" + url.Values{"code": {code}, "state": {q.Get("state")}}.Encode())
}

func TestDistributionInstallsEachWorkspaceWithItsOwnToken(t *testing.T) {
	t.Parallel()
	d := newDistEnv(t)
	d.start()
	q := d.installLink()
	if q.Get("client_id") != slackfake.ClientID || q.Get("scope") != strings.Join(BotScopes, ",") ||
		q.Get("redirect_uri") != d.srv.URL+PathOAuthCallback || q.Get("state") == "" {
		t.Fatalf("authorize query = %v", q)
	}
	for _, team := range []string{"TA", "TB"} {
		if status, body := d.install(team); status != 200 || !strings.Contains(body, "pyqbot is installed") {
			t.Fatalf("install %s = %d %q", team, status, body)
		}
		in, err := d.store.Install(context.Background(), Platform, team)
		if err != nil || in.Name != "Team "+team || in.BotUser != "UBOT"+team {
			t.Fatalf("stored install of %s = %+v, %v", team, in, err)
		}
		if strings.Contains(in.Sealed, "xoxb") {
			t.Fatalf("the token is stored in clear: %s", in.Sealed)
		}
	}
	// Each workspace's messages go out with its own token.
	for _, team := range []string{"TA", "TB", "TA"} {
		if _, err := d.a.Send(context.Background(), bot.Conversation{Platform: Platform, Workspace: team, Channel: "C" + team}, bot.Post{Text: "hi " + team}); err != nil {
			t.Fatalf("send to %s: %v", team, err)
		}
	}
	posts := d.fake.Calls("chat.postMessage")
	if len(posts) != 3 {
		t.Fatalf("%d posts, want 3", len(posts))
	}
	for _, c := range posts {
		if team := d.fake.TeamOf(c.Token); "C"+team != c.Get("channel") {
			t.Errorf("post to %s carried a token of workspace %q", c.Get("channel"), team)
		}
	}
	if _, err := d.a.Send(context.Background(), bot.Conversation{Platform: Platform, Workspace: "TX", Channel: "C1"}, bot.Post{Text: "hi"}); err == nil ||
		!strings.Contains(err.Error(), "has no install") {
		t.Errorf("send to a workspace that never installed: err = %v, want one saying it has no install", err)
	}
	if logs := d.logs.String(); strings.Contains(logs, slackfake.ClientSecret) || strings.Contains(logs, "xoxb-") {
		t.Errorf("a secret reached the log:\n%s", logs)
	}
}

func TestDistributionCallbackRefusesBadInput(t *testing.T) {
	t.Parallel()
	d := newDistEnv(t)
	d.start()
	good := d.installLink()
	redirect := good.Get("redirect_uri")
	forged := good.Get("state")
	forged = forged[:len(forged)-2] + "xx"
	for _, tc := range []struct {
		name   string
		query  url.Values
		grant  bool
		status int
		want   string
	}{
		{"missing state", url.Values{"code": {"c1"}}, true, 400, "no state"},
		{"forged state", url.Values{"code": {"c2"}, "state": {forged}}, true, 400, "not issued by this bot"},
		{"state from elsewhere", url.Values{"code": {"c3"}, "state": {"abc.99999999999.def"}}, true, 400, "not issued by this bot"},
		{"declined on Slack", url.Values{"error": {"access_denied"}, "state": {good.Get("state")}}, false, 200, `Slack said "access_denied"`},
		{"code Slack does not know", url.Values{"code": {"never-granted"}, "state": {d.installLink().Get("state")}}, false, 502, "invalid_code"},
		{"no code", url.Values{"state": {d.installLink().Get("state")}}, false, 400, "no code"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.grant {
				d.fake.Grant(tc.query.Get("code"), "TZ", "Team Z", redirect)
			}
			status, body := d.get(PathOAuthCallback + "?" + tc.query.Encode())
			if status != tc.status || !strings.Contains(body, "pyqbot was not installed") || !strings.Contains(body, tc.want) {
				t.Errorf("callback = %d %q, want %d saying %q", status, body, tc.status, tc.want)
			}
			if _, err := d.store.Install(context.Background(), Platform, "TZ"); !errors.Is(err, bot.ErrNotFound) {
				t.Errorf("something was stored: %v", err)
			}
		})
	}
	// An expired link.
	q := d.installLink()
	d.fake.Grant("late", "TZ", "Team Z", redirect)
	d.clock.Advance(stateTTL + time.Second)
	status, body := d.get(PathOAuthCallback + "?" + url.Values{"code": {"late"}, "state": {q.Get("state")}}.Encode())
	if status != 400 || !strings.Contains(body, "expired") {
		t.Errorf("expired link: %d %q", status, body)
	}
	// A replayed callback: the first installs, the second is refused and makes no second exchange.
	if status, _ := d.install("TR"); status != 200 {
		t.Fatalf("install TR = %d", status)
	}
	exchanges := len(d.fake.Calls("oauth.v2.access"))
	q = d.installLink()
	d.fake.Grant("code-replay", "TY", "Team Y", redirect)
	cb := PathOAuthCallback + "?" + url.Values{"code": {"code-replay"}, "state": {q.Get("state")}}.Encode()
	if status, _ := d.get(cb); status != 200 {
		t.Fatalf("first callback = %d", status)
	}
	status, body = d.get(cb)
	if status != 400 || !strings.Contains(body, "already used") {
		t.Errorf("replayed callback = %d %q, want 400 saying the link was already used", status, body)
	}
	if n := len(d.fake.Calls("oauth.v2.access")); n != exchanges+1 {
		t.Errorf("%d code exchanges after the replay, want %d", n, exchanges+1)
	}
	if logs := d.logs.String(); strings.Contains(logs, slackfake.ClientSecret) || strings.Contains(logs, "xoxb-") {
		t.Errorf("a secret reached the log:\n%s", logs)
	}
}

func uninstallEvent(id, team, kind string) string {
	extra := ""
	if kind == "tokens_revoked" {
		extra = `,"tokens":{"oauth":[],"bot":["UBOT` + team + `"]}`
	}
	return fmt.Sprintf(`{"type":"event_callback","event_id":%q,"team_id":%q,"event":{"type":%q%s}}`, id, team, kind, extra)
}

func TestUninstallDeletesTheTokenAndAReinstallResumes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, kind := range []string{"app_uninstalled", "tokens_revoked"} {
		t.Run(kind, func(t *testing.T) {
			d := newDistEnv(t)
			d.start()
			for _, team := range []string{"TA", "TB"} {
				if _, err := d.store.EnsureChannel(ctx, bot.Conversation{Platform: Platform, Workspace: team, Channel: "C" + team}, "UTC"); err != nil {
					t.Fatal(err)
				}
				if status, _ := d.install(team); status != 200 {
					t.Fatalf("install %s = %d", team, status)
				}
			}
			if resp := d.signed(PathEvents, "application/json", uninstallEvent("Ev1", "TA", kind)); resp.StatusCode != 200 {
				t.Fatalf("event ack = %d", resp.StatusCode)
			}
			d.a.work.Wait() // the work the event started
			if _, err := d.store.Install(ctx, Platform, "TA"); !errors.Is(err, bot.ErrNotFound) {
				t.Fatalf("TA's token is still stored after %s: %v", kind, err)
			}
			if _, err := d.a.Send(ctx, bot.Conversation{Platform: Platform, Workspace: "TA", Channel: "CTA"}, bot.Post{Text: "hi"}); err == nil {
				t.Error("a post to the uninstalled workspace went out")
			}
			if _, err := d.a.Send(ctx, bot.Conversation{Platform: Platform, Workspace: "TB", Channel: "CTB"}, bot.Post{Text: "hi"}); err != nil {
				t.Errorf("the other workspace stopped working: %v", err)
			}
			chs, _ := d.store.Channels(ctx)
			if len(chs) != 1 || chs[0].Conv.Workspace != "TB" {
				t.Errorf("scheduled channels = %+v, want only TB's (TA paused)", chs)
			}
			if status, _ := d.install("TA"); status != 200 {
				t.Fatal("reinstall failed")
			}
			if _, err := d.a.Send(ctx, bot.Conversation{Platform: Platform, Workspace: "TA", Channel: "CTA"}, bot.Post{Text: "back"}); err != nil {
				t.Errorf("the reinstalled workspace cannot post: %v", err)
			}
			if chs, _ := d.store.Channels(ctx); len(chs) != 2 {
				t.Errorf("after reinstall %d scheduled channels, want 2", len(chs))
			}
		})
	}
}

// A user token revoked (the bot's stays) leaves the workspace installed.
func TestUserTokenRevokedKeepsTheInstall(t *testing.T) {
	t.Parallel()
	d := newDistEnv(t)
	d.start()
	if status, _ := d.install("TA"); status != 200 {
		t.Fatal("install failed")
	}
	body := `{"type":"event_callback","event_id":"Ev9","team_id":"TA","event":{"type":"tokens_revoked","tokens":{"oauth":["U1"],"bot":[]}}}`
	d.signed(PathEvents, "application/json", body)
	d.a.work.Wait()
	if _, err := d.store.Install(context.Background(), Platform, "TA"); err != nil {
		t.Errorf("install gone after a user token was revoked: %v", err)
	}
}
