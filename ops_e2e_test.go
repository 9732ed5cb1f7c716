package main

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/adapters/slack"
	"github.com/pyqbot/pyqbot/adapters/slack/slackfake"
)

// service is the pyqbot binary running with its stdout and stderr kept together, so a test can
// wait for a line and, at the end, search everything it printed.
type service struct {
	t       *testing.T
	cmd     *exec.Cmd
	addr    string // the shared HTTP server's
	mu      sync.Mutex
	out     bytes.Buffer
	changed chan struct{} // closed and replaced at every write
}

func (s *service) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.out.Write(p)
	close(s.changed)
	s.changed = make(chan struct{})
	return len(p), nil
}

func (s *service) output() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.out.String()
}

// waitFor waits until the output matches re n times and returns the last match.
func (s *service) waitFor(re *regexp.Regexp, n int) []string {
	s.t.Helper()
	deadline := time.After(20 * time.Second) // a failure guard only
	for {
		s.mu.Lock()
		all, changed := re.FindAllStringSubmatch(s.out.String(), -1), s.changed
		s.mu.Unlock()
		if len(all) >= n {
			return all[n-1]
		}
		select {
		case <-changed:
		case <-deadline:
			s.t.Fatalf("pyqbot never printed %s (%d times):\n%s", re, n, s.output())
		}
	}
}

var listeningOn = regexp.MustCompile(`http server listening.*?addr"?[=:]"?([0-9.]+:\d+)`)

func startService(t *testing.T, config string, env ...string) *service {
	t.Helper()
	s := newService(t, "run", "--config", config)
	s.cmd.Env = append(s.cmd.Environ(), env...)
	s.start()
	return s
}

// newService is the binary with args, its output collected, not started yet.
func newService(t *testing.T, args ...string) *service {
	s := &service{t: t, changed: make(chan struct{})}
	s.cmd = exec.Command(binary, args...)
	s.cmd.Stdout, s.cmd.Stderr = s, s
	return s
}

// start starts the binary, kills it when the test ends, and waits for its HTTP address.
func (s *service) start() {
	s.t.Helper()
	if err := s.cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	s.t.Cleanup(func() { s.cmd.Process.Kill(); s.cmd.Wait() })
	s.addr = s.waitFor(listeningOn, 1)[1]
}

// get returns the status and body of GET path on the service.
func (s *service) get(path string) (int, string) {
	s.t.Helper()
	return getURL(s.t, "http://"+s.addr+path)
}

// stop sends SIGTERM and waits for a clean exit.
func (s *service) stop() {
	s.t.Helper()
	s.cmd.Process.Signal(syscall.SIGTERM)
	if err := s.cmd.Wait(); err != nil {
		s.t.Errorf("pyqbot exit after SIGTERM: %v\n%s", err, s.output())
	}
}

// TestSocketModeHealthThroughTheBinary runs pyqbot in Slack Socket Mode against the fake, which
// then drops the connection and refuses to reconnect for a while: /healthz says so, and recovers.
func TestSocketModeHealthThroughTheBinary(t *testing.T) {
	t.Parallel()
	fake := slackfake.New()
	t.Cleanup(fake.Close)
	config := writeFile(t, "socket.toml", storageTOML(filepath.Join(t.TempDir(), "s.db"))+listenTOML+slackTOML("socket", fake))
	s := startService(t, config, "SLACK_BOT_TOKEN="+slackfake.BotToken, "SLACK_APP_TOKEN="+slackfake.AppToken)
	connected := regexp.MustCompile(`slack socket mode connected`)
	s.waitFor(connected, 1)
	if code, body := s.get("/healthz"); code != 200 || strings.TrimSpace(body) != `{"status":"ok"}` {
		t.Fatalf("/healthz while connected = %d %s", code, body)
	}

	fake.Outage()
	s.waitFor(regexp.MustCompile(`slack socket mode connection failed; retrying`), 1)
	code, body := s.get("/healthz")
	var h healthBody
	json.Unmarshal([]byte(body), &h)
	if code != 503 || h.Status != "unavailable" || !strings.HasPrefix(h.Reason, "slack: socket mode") {
		t.Errorf("/healthz during the outage = %d %s, want 503 with a slack reason", code, body)
	}
	if code, _, stderr := run(t, "", "healthcheck", "--url", "http://"+s.addr+"/healthz"); code != 1 {
		t.Errorf("pyqbot healthcheck during the outage: exit %d, stderr %q", code, stderr)
	}

	fake.Restore()
	s.waitFor(connected, 2)
	if code, body := s.get("/healthz"); code != 200 {
		t.Errorf("/healthz after reconnecting = %d %s", code, body)
	}
	if code, out, stderr := run(t, "", "healthcheck", "--url", "http://"+s.addr+"/healthz"); code != 0 || !strings.Contains(out, "ok") {
		t.Errorf("pyqbot healthcheck: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	if code, body := s.get("/metrics"); code != 200 || !strings.Contains(body, `pyqbot_platform_api_errors_total{code="503",method="apps.connections.open",platform="slack"}`) {
		t.Errorf("/metrics does not count the refused reconnects: %d\n%s", code, body)
	}
	s.stop()
}

// TestSecretsNeverReachTheLog starts the binary with every secret set, through the config file or
// the environment, at debug level in both log formats, with Slack over HTTP or Socket Mode and
// Discord over HTTP. It drives start-up, signed and badly signed requests and a failing
// response_url, then searches everything pyqbot printed for the secrets.
func TestSecretsNeverReachTheLog(t *testing.T) {
	t.Parallel()
	const (
		signingSecret = "ssec-4d1c9e7a"
		discordToken  = "dtok-93b7f0c2"
		hookSecret    = "hooksecret5be1" // the secret part of a response_url
	)
	discordKey := hex.EncodeToString(e2eKey.Public().(ed25519.PublicKey))
	secrets := []string{slackfake.BotToken, slackfake.AppToken, signingSecret, discordToken, discordKey, hookSecret}

	for _, tt := range []struct {
		slackMode, secretsIn, format string
	}{
		{"http", "config", "text"},
		{"http", "env", "json"},
		{"socket", "config", "json"},
		{"socket", "env", "text"},
	} {
		t.Run(tt.slackMode+"-"+tt.secretsIn+"-"+tt.format, func(t *testing.T) {
			sfake := slackfake.New()
			t.Cleanup(sfake.Close)
			dapi := newFakeDiscordAPI(t)
			secretKeys, env := "", []string{"DISCORD_APP_ID=app1"}
			if tt.secretsIn == "config" {
				secretKeys = fmt.Sprintf("bot_token = %q\napp_token = %q\nsigning_secret = %q\n", slackfake.BotToken, slackfake.AppToken, signingSecret)
			} else {
				env = append(env, "SLACK_BOT_TOKEN="+slackfake.BotToken, "SLACK_APP_TOKEN="+slackfake.AppToken, "SLACK_SIGNING_SECRET="+signingSecret)
			}
			discordKeys := ""
			if tt.secretsIn == "config" {
				discordKeys = fmt.Sprintf("token = %q\npublic_key = %q\n", discordToken, discordKey)
			} else {
				env = append(env, "DISCORD_BOT_TOKEN="+discordToken, "DISCORD_PUBLIC_KEY="+discordKey)
			}
			config := writeFile(t, "secrets.toml", storageTOML(filepath.Join(t.TempDir(), "x.db"))+
				fmt.Sprintf("[log]\nlevel = \"debug\"\nformat = %q\n", tt.format)+listenTOML+
				slackTOML(tt.slackMode, sfake, secretKeys)+discordTOML("http", dapi, discordKeys))
			s := startService(t, config, env...)
			s.waitFor(regexp.MustCompile(`slack connected`), 1)
			s.waitFor(regexp.MustCompile(`discord receiving interactions over HTTP`), 1)

			// Slack: a button press answered through its response_url (a slash command's reply is
			// its acknowledgement), then one whose response_url drops the connection (the error
			// names the URL, which must be redacted).
			slashCmd := func(name string) url.Values {
				return url.Values{"team_id": {slackfake.TeamID}, "channel_id": {"C1"}, "user_id": {"U1"}, "user_name": {"u1"},
					"command": {"/pyq"}, "text": {"help"}, "response_url": {sfake.ResponseURL(name + "/" + hookSecret)}, "trigger_id": {"t1"}}
			}
			press := func(name string) map[string]any {
				return map[string]any{"type": "block_actions", "team": map[string]any{"id": slackfake.TeamID},
					"user": map[string]any{"id": "U1", "name": "u1"}, "channel": map[string]any{"id": "C1"},
					"response_url": sfake.ResponseURL(name + "/" + hookSecret), "trigger_id": "t1",
					"actions": []any{map[string]any{"type": "button", "action_id": "pyq_answer_A", "block_id": "b", "value": "answer #1 A"}}}
			}
			sendSlack := func(name string) {
				t.Helper()
				if tt.slackMode == "socket" {
					wait, err := sfake.Envelope("interactive", press(name))
					if err == nil {
						_, err = wait(10 * time.Second)
					}
					if err != nil {
						t.Fatal(err)
					}
					return
				}
				raw, _ := json.Marshal(press(name))
				if code := postSlackTo(t, s.addr, slack.PathInteractions, signingSecret, url.Values{"payload": {string(raw)}}.Encode()); code != 200 {
					t.Fatalf("signed button press answered %d", code)
				}
			}
			if tt.slackMode == "socket" {
				if _, err := sfake.WaitConnected(20 * time.Second); err != nil { // the fake holds the connection
					t.Fatal(err)
				}
			}
			sendSlack("ok")
			if _, err := sfake.WaitCalls("response_url", 1, 10*time.Second); err != nil {
				t.Fatal(err)
			}
			sfake.Fail("response_url", slackfake.Failure{Drop: true})
			sendSlack("drop")
			s.waitFor(regexp.MustCompile(`slack reply through response_url failed`), 1)
			if tt.slackMode == "http" {
				if code := postSlack(t, s.addr, "not-the-secret", slashCmd("forged").Encode()); code != 401 {
					t.Errorf("a forged Slack request answered %d, want 401", code)
				}
				s.waitFor(regexp.MustCompile(`slack request refused`), 1)
			}

			// Discord: a signed command, then one with a bad signature.
			in := guildInteraction("g1", "c1", "u1", "Ann", "0", 2, pyqData("help"))
			r := (&binaryRun{addr: s.addr, log: &bytes.Buffer{}, mu: &sync.Mutex{}}).discordInteraction(t, in)
			if r["type"].(float64) != 4 {
				t.Errorf("discord help answered %v", r)
			}
			body, _ := json.Marshal(in)
			req, _ := http.NewRequest("POST", "http://"+s.addr+"/discord/interactions", bytes.NewReader(body))
			req.Header.Set("X-Signature-Ed25519", strings.Repeat("ab", ed25519.SignatureSize))
			req.Header.Set("X-Signature-Timestamp", strconv.FormatInt(time.Now().Unix(), 10))
			if resp, err := e2eClient.Do(req); err != nil || resp.StatusCode != 401 {
				t.Errorf("a forged Discord request: %v %v, want 401", resp, err)
			} else {
				resp.Body.Close()
			}
			s.waitFor(regexp.MustCompile(`discord rejected an interaction request`), 1)
			if code, _ := s.get("/healthz"); code != 200 {
				t.Errorf("/healthz = %d", code)
			}
			s.get("/metrics")
			s.stop()

			out := s.output()
			for _, secret := range append(secrets, in["token"].(string)) {
				if strings.Contains(out, secret) {
					t.Errorf("the output contains the secret %q:\n%s", secret, out)
				}
			}
			if tt.format == "json" {
				for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
					if !json.Valid([]byte(line)) && !strings.HasPrefix(line, "pyqbot: ") { // main's signal notes are plain
						t.Errorf("a log line is not JSON: %s", line)
					}
				}
			}
			if !strings.Contains(out, "slack command received") || !strings.Contains(out, "discord command received") {
				t.Errorf("the debug lines about received commands are missing, so debug level was not exercised:\n%s", out)
			}
			if !strings.Contains(out, "/[redacted]") {
				t.Errorf("the failed response_url call was not logged with its URL redacted:\n%s", out)
			}
		})
	}
}

// postSlack sends a slash command signed with secret to the binary and returns the status.
func postSlack(t *testing.T, addr, secret, body string) int {
	t.Helper()
	return postSlackTo(t, addr, slack.PathCommands, secret, body)
}

func postSlackTo(t *testing.T, addr, path, secret, body string) int {
	t.Helper()
	resp, err := e2eClient.Do(signedSlack(secret, "http://"+addr+path, body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
