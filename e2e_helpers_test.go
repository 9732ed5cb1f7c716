package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/adapters/slack"
	"github.com/pyqbot/pyqbot/adapters/slack/slackfake"
	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/content"
	"github.com/pyqbot/pyqbot/storage"
)

// Config blocks for the end-to-end tests. A test's config is the blocks it needs, concatenated
// (TOML tables may come in any order), so each test shows only what is particular to it.

// listenTOML serves HTTP on a free port; the binary logs the address it got.
const listenTOML = "[http]\nlisten = \"127.0.0.1:0\"\n"

// quickStopTOML stops within a second and logs at info, for the tests that stop the binary: the
// behaviour is the same at the default 8 s grace.
const quickStopTOML = "[bot]\nshutdown_grace = \"1s\"\n[log]\nlevel = \"info\"\n"

// noQuestionTOML and noRevealTOML turn a scheduled job off, so that only the test's commands post.
const (
	noQuestionTOML = "[[schedule]]\njob = \"question\"\nspec = \"@daily\"\nenabled = false\n"
	noRevealTOML   = "[[schedule]]\njob = \"reveal\"\nspec = \"0 17 * * 1-5\"\nenabled = false\n"
)

// storageTOML is the [storage] table for target: a PostgreSQL URL or a SQLite path.
func storageTOML(target string) string {
	if storage.IsPostgresURL(target) {
		return fmt.Sprintf("[storage]\nurl = %q\n", target)
	}
	return fmt.Sprintf("[storage]\npath = %q\n", target)
}

// slackTOML is the [slack] table in mode against fake, followed by keys (more lines of the table).
func slackTOML(mode string, fake *slackfake.Server, keys ...string) string {
	return fmt.Sprintf("[slack]\nenabled = true\nmode = %q\napi_url = %q\n", mode, fake.APIURL()) + lines(keys)
}

// slackHTTPTOML is Slack in http mode with the fake's bot token; the signing secret comes from the
// environment (SLACK_SIGNING_SECRET).
func slackHTTPTOML(fake *slackfake.Server) string {
	return slackTOML("http", fake, fmt.Sprintf("bot_token = %q", slackfake.BotToken))
}

// discordTOML is the [discord] table in mode against api, in guild g1, followed by keys.
func discordTOML(mode string, api *fakeDiscordAPI, keys ...string) string {
	return fmt.Sprintf("[discord]\nenabled = true\nmode = %q\napi_url = %q\nguilds = [\"g1\"]\n", mode, api.URL()) + lines(keys)
}

func lines(keys []string) string {
	if len(keys) == 0 {
		return ""
	}
	return strings.Join(keys, "\n") + "\n"
}

// discordFooterRef finds the question's reference (#N) in a Discord question post's embed footer.
var discordFooterRef = regexp.MustCompile(`"footer":\{"text":"(#\d+) `)

// discordQuestion is the question of a Discord question post (post is the match of the posts'
// pattern: [1] the body, [2] the question id) with its reference, its post id and a right answer.
func discordQuestion(bank map[string]content.Exported, post []string) (q content.Exported, ref, right string, postID int64) {
	q = bank[post[2]]
	ref = discordFooterRef.FindStringSubmatch(post[1])[1]
	right, _ = rightAndWrong(q)
	if q.Kind == "design" {
		right = "a queue and idempotent consumers"
	}
	postID, _ = strconv.ParseInt(strings.TrimPrefix(ref, "#"), 10, 64)
	return q, ref, right, postID
}

// request is the signed interaction as a request to the binary at base ("http://host:port").
func (s signedDiscord) request(base string) *http.Request {
	req, _ := http.NewRequest(http.MethodPost, base+"/discord/interactions", bytes.NewReader(s.body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Signature-Ed25519", s.sig)
	req.Header.Set("X-Signature-Timestamp", s.ts)
	return req
}

// answersIn are the answers to post in the database at path, opened afresh as a restarted
// process would.
func answersIn(t *testing.T, path string, postID int64) []bot.Answer {
	t.Helper()
	store, err := storage.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	answers, err := store.Answers(context.Background(), postID)
	if err != nil {
		t.Fatal(err)
	}
	return answers
}

// stored is the set of users with an answer to post in the database at path.
func stored(t *testing.T, path string, postID int64) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, a := range answersIn(t, path, postID) {
		out[a.User.ID] = true
	}
	return out
}

// lockForWrites takes the write lock on the SQLite database at path from another connection, as
// the sqlite3 shell's BEGIN IMMEDIATE or a second pyqbot would, until release is called (at the
// latest when the test ends).
func lockForWrites(t *testing.T, path string) (release func()) {
	t.Helper()
	other, err := sql.Open("sqlite", "file:"+path+"?_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	lock, err := other.Begin()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lock.Rollback() })
	return func() { lock.Rollback() }
}

// designConsole is the terminal as lead on a fresh database, with its first question (#1) a
// design question, posted.
func designConsole(t *testing.T) *session {
	t.Helper()
	s := startConsole(t, "--db", t.TempDir()+"/team.db", "--user", "lead")
	s.send("/pyq filter kinds design", "/pyq today")
	s.until(regexp.MustCompile(`^-- #1 · `))
	return s
}

// leaderboardPoints are the points of each name on the terminal's leaderboards in out.
func leaderboardPoints(out string) map[string]string {
	points := map[string]string{}
	for _, r := range leaderboardRows.FindAllStringSubmatch(out, -1) {
		points[r[2]] = r[3]
	}
	return points
}

// signedSlack is a form POST of body to target signed with secret now, as Slack signs its requests.
func signedSlack(secret, target, body string) *http.Request {
	return signedSlackAs(secret, target, "application/x-www-form-urlencoded", body)
}

// signedSlackAs is signedSlack with another content type (the Events API posts JSON).
func signedSlackAs(secret, target, contentType, body string) *http.Request {
	req, _ := http.NewRequest(http.MethodPost, target, strings.NewReader(body))
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", slack.Sign(secret, ts, []byte(body)))
	return req
}

// slashForm is the form of a /pyq slash command from user in the fake's team, as Slack sends it.
func slashForm(channel, user, text, responseURL string) url.Values {
	return url.Values{"team_id": {slackfake.TeamID}, "channel_id": {channel}, "user_id": {user}, "user_name": {strings.ToLower(user)},
		"command": {"/pyq"}, "text": {text}, "response_url": {responseURL}}
}

// e2eClient sends the end-to-end tests' requests. Not http.DefaultClient: an httptest server's
// Close shuts the default transport's idle connections, and a parallel test's POST that had just
// taken one of them fails with "CloseIdleConnections called" (POSTs are not retried).
var e2eClient = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}

// respond sends req with e2eClient and returns the response's status and body; a
// request that gets no response fails the test.
func respond(t testing.TB, req *http.Request) (int, string) {
	t.Helper()
	resp, err := e2eClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// getURL is respond for a GET of u.
func getURL(t testing.TB, u string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return respond(t, req)
}

// openPostgres is a handle on the PostgreSQL database at pgURL, to read what the binaries stored;
// it is closed when the test ends.
func openPostgres(t *testing.T, pgURL string) *sql.DB {
	t.Helper()
	pg, err := sql.Open("pgx", pgURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pg.Close() })
	return pg
}
