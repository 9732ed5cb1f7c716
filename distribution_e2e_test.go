package main

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/adapters/slack"
	"github.com/pyqbot/pyqbot/adapters/slack/slackfake"
	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/storage"
)

// commandIn sends /pyq text from user in team's channel and returns the acknowledgement's body.
func (b *slackBot) commandIn(team, channel, user, text string) string {
	b.t.Helper()
	name := fmt.Sprintf("%s-%s-%d", team, user, time.Now().UnixNano())
	return b.post(slack.PathCommands, "application/x-www-form-urlencoded", url.Values{
		"team_id": {team}, "channel_id": {channel}, "user_id": {user}, "user_name": {strings.ToLower(user)},
		"command": {"/pyq"}, "text": {text}, "response_url": {b.fake.ResponseURL(name)}, "trigger_id": {"t-" + name},
	}.Encode())
}

func (b *slackBot) browse(path string) (int, string) {
	b.t.Helper()
	return getURL(b.t, b.base+path)
}

// waitInstallLog waits for the bot to log an install or uninstall containing want.
func (b *slackBot) waitInstallLog(want string) {
	b.t.Helper()
	for {
		select {
		case line := <-b.installs:
			if strings.Contains(line, want) {
				return
			}
		case <-time.After(10 * time.Second):
			b.t.Fatalf("the bot never logged %q", want)
		}
	}
}

// installThroughTheBrowser follows the Add to Slack link as a workspace admin would.
func (b *slackBot) installThroughTheBrowser(team string) {
	b.t.Helper()
	status, page := b.browse(slack.PathInstall)
	m := regexp.MustCompile(`href="([^"]+)"`).FindStringSubmatch(page)
	if status != 200 || m == nil {
		b.t.Fatalf("install page: %d %s", status, page)
	}
	link, err := url.Parse(strings.ReplaceAll(m[1], "&amp;", "&"))
	if err != nil {
		b.t.Fatal(err)
	}
	q := link.Query()
	b.fake.Grant("code-"+team, team, "Team "+team, q.Get("redirect_uri"))
	status, page = b.browse(slack.PathOAuthCallback + "?" + url.Values{"code": {"code-" + team}, "state": {q.Get("state")}}.Encode())
	if status != 200 || !strings.Contains(page, "pyqbot is installed") {
		b.t.Fatalf("callback for %s: %d %s", team, status, page)
	}
	b.waitInstallLog("slack workspace installed")
}

// Two workspaces install the distributed app through OAuth; each plays with its own token and
// sees only its own leaderboard; one uninstalls and the other keeps playing.
func TestTwoWorkspacesInstallPlayAndOneUninstalls(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "dist.db")
	fake := slackfake.New()
	t.Cleanup(fake.Close)
	key := hex.EncodeToString([]byte(strings.Repeat("k", 32)))
	cfg := writeFile(t, "dist.toml", storageTOML(db)+listenTOML+
		slackTOML("http", fake, fmt.Sprintf("client_id = %q", slackfake.ClientID), `public_url = "https://pyq.example.com"`)+noQuestionTOML)
	b := launchSlackBot(t, fake, cfg, "slack serving installs",
		"SLACK_SIGNING_SECRET="+e2eSecret, "SLACK_CLIENT_SECRET="+slackfake.ClientSecret, "PYQBOT_SLACK_TOKEN_KEY="+key)
	fake.SetUser("ULEAD", slackfake.User{Name: "lead", Admin: true})
	for _, team := range []string{"TA", "TB"} {
		b.installThroughTheBrowser(team)
	}
	bank := exportedBank(t)
	// Each workspace posts its question and one player answers it right.
	for _, team := range []string{"TA", "TB"} {
		n := len(fake.Calls("chat.postMessage"))
		b.commandIn(team, "C"+team, "ULEAD", "today")
		posts, err := fake.WaitCalls("chat.postMessage", n+1, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		post := posts[n]
		if got := fake.TeamOf(post.Token); got != team || post.Get("channel") != "C"+team {
			t.Fatalf("%s's question went to %s with a token of workspace %q", team, post.Get("channel"), got)
		}
		id := regexp.MustCompile(`· id ([a-z0-9-]+)`).FindStringSubmatch(post.Form.Get("blocks"))
		if id == nil {
			t.Fatalf("no question id in %s", post.Form.Get("blocks"))
		}
		right, _ := rightAndWrong(bank[id[1]])
		if q := bank[id[1]]; q.Kind == "design" {
			right = "a bounded queue gives backpressure"
		}
		player := "UP" + team
		fake.SetUser(player, slackfake.User{Name: "player" + strings.ToLower(team)})
		if ack := b.commandIn(team, "C"+team, player, "answer "+right); !strings.Contains(ack, "Recorded") {
			t.Fatalf("%s's answer: %s", team, ack)
		}
		b.commandIn(team, "C"+team, "ULEAD", "reveal")
	}
	for _, team := range []string{"TA", "TB"} {
		board := b.commandIn(team, "C"+team, "ULEAD", "leaderboard all")
		// A player shows by the display name users.info gave, or, until that refresh (after the
		// reply) lands, by the handle the command carried: either is theirs.
		names := func(team string) []string {
			return []string{"player" + strings.ToLower(team), "up" + strings.ToLower(team)}
		}
		other := map[string]string{"TA": "TB", "TB": "TA"}[team]
		mine := slices.ContainsFunc(names(team), func(n string) bool { return strings.Contains(board, n) })
		theirs := slices.ContainsFunc(names(other), func(n string) bool { return strings.Contains(board, n) })
		if !mine || theirs {
			t.Errorf("%s's leaderboard shows the other workspace's player or misses its own:\n%s", team, board)
		}
	}
	// TA uninstalls: its token is deleted and its schedules paused; TB keeps playing.
	b.post(slack.PathEvents, "application/json", `{"type":"event_callback","event_id":"EvU1","team_id":"TA","event":{"type":"app_uninstalled"}}`)
	st, err := storage.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	b.waitInstallLog("slack workspace uninstalled")
	if _, err := st.Install(context.Background(), slack.Platform, "TA"); !errors.Is(err, bot.ErrNotFound) {
		t.Fatalf("TA's install is still stored after app_uninstalled: %v", err)
	}
	before := len(fake.Calls("chat.postMessage"))
	b.commandIn("TB", "CTB", "ULEAD", "today")
	posts, err := fake.WaitCalls("chat.postMessage", before+1, 10*time.Second)
	if err != nil {
		t.Fatalf("TB could not post after TA uninstalled: %v", err)
	}
	if got := fake.TeamOf(posts[before].Token); got != "TB" {
		t.Errorf("TB's post carried a token of %q", got)
	}
	chs, err := st.Channels(context.Background())
	if err != nil || len(chs) != 1 || chs[0].Conv.Workspace != "TB" {
		t.Errorf("scheduled channels after TA uninstalled = %+v, %v; want only TB's", chs, err)
	}
}
