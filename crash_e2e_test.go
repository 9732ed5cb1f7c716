package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/adapters/slack"
	"github.com/pyqbot/pyqbot/adapters/slack/slackfake"
)

// Burst size and concurrency of the crash test, and after how many acknowledgements it kills.
const (
	crashBurst       = 500
	crashConcurrency = 150
	crashKillAfter   = 150
)

// burstResult is what one request of a burst got back.
type burstResult struct {
	user   string
	status int    // 0: no response (the process was gone)
	body   string // the acknowledgement's body
}

// burst sends n requests, c at a time, and calls kill once killAfter of them got a 2xx.
func burst(t *testing.T, n, c, killAfter int, send func(client *http.Client, i int) burstResult, kill func()) []burstResult {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: c}, Timeout: 20 * time.Second}
	defer client.CloseIdleConnections()
	results := make([]burstResult, n)
	sem := make(chan struct{}, c)
	var mu sync.Mutex
	acked := 0
	var once sync.Once
	var wg sync.WaitGroup
	for i := range n {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			r := send(client, i)
			results[i] = r
			if r.status >= 200 && r.status < 300 {
				mu.Lock()
				acked++
				if acked >= killAfter {
					once.Do(kill)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	once.Do(kill) // a burst too fast to be interrupted still ends with a kill
	return results
}

func crashUser(kind string, i int) string { return fmt.Sprintf("U%s%04d", kind, i) }

// checkBurst fails the test for every request acknowledged as recorded whose answer is not in the
// database, and reports the figures.
func checkBurst(t *testing.T, name string, results []burstResult, have map[string]bool, recorded func(r burstResult) bool) {
	t.Helper()
	var acked, confirmed, pending, lost, kept int
	for _, r := range results {
		if have[r.user] {
			kept++
		}
		if r.status < 200 || r.status >= 300 {
			continue
		}
		acked++
		if !recorded(r) {
			pending++
			continue
		}
		confirmed++
		if !have[r.user] {
			lost++
			t.Errorf("%s: %s was acknowledged as recorded (%q) but is not in the database", name, r.user, r.body)
		}
	}
	if acked == crashBurst {
		t.Errorf("%s: every request was acknowledged: the kill came after the burst, so it proves nothing", name)
	}
	t.Logf("%s: %d sent, %d acknowledged (%d as recorded, %d as pending), %d stored, %d acknowledged-as-recorded lost",
		name, len(results), acked, confirmed, pending, kept, lost)
}

// SIGKILL in the middle of a burst of answers loses none that was acknowledged as recorded: the
// answer is committed (WAL, synchronous=NORMAL) before the acknowledgement. Slack slash commands,
// Slack button presses and Discord signed interactions, each burst ended by a kill -9 and checked
// on the database the restarted process uses.
func TestKillMidBurstLosesNoAcknowledgedAnswer(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("a burst of 1,500 requests against the binary")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "pyqbot.db")
	sfake := slackfake.New()
	t.Cleanup(sfake.Close)
	dapi := newFakeDiscordAPI(t)
	config := writeFile(t, "pyqbot.toml", storageTOML(db)+listenTOML+slackHTTPTOML(sfake)+discordTOML("http", dapi)+noQuestionTOML)
	env := append([]string{"SLACK_SIGNING_SECRET=" + e2eSecret}, discordEnv()...)
	bank := exportedBank(t)
	start := func() *binaryRun {
		b := startBinary(t, config, env...)
		// Both adapters: Slack answers 503 until its own Run serves, which can come after
		// Discord's on a loaded machine (a CI run saw "POST /slack/commands: status 503").
		b.waitLog(t, "discord receiving interactions over HTTP")
		b.waitLog(t, "slack connected")
		return b
	}
	kill := func(b *binaryRun) func() {
		return func() { b.cmd.Process.Kill() }
	}

	// Slack: a question, then 500 answers as slash commands.
	b := start()
	s := &slackBot{t: t, fake: sfake, base: "http://" + b.addr}
	// An output question, so that a button press answers it (a design question takes a modal).
	sfake.SetUser("ULEAD", slackfake.User{Name: "lead", Admin: true})
	if reply := s.command("ULEAD", "filter kinds output"); !strings.Contains(reply, "output") {
		t.Fatalf("filter: %s", reply)
	}
	s.command("ULEAD", "today")
	posts, err := sfake.WaitCalls("chat.postMessage", 1, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	qid := regexp.MustCompile(`· id ([a-z0-9-]+)`).FindStringSubmatch(posts[0].Form.Get("blocks"))[1]
	q := bank[qid]
	if q.Kind != "output" {
		t.Fatalf("the filter asked for an output question, got %s", q.Kind)
	}
	right, _ := rightAndWrong(q)
	slackSend := func(path string, body func(i int) string) func(*http.Client, int) burstResult {
		base := "http://" + b.addr
		return func(client *http.Client, i int) burstResult {
			return do(client, signedSlack(e2eSecret, base+path, body(i)))
		}
	}
	recordedSlash := func(r burstResult) bool { return strings.Contains(r.body, "Recorded your answer") }
	results := burst(t, crashBurst, crashConcurrency, crashKillAfter, slackSend(slack.PathCommands, func(i int) string {
		u := crashUser("S", i)
		return slashForm("C_DAILY", u, "answer #1 "+right, sfake.ResponseURL(u)).Encode()
	}), kill(b))
	b.wait()
	checkBurst(t, "slack slash commands", results, stored(t, db, 1), recordedSlash)

	// Restarted on the same database: the question is still open; 500 answers by button.
	b = start()
	ref, custom := "#1", "pyq_answer_"+right
	results = burst(t, crashBurst, crashConcurrency, crashKillAfter, slackSend(slack.PathInteractions, func(i int) string {
		u := crashUser("B", i)
		p := map[string]any{"type": "block_actions", "team": map[string]any{"id": slackfake.TeamID}, "user": map[string]any{"id": u, "name": strings.ToLower(u)},
			"channel": map[string]any{"id": "C_DAILY"}, "response_url": sfake.ResponseURL(u),
			"actions": []any{map[string]any{"type": "button", "block_id": "b", "action_id": custom, "value": "answer " + ref + " " + right}}}
		raw, _ := json.Marshal(p)
		return url.Values{"payload": {string(raw)}}.Encode()
	}), kill(b))
	b.wait()
	// A press is acknowledged with an empty 200 either way; one that fell past the deadline was
	// told through its response_url that it was not yet recorded.
	pendingNote := map[string]bool{}
	for _, c := range sfake.Calls("response_url") {
		if strings.Contains(c.Get("text"), "being recorded") {
			pendingNote[strings.TrimPrefix(c.Path, "/response/")] = true
		}
	}
	checkBurst(t, "slack button presses", results, stored(t, db, 1), func(r burstResult) bool { return !pendingNote[r.user] })

	// Discord: its own question, then 500 signed component interactions.
	b = start()
	const manage = "32"
	r := b.discordInteraction(t, guildInteraction("g1", "c1", "u-lead", "Lead", manage, 2, pyqData("today")))
	if r["type"].(float64) != 4 && r["type"].(float64) != 5 {
		t.Fatalf("today answered %v", r)
	}
	post := dapi.wait(t, regexp.MustCompile(`^POST /api/v9/channels/c1/messages (.*· id ([a-z0-9-]+)".*)$`))
	dq, dref, dright, dpost := discordQuestion(bank, post)
	daddr := "http://" + b.addr
	results = burst(t, crashBurst, crashConcurrency, crashKillAfter, func(client *http.Client, i int) burstResult {
		u := crashUser("D", i)
		typ, data := discordAnswer(dq, dref, dright)
		res := do(client, signDiscord(guildInteraction("g1", "c1", u, u, "0", typ, data)).request(daddr))
		res.user = u
		return res
	}, kill(b))
	b.wait()
	// Type 4 carries the reply; a deferred response (type 5 or 6) says nothing was confirmed.
	checkBurst(t, "discord interactions", results, stored(t, db, dpost), func(r burstResult) bool {
		return strings.Contains(r.body, `"type":4`) && strings.Contains(r.body, "Recorded your answer")
	})
}

// do sends req and reads the whole acknowledgement; the user is taken from the form when there is one.
func do(client *http.Client, req *http.Request) burstResult {
	var r burstResult
	if req.Body != nil && req.GetBody != nil {
		if b, err := req.GetBody(); err == nil {
			raw, _ := io.ReadAll(b)
			if v, err := url.ParseQuery(string(raw)); err == nil {
				r.user = v.Get("user_id")
				if p := v.Get("payload"); p != "" {
					var cb struct {
						User struct {
							ID string `json:"id"`
						} `json:"user"`
					}
					json.Unmarshal([]byte(p), &cb)
					r.user = cb.User.ID
				}
			}
		}
	}
	resp, err := client.Do(req)
	if err != nil {
		return r
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return r // cut off mid-response: not an acknowledgement
	}
	r.status, r.body = resp.StatusCode, string(body)
	return r
}
