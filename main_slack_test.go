package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/adapters/slack"
	"github.com/pyqbot/pyqbot/adapters/slack/slackfake"
	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/keepalive"
)

const e2eSecret = "e2e-signing-secret"

// slackBot is the pyqbot binary running in Slack HTTP mode against a fake Slack.
type slackBot struct {
	t    *testing.T
	fake *slackfake.Server
	base string // http://127.0.0.1:PORT
	cmd  *exec.Cmd
	logs chan string
	// renamed gets a line each time the bot stores a display name it learnt after an answer.
	renamed chan string
	// installs gets the log lines of workspaces installed and uninstalled (distribution).
	installs chan string
}

func startSlackBot(t *testing.T, db string) *slackBot {
	t.Helper()
	fake := slackfake.New()
	t.Cleanup(fake.Close)
	cfg := writeFile(t, "slack.toml", storageTOML(db)+listenTOML+slackHTTPTOML(fake)+noQuestionTOML)
	return launchSlackBot(t, fake, cfg, "slack connected", "SLACK_SIGNING_SECRET="+e2eSecret) // the secret from the environment
}

// launchSlackBot runs the binary with cfg and env against fake, and returns once its log shows the
// HTTP address and the line ready.
func launchSlackBot(t *testing.T, fake *slackfake.Server, cfg, ready string, env ...string) *slackBot {
	t.Helper()
	b := &slackBot{t: t, fake: fake, cmd: exec.Command(binary, "run", "--config", cfg), logs: make(chan string, 100), renamed: make(chan string, 100), installs: make(chan string, 100)}
	b.cmd.Env = append(os.Environ(), env...)
	stderr, err := b.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := b.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.cmd.Process.Kill() })
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			b.logs <- sc.Text()
		}
		close(b.logs)
	}()
	listening := regexp.MustCompile(`http server listening.*addr=(\S+)`)
	var connected bool
	for b.base == "" || !connected {
		select {
		case line, ok := <-b.logs:
			if !ok {
				t.Fatal("pyqbot exited during start-up")
			}
			if m := listening.FindStringSubmatch(line); m != nil {
				b.base = "http://" + m[1]
			}
			connected = connected || strings.Contains(line, ready)
			if strings.Contains(line, "level=ERROR") {
				t.Logf("pyqbot: %s", line)
			}
		case <-time.After(20 * time.Second):
			t.Fatal("pyqbot did not start serving Slack")
		}
	}
	go func() { // keep draining the log so the process never blocks on it
		for line := range b.logs {
			if strings.Contains(line, "display name stored") {
				b.renamed <- line
			}
			if strings.Contains(line, "slack workspace") {
				b.installs <- line
			}
			if strings.Contains(line, "level=ERROR") || strings.Contains(line, "level=WARN") {
				t.Logf("pyqbot: %s", line)
			}
		}
	}()
	return b
}

// post sends a request signed with the shared secret, as Slack would, checks the ack and returns
// its body.
func (b *slackBot) post(path, contentType, body string) string {
	b.t.Helper()
	status, ack := respond(b.t, signedSlackAs(e2eSecret, b.base+path, contentType, body))
	if status != http.StatusOK {
		b.t.Fatalf("POST %s: status %d", path, status)
	}
	return ack
}

// command sends a slash command and returns the reply its acknowledgement carries (text and
// blocks), empty when the command posted in the channel instead.
func (b *slackBot) command(user, text string) string {
	b.t.Helper()
	ack := b.commandIn(slackfake.TeamID, "C_DAILY", user, text)
	if len(ack) == 0 {
		return ""
	}
	var msg struct {
		Text   string          `json:"text"`
		Blocks json.RawMessage `json:"blocks"`
	}
	if err := json.Unmarshal([]byte(ack), &msg); err != nil {
		b.t.Fatalf("slash command ack is not a message: %v: %s", err, ack)
	}
	return msg.Text + "\n" + string(msg.Blocks)
}

func (b *slackBot) interact(payload map[string]any) {
	b.t.Helper()
	raw, _ := json.Marshal(payload)
	b.post(slack.PathInteractions, "application/x-www-form-urlencoded", url.Values{"payload": {string(raw)}}.Encode())
}

// waitRenamed waits until the bot has stored n display names learnt after answers.
func (b *slackBot) waitRenamed(n int) {
	b.t.Helper()
	for range n {
		select {
		case <-b.renamed:
		case <-time.After(10 * time.Second):
			b.t.Fatal("the bot did not store the players' display names")
		}
	}
}

// reply waits for the response_url call on path and returns its text.
func (b *slackBot) reply(path string) string {
	b.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for n := 1; ; n++ {
		calls, err := b.fake.WaitCalls("response_url", n, time.Until(deadline))
		if err != nil {
			b.t.Fatalf("no reply on %s: %v", path, err)
		}
		if c := calls[n-1]; c.Path == path {
			return c.Get("text") + "\n" + c.Blocks()
		}
	}
}

type postedBlock struct {
	Type     string `json:"type"`
	BlockID  string `json:"block_id"`
	Elements []struct {
		Type     string `json:"type"`
		ActionID string `json:"action_id"`
		Value    string `json:"value"`
		Text     any    `json:"text"`
	} `json:"elements"`
}

func TestSlackPlaysADayOverSignedHTTP(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "slack.db")
	bank := exportedBank(t)
	b := startSlackBot(t, db)
	b.fake.SetUser("ULEAD", slackfake.User{Name: "lead", DisplayName: "Lead", Admin: true})
	players := map[string]string{"UA": "Alice", "UB": "Bob", "UC": "Carol"}
	for id, name := range players {
		b.fake.SetUser(id, slackfake.User{Name: strings.ToLower(name), DisplayName: name})
	}

	// The lead posts today's question: a channel message with Block Kit controls.
	b.command("ULEAD", "today")
	posts, err := b.fake.WaitCalls("chat.postMessage", 1, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	question := posts[0]
	ts := mustTS(t, b.fake, question)
	var blocks []postedBlock
	if err := json.Unmarshal([]byte(question.Form.Get("blocks")), &blocks); err != nil {
		t.Fatalf("question blocks: %v\n%s", err, question.Form.Get("blocks"))
	}
	idMatch := regexp.MustCompile(`· id ([a-z0-9-]+)`).FindStringSubmatch(question.Form.Get("blocks"))
	if idMatch == nil {
		t.Fatalf("question footer names no id:\n%s", question.Form.Get("blocks"))
	}
	q, ok := bank[idMatch[1]]
	if !ok {
		t.Fatalf("posted question %q is not in the bank", idMatch[1])
	}
	right, wrong := rightAndWrong(q)

	// Three answers by button: Alice and Carol right, Bob wrong (design: all three write one).
	answers := map[string]string{"UA": right, "UB": wrong, "UC": right}
	if q.Kind == "design" {
		answers["UB"] = "threads everywhere, it is simpler"
	}
	for _, user := range []string{"UA", "UB", "UC"} {
		b.answerByButton(blocks, q.Kind, user, answers[user], ts)
	}

	// Each answer went in under the handle Slack sent (nothing asks users.info before a commit);
	// the display names are fetched after the replies and stored.
	b.waitRenamed(3)

	// The reveal: a reply in the question's thread, and the question closed in place.
	b.command("ULEAD", "reveal")
	posts, err = b.fake.WaitCalls("chat.postMessage", 2, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	reveal := posts[1]
	if reveal.Form.Get("thread_ts") != ts || !strings.Contains(reveal.Form.Get("text"), "Answer to #1") {
		t.Errorf("reveal = thread %q text %q, want a reply in thread %s", reveal.Form.Get("thread_ts"), reveal.Form.Get("text"), ts)
	}
	if q.Kind != "design" && !strings.Contains(reveal.Form.Get("text"), "Got it: Alice +10, Carol +10") {
		t.Errorf("reveal does not credit Alice and Carol:\n%s", reveal.Form.Get("text"))
	}
	// Updates before the close keep the answer count current; the last one closes the question.
	var u slackfake.Call
	for n := 1; ; n++ {
		updates, err := b.fake.WaitCalls("chat.update", n, 10*time.Second)
		if err != nil {
			t.Fatalf("question never closed in place: %v", err)
		}
		if u = updates[n-1]; strings.Contains(u.Form.Get("blocks"), "Closed") {
			break
		}
		if !strings.Contains(u.Form.Get("blocks"), " answered · ") {
			t.Fatalf("update %d is neither an answer count nor the close: %v", n, u.Form)
		}
	}
	if u.Form.Get("ts") != ts || strings.Contains(u.Form.Get("blocks"), `"actions"`) {
		t.Errorf("question not closed in place: %v", u.Form)
	}

	// The leaderboard, as a readable table.
	board := b.command("UB", "leaderboard")
	for _, name := range players {
		if !regexp.MustCompile(`\d+\s+` + name + `\s+\d+`).MatchString(board) {
			t.Errorf("leaderboard lacks a row for %s:\n%s", name, board)
		}
	}

	// A clean shutdown on SIGINT, then the database holds the three answers.
	b.cmd.Process.Signal(syscall.SIGINT)
	if err := b.cmd.Wait(); err != nil {
		t.Fatalf("pyqbot exit: %v", err)
	}
	stored := answersIn(t, db, 1)
	if len(stored) != 3 {
		t.Fatalf("database holds %d answers, want 3", len(stored))
	}
	for _, a := range stored {
		if a.User.Name != players[a.User.ID] || !a.Graded {
			t.Errorf("stored answer %+v", a)
		}
	}
}

func mustTS(t *testing.T, fake *slackfake.Server, c slackfake.Call) string {
	t.Helper()
	// The fake numbers messages in order; the first post is the question.
	for i := 1; i < 100; i++ {
		ts := fmt.Sprintf("1700000000.%06d", i)
		if m, ok := fake.Message(c.Form.Get("channel"), ts); ok && m.Blocks == c.Form.Get("blocks") {
			return ts
		}
	}
	t.Fatal("question message not found in the fake channel")
	return ""
}

// answerByButton presses what the question offers: a choice button, the review checkboxes and
// Submit, or the Answer button and the modal. It waits for the private confirmation.
func (b *slackBot) answerByButton(blocks []postedBlock, kind, user, answer, ts string) {
	b.t.Helper()
	respPath := "act-" + user
	// Slack sends the block_id of the pressed control with every block action.
	press := func(blockID, actionID, value string, state map[string]any) {
		p := map[string]any{
			"type": "block_actions", "team": map[string]any{"id": slackfake.TeamID}, "user": map[string]any{"id": user, "name": strings.ToLower(user)},
			"channel": map[string]any{"id": "C_DAILY"}, "container": map[string]any{"type": "message", "channel_id": "C_DAILY", "message_ts": ts},
			"response_url": b.fake.ResponseURL(respPath), "trigger_id": "trig-" + user,
			"actions": []any{map[string]any{"type": "button", "block_id": blockID, "action_id": actionID, "value": value}},
		}
		if state != nil {
			p["state"] = map[string]any{"values": state}
		}
		b.interact(p)
	}
	find := func(prefix string) (blockID, actionID, value string) {
		for _, bl := range blocks {
			for _, el := range bl.Elements {
				if strings.HasPrefix(el.ActionID, prefix) {
					return bl.BlockID, el.ActionID, el.Value
				}
			}
		}
		b.t.Fatalf("question has no %s control", prefix)
		return "", "", ""
	}
	switch kind {
	case "design":
		block, _, ref := find("pyq_write")
		before := len(b.fake.Calls("views.open"))
		press(block, "pyq_write", ref, nil)
		opens, err := b.fake.WaitCalls("views.open", before+1, 10*time.Second)
		if err != nil {
			b.t.Fatal(err)
		}
		view := opens[before].JSON["view"].(map[string]any)
		// Counted before submitting: the confirmation may arrive before interact returns.
		before = len(b.fake.Calls("chat.postEphemeral"))
		b.interact(map[string]any{
			"type": "view_submission", "team": map[string]any{"id": slackfake.TeamID}, "user": map[string]any{"id": user},
			"view": map[string]any{"callback_id": view["callback_id"], "private_metadata": view["private_metadata"],
				"state": map[string]any{"values": map[string]any{"pyq_answer_text": map[string]any{"pyq_text": map[string]any{"value": answer}}}}},
		})
		calls, err := b.fake.WaitCalls("chat.postEphemeral", before+1, 10*time.Second)
		if err != nil || !strings.Contains(calls[before].Form.Get("text"), "Recorded your answer") {
			b.t.Fatalf("no private confirmation for %s: %v %v", user, err, calls)
		}
		return
	case "review":
		block, _, ref := find("pyq_submit")
		var opts []any
		for _, k := range strings.Split(answer, ",") {
			opts = append(opts, map[string]any{"value": k})
		}
		press(block, "pyq_submit", ref, map[string]any{"pyq_review": map[string]any{"pyq_pick_0": map[string]any{"type": "checkboxes", "selected_options": opts}}})
	default:
		block, id, value := find("pyq_answer_" + answer)
		press(block, id, value, nil)
	}
	if got := b.reply("/response/" + respPath); !strings.Contains(got, "Recorded your answer") {
		b.t.Fatalf("%s's confirmation = %q", user, got)
	}
}

// The Slack adapter's client in production is keepalive's transport under the shutdown's tracking:
// with net/http's default (two idle connections a host), a burst's confirmations each dialled and
// TLS-handshook anew. (adapters/slack tests the burst itself on the adapter's default client.)
func TestSlackClientKeepsABurstsConnections(t *testing.T) {
	t.Parallel()
	c := slackClient(slack.Settings{}, bot.NewInflight(time.Now))
	tr, ok := c.Transport.(trackedTransport)
	if !ok {
		t.Fatalf("transport %T, want trackedTransport", c.Transport)
	}
	if base, ok := tr.base.(*http.Transport); !ok || base.MaxIdleConnsPerHost != keepalive.PerHost {
		t.Errorf("base transport %T is not keepalive's (%d idle connections a host)", tr.base, keepalive.PerHost)
	}
}
