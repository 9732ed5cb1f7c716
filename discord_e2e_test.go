package main

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/adapters/discord/discordfake"
	"github.com/pyqbot/pyqbot/adapters/slack/slackfake"
	"github.com/pyqbot/pyqbot/content"
)

// fakeDiscordAPI is the strict fake Discord as the binary sees it through [discord] api_url. Every
// test that uses it fails when the fake refused a payload Discord would refuse.
type fakeDiscordAPI struct {
	*discordfake.Server
}

func newFakeDiscordAPI(t *testing.T) *fakeDiscordAPI {
	f := &fakeDiscordAPI{discordfake.New()}
	t.Cleanup(func() {
		for _, c := range f.Refusals() {
			t.Errorf("Discord would refuse %s %s: %s", c.Method, c.Path, strings.Join(c.Problems, "; "))
		}
		f.Close()
	})
	return f
}

// wait returns the submatches of the first call matching re, waiting for it (the timeout only
// guards a hang).
func (f *fakeDiscordAPI) wait(t *testing.T, re *regexp.Regexp) []string {
	t.Helper()
	m, err := f.Wait(re, 20*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// binaryRun is the pyqbot binary running in the background; its log is read until it listens.
type binaryRun struct {
	cmd     *exec.Cmd
	addr    string
	log     *bytes.Buffer
	mu      *sync.Mutex
	changed chan struct{} // closed and replaced on every log line
	eof     chan struct{} // closed when the log has been read to its end
}

// wait waits for the process to exit with its whole log read: exec's Wait closes the stderr pipe
// once the process exits, so calling it before the reader reached the end could cut the last lines
// (the shutdown summary) off the log.
func (b *binaryRun) wait() error {
	<-b.eof
	return b.cmd.Wait()
}

func startBinary(t *testing.T, config string, env ...string) *binaryRun {
	t.Helper()
	cmd := exec.Command(binary, "run", "--config", config)
	cmd.Env = append(cmd.Environ(), env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	b := &binaryRun{cmd: cmd, log: &bytes.Buffer{}, mu: &sync.Mutex{}, changed: make(chan struct{}), eof: make(chan struct{})}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	listening := regexp.MustCompile(`http server listening.*addr=(\S+)`)
	found := make(chan string, 1)
	go func() {
		defer close(b.eof)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			b.mu.Lock()
			b.log.WriteString(sc.Text() + "\n")
			close(b.changed)
			b.changed = make(chan struct{})
			b.mu.Unlock()
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
		close(found)
	}()
	select {
	case addr, ok := <-found:
		if !ok {
			t.Fatalf("pyqbot exited before listening:\n%s", b.logs())
		}
		b.addr = addr
	case <-time.After(20 * time.Second):
		t.Fatalf("pyqbot did not start listening:\n%s", b.logs())
	}
	return b
}

// waitLog waits for a log line containing s.
func (b *binaryRun) waitLog(t *testing.T, s string) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		b.mu.Lock()
		found, changed := strings.Contains(b.log.String(), s), b.changed
		b.mu.Unlock()
		if found {
			return
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("the log never said %q:\n%s", s, b.logs())
		}
	}
}

func (b *binaryRun) logs() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.log.String()
}

var e2eKey = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{9}, ed25519.SeedSize))

// discordInteraction POSTs a signed interaction to the binary and returns the decoded response.
func (b *binaryRun) discordInteraction(t *testing.T, payload map[string]any) map[string]any {
	t.Helper()
	code, out := b.send(t, signDiscord(payload))
	if code != 200 {
		t.Fatalf("interaction answered %d %s\nlog:\n%s", code, out, b.logs())
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("interaction response %s: %v", out, err)
	}
	return v
}

var interactionSeq atomic.Int64 // bursts build interactions from many goroutines

// guildInteraction is an interaction from user in guild/channel; perms "32" is Manage Server.
func guildInteraction(guild, channel, userID, name, perms string, typ int, data map[string]any) map[string]any {
	id := fmt.Sprintf("e2e%d", interactionSeq.Add(1))
	return map[string]any{"id": id, "application_id": "app1", "type": typ, "token": "tok-" + id, "version": 1,
		"guild_id": guild, "channel_id": channel,
		"member": map[string]any{"user": map[string]any{"id": userID, "username": strings.ToLower(name), "global_name": name}, "permissions": perms},
		"data":   data}
}

func pyqData(sub string, opts ...any) map[string]any {
	return map[string]any{"id": "cmd", "name": "pyq", "type": 1, "options": []any{map[string]any{"name": sub, "type": 1, "options": opts}}}
}

// discordAnswer is the interaction that answers question ref with answer the way its message offers.
func discordAnswer(q content.Exported, ref, answer string) (int, map[string]any) {
	switch q.Kind {
	case "design":
		return 5, map[string]any{"custom_id": "pyq-text:" + ref, "components": []any{map[string]any{"type": 1,
			"components": []any{map[string]any{"type": 4, "custom_id": "answer", "value": answer}}}}}
	case "review":
		return 3, map[string]any{"custom_id": "pyq-multi:" + ref, "component_type": 3, "values": strings.Split(answer, ",")}
	default:
		return 3, map[string]any{"custom_id": "pyq:answer " + ref + " " + answer, "component_type": 2}
	}
}

func responseText(v map[string]any) string {
	b, _ := json.Marshal(v["data"])
	return string(b)
}

// discordHTTPConfig is a config serving Discord in http mode against api, on a fresh database,
// with no scheduled reveal.
func discordHTTPConfig(t *testing.T, api *fakeDiscordAPI, more ...string) string {
	return writeFile(t, "discord.toml", strings.Join(more, "\n")+"\n"+
		storageTOML(filepath.Join(t.TempDir(), "pyqbot.db"))+listenTOML+discordTOML("http", api)+noRevealTOML)
}

// discordEnv holds the Discord secrets the binary reads from the environment.
func discordEnv() []string {
	return []string{"DISCORD_BOT_TOKEN=e2e-token", "DISCORD_APP_ID=app1",
		"DISCORD_PUBLIC_KEY=" + hex.EncodeToString(e2eKey.Public().(ed25519.PublicKey))}
}

var discordBoardRow = regexp.MustCompile(`\\n(\d+)\s+(\S+)\s+(\d+)\s+(\d+/\d+)\s+(\d+)`)

func TestBinaryServesDiscordOverHTTP(t *testing.T) {
	t.Parallel()
	api := newFakeDiscordAPI(t)
	b := startBinary(t, discordHTTPConfig(t, api), discordEnv()...)
	api.wait(t, regexp.MustCompile(`^PUT /api/v9/applications/app1/guilds/g1/commands `))
	b.waitLog(t, "permissions=309237730304&scope=bot+applications.commands")
	if strings.Contains(b.logs(), "e2e-token") {
		t.Errorf("the bot token reached the log")
	}
	bank := exportedBank(t)
	playDiscord(t, b, api, bank, "g1", "c1")
}

// playDiscord plays one question in guild/channel: Ann answers right, Ben wrong, the lead reveals,
// and the leaderboard shows it. It returns the leaderboard rows (name -> points).
func playDiscord(t *testing.T, b *binaryRun, api *fakeDiscordAPI, bank map[string]content.Exported, guild, channel string) map[string]string {
	t.Helper()
	const manage = "32"
	r := b.discordInteraction(t, guildInteraction(guild, channel, "u-lead-"+guild, "Lead", manage, 2, pyqData("today")))
	if r["type"].(float64) != 4 && r["type"].(float64) != 5 {
		t.Fatalf("today answered %v", r)
	}
	post := api.wait(t, regexp.MustCompile(`^POST /api/v9/channels/`+channel+`/messages (.*· id ([a-z0-9-]+)".*)$`))
	q, ok := bank[post[2]]
	if !ok {
		t.Fatalf("posted question %q is not in the bank", post[2])
	}
	if !strings.Contains(post[1], `"allowed_mentions":{"parse":[]`) {
		t.Errorf("question post lacks allowed_mentions: %s", post[1])
	}
	thread := api.wait(t, regexp.MustCompile(`^POST /api/v9/channels/`+channel+`/messages/(\d+)/threads `))[1]
	ref := discordFooterRef.FindStringSubmatch(post[1])[1]

	t.Logf("%s: question %s %s (%s)", guild, ref, q.ID, q.Kind)
	right, wrong := rightAndWrong(q)
	if wrong == "" {
		wrong = "threads everywhere, always"
	}
	for _, who := range []struct{ id, name, answer string }{{"u-ann-" + guild, "Ann" + guild, right}, {"u-ben-" + guild, "Ben" + guild, wrong}} {
		typ, data := discordAnswer(q, ref, who.answer)
		r := b.discordInteraction(t, guildInteraction(guild, channel, who.id, who.name, "0", typ, data))
		if !strings.Contains(responseText(r), "Recorded your answer") {
			t.Errorf("%s's answer: %v", who.name, r)
		}
	}
	b.discordInteraction(t, guildInteraction(guild, channel, "u-lead-"+guild, "Lead", manage, 2, pyqData("reveal")))
	reveal := api.wait(t, regexp.MustCompile(`^POST /api/v9/channels/`+thread+`/messages (.*)$`))[1]
	if !strings.Contains(reveal, "Answer to "+ref) {
		t.Errorf("reveal in the thread = %s", reveal)
	}
	api.wait(t, regexp.MustCompile(`^PATCH /api/v9/channels/`+channel+`/messages/`+thread+` `))

	lb := b.discordInteraction(t, guildInteraction(guild, channel, "u-ann-"+guild, "Ann"+guild, "0", 2, pyqData("leaderboard")))
	points := map[string]string{}
	for _, m := range discordBoardRow.FindAllStringSubmatch(responseText(lb), -1) {
		points[m[2]] = m[3]
	}
	want := map[string]string{"Ann" + guild: "10", "Ben" + guild: "0"}
	if q.Kind == "design" {
		want = map[string]string{"Ann" + guild: "5", "Ben" + guild: "5"}
	}
	if fmt.Sprint(points) != fmt.Sprint(want) {
		t.Errorf("leaderboard in %s = %v, want %v\n%s", guild, points, want, responseText(lb))
	}
	return points
}

// TestBinaryServesSlackAndDiscordOnOneDatabase runs one pyqbot with both platforms in http mode
// against their fakes, plays a question on each, and checks each team's leaderboard holds only its
// own players.
func TestBinaryServesSlackAndDiscordOnOneDatabase(t *testing.T) {
	t.Parallel()
	dapi := newFakeDiscordAPI(t)
	sfake := slackfake.New()
	t.Cleanup(sfake.Close)
	config := discordHTTPConfig(t, dapi, slackHTTPTOML(sfake))
	b := startBinary(t, config, append(discordEnv(), "SLACK_SIGNING_SECRET="+e2eSecret)...)
	b.waitLog(t, "discord receiving interactions over HTTP")
	b.waitLog(t, "slack connected") // Slack answers 503 until its own Run serves
	bank := exportedBank(t)

	// Slack: the lead posts, Alice answers right and Bob wrong by button, the lead reveals.
	s := &slackBot{t: t, fake: sfake, base: "http://" + b.addr}
	sfake.SetUser("ULEAD", slackfake.User{Name: "lead", DisplayName: "Lead", Admin: true})
	sfake.SetUser("UA", slackfake.User{Name: "alice", DisplayName: "Alice"})
	sfake.SetUser("UB", slackfake.User{Name: "bob", DisplayName: "Bob"})
	s.command("ULEAD", "today")
	posts, err := sfake.WaitCalls("chat.postMessage", 1, 10*time.Second)
	if err != nil {
		t.Fatalf("%v\n%s", err, b.logs())
	}
	var blocks []postedBlock
	json.Unmarshal([]byte(posts[0].Form.Get("blocks")), &blocks)
	qid := regexp.MustCompile(`· id ([a-z0-9-]+)`).FindStringSubmatch(posts[0].Form.Get("blocks"))[1]
	q := bank[qid]
	right, wrong := rightAndWrong(q)
	if q.Kind == "design" {
		wrong = "threads everywhere, always"
	}
	ts := mustTS(t, sfake, posts[0])
	s.answerByButton(blocks, q.Kind, "UA", right, ts)
	s.answerByButton(blocks, q.Kind, "UB", wrong, ts)
	// The answers went in under Slack's handles; the display names are stored after the replies.
	for _, u := range []string{"UA", "UB"} {
		b.waitLog(t, `display name stored" platform=slack workspace=`+slackfake.TeamID+" user="+u)
	}
	s.command("ULEAD", "reveal")
	if _, err := sfake.WaitCalls("chat.update", 1, 10*time.Second); err != nil {
		t.Fatal(err)
	}

	// Discord: its own question #2 in its own guild, played by Ann and Ben; the exact comparison in
	// playDiscord means no Slack player shows on the Discord leaderboard.
	playDiscord(t, b, dapi, bank, "g1", "c1")

	// And no Discord player shows on Slack's.
	board := s.command("UB", "leaderboard")
	for _, name := range []string{"Alice", "Bob"} {
		if !regexp.MustCompile(`\d+\s+` + name + `\s+\d+`).MatchString(board) {
			t.Errorf("Slack leaderboard lacks %s:\n%s", name, board)
		}
	}
	if strings.Contains(board, "Anng1") || strings.Contains(board, "Beng1") {
		t.Errorf("Slack leaderboard shows Discord players:\n%s", board)
	}
}

// signedDiscord is a signed interaction request, kept so it can be sent again byte for byte.
type signedDiscord struct {
	body    []byte
	sig, ts string
}

func signDiscord(payload map[string]any) signedDiscord {
	body, _ := json.Marshal(payload)
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	return signedDiscord{body: body, ts: ts, sig: hex.EncodeToString(ed25519.Sign(e2eKey, append([]byte(ts), body...)))}
}

func (b *binaryRun) send(t *testing.T, r signedDiscord) (int, string) {
	t.Helper()
	return respond(t, r.request("http://"+b.addr))
}

// questionPosts are the question messages posted in channel (not thread starts), in order.
func questionPosts(api *fakeDiscordAPI, channel string) []discordfake.Call {
	var out []discordfake.Call
	for _, c := range api.Matching("POST", "/api/v9/channels/"+channel+"/messages") {
		if c.Path == "/api/v9/channels/"+channel+"/messages" && c.Status == 200 {
			out = append(out, c)
		}
	}
	return out
}

// TestBinaryRefusesAReplayedDiscordReveal captures a signed /pyq reveal and sends it again: at
// once (the adapter's memory refuses it, 409) and after a restart on the same database, when the
// next question is open (the database remembers it: the reveal does not run, the question stays
// open).
func TestBinaryRefusesAReplayedDiscordReveal(t *testing.T) {
	t.Parallel()
	api := newFakeDiscordAPI(t)
	config, env := discordHTTPConfig(t, api), discordEnv()
	b := startBinary(t, config, env...)
	b.waitLog(t, "discord receiving interactions over HTTP")
	today := func(b *binaryRun) {
		t.Helper()
		if code, out := b.send(t, signDiscord(guildInteraction("g1", "c1", "u-lead", "Lead", "32", 2, pyqData("today")))); code != 200 {
			t.Fatalf("today answered %d %s", code, out)
		}
	}
	today(b)
	reveal := signDiscord(guildInteraction("g1", "c1", "u-lead", "Lead", "32", 2, pyqData("reveal")))
	if code, out := b.send(t, reveal); code != 200 || !strings.Contains(out, "Done.") {
		t.Fatalf("reveal answered %d %s", code, out)
	}
	if code, _ := b.send(t, reveal); code != 409 {
		t.Errorf("the replayed reveal answered %d, want 409", code)
	}
	b.waitLog(t, "refused a replayed interaction request")

	today(b) // question #2
	if n := len(questionPosts(api, "c1")); n != 2 {
		t.Fatalf("%d questions posted, want 2:\n%s", n, api.Dump())
	}
	b.cmd.Process.Signal(os.Interrupt)
	b.wait()
	b = startBinary(t, config, env...)
	b.waitLog(t, "discord receiving interactions over HTTP")
	code, out := b.send(t, reveal)
	if code != 200 || !strings.Contains(out, "already received") {
		t.Errorf("after a restart the replayed reveal answered %d %s, want the engine's refusal", code, out)
	}
	// Question #2 is still open: an answer is recorded.
	q2 := questionPosts(api, "c1")[1]
	var m struct {
		Components []struct {
			Components []struct {
				CustomID string `json:"custom_id"`
			} `json:"components"`
		} `json:"components"`
	}
	q2.Decode(&m)
	if len(m.Components) == 0 || len(m.Components[0].Components) == 0 {
		t.Fatalf("question #2 has no components: %s", q2.Body)
	}
	typ, data := 3, map[string]any{"custom_id": m.Components[0].Components[0].CustomID, "component_type": 2, "values": []string{"A"}}
	if strings.HasPrefix(m.Components[0].Components[0].CustomID, "pyq-modal:") {
		typ, data = 5, map[string]any{"custom_id": "pyq-text:#2", "components": []any{map[string]any{"type": 1,
			"components": []any{map[string]any{"type": 4, "custom_id": "answer", "value": "a bounded queue"}}}}}
	} else if !strings.HasPrefix(m.Components[0].Components[0].CustomID, "pyq-multi:") {
		delete(data, "values")
	}
	if r := b.discordInteraction(t, guildInteraction("g1", "c1", "u-ann", "Ann", "0", typ, data)); !strings.Contains(responseText(r), "Recorded your answer") {
		t.Errorf("question #2 does not take answers after the replay: %v", r)
	}
}
