package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/adapters/slack"
	"github.com/pyqbot/pyqbot/adapters/slack/slackfake"
	"github.com/pyqbot/pyqbot/storage"
)

// These tests stop the built binary with SIGTERM while a Slack command cannot finish: another
// process holds SQLite's write lock, or Slack's Web API stalls. They wait on what pyqbot and the
// fake Slack show (log lines, the acknowledgement, the calls the fake receives), never on sleeps.

// TestShutdownWithWorkInFlight: a stop whose grace runs out exits 1, says how many operations it
// abandoned, logs the user, and tells them through response_url; a stop with nothing stuck exits 0.
func TestShutdownWithWorkInFlight(t *testing.T) {
	for _, tc := range []struct {
		name string
		// stick makes the next command unable to finish, and returns what undoes it.
		stick     func(t *testing.T, db string, fake *slackfake.Server) func()
		wantCode  int
		wantLines []string
	}{
		{
			name:     "another process holds the write lock",
			stick:    holdWriteLock,
			wantCode: 1,
			wantLines: []string{
				`level=ERROR msg="shutdown: 1 operations abandoned (0 answers, 1 other commands, 0 scheduled jobs, 0 background platform calls)"`,
				`level=WARN msg="shutdown: abandoned a user's command;`,
			},
		},
		{
			name: "slack's chat.postMessage stalls",
			stick: func(t *testing.T, _ string, fake *slackfake.Server) func() {
				hold := make(chan struct{})
				fake.Fail("chat.postMessage", slackfake.Failure{Hold: hold})
				return func() { close(hold) }
			},
			wantCode: 1,
			wantLines: []string{
				`level=ERROR msg="shutdown: 1 operations abandoned (0 answers, 1 other commands, 0 scheduled jobs, 0 background platform calls)"`,
			},
		},
		{
			name:     "nothing stuck",
			stick:    func(*testing.T, string, *slackfake.Server) func() { return func() {} },
			wantCode: 0,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := slackfake.New()
			t.Cleanup(fake.Close)
			db := filepath.Join(t.TempDir(), "stop.db")
			// A short grace keeps the test quick; the behaviour is the same at the default 8 s.
			config := writeFile(t, "stop.toml", fmt.Sprintf(`
[storage]
path = %q
[bot]
shutdown_grace = "1s"
[http]
listen = "127.0.0.1:0"
[slack]
enabled = true
mode = "http"
api_url = %q
bot_token = %q
`, db, fake.APIURL(), slackfake.BotToken))
			s := startService(t, config, "SLACK_SIGNING_SECRET="+e2eSecret)
			s.waitFor(regexp.MustCompile(`slack connected`), 1)
			release := tc.stick(t, db, fake)
			t.Cleanup(release)

			// /pyq today in a channel pyqbot has not seen: it writes the channel, then posts.
			ack := slashCommand(t, s.addr, "U_STOP", "C_STOP", "today", fake.ResponseURL("stop"))
			stuck := tc.wantCode != 0
			if stuck {
				// The acknowledgement came back without the reply: the command is still running.
				if !strings.Contains(ack, "Working on it") {
					t.Fatalf("acknowledgement %q, want the pending note (the fault did not hold the command)", ack)
				}
			} else if !strings.Contains(ack, "Question") && ack != "" {
				t.Logf("acknowledgement: %s", ack)
			}

			code := sigterm(t, s)
			out := s.output()
			if testing.Verbose() {
				t.Logf("exit %d:\n%s", code, out)
			}
			if code != tc.wantCode {
				t.Fatalf("exit status %d after SIGTERM, want %d:\n%s", code, tc.wantCode, out)
			}
			for _, want := range tc.wantLines {
				if !strings.Contains(out, want) {
					t.Errorf("log lacks %s:\n%s", want, out)
				}
			}
			if !stuck {
				if strings.Contains(out, "abandoned") || strings.Contains(out, "level=ERROR") {
					t.Errorf("a clean stop logged an error or abandoned work:\n%s", out)
				}
				return
			}
			if !regexp.MustCompile(`shutdown: abandoned a user's command.*platform=slack .*user=U_STOP`).MatchString(out) {
				t.Errorf("the abandoned user is not logged with platform and user id:\n%s", out)
			}
			// The user is told through response_url, which still takes a reply.
			calls, err := fake.WaitCalls("response_url", 1, 10*time.Second)
			if err != nil {
				t.Fatalf("no response_url call telling the user: %v\n%s", err, out)
			}
			if text := calls[len(calls)-1].Get("text"); !strings.Contains(text, "could not finish `/pyq today`") {
				t.Errorf("the user was told %q, want that /pyq today could not finish", text)
			}
		})
	}
}

// holdWriteLock takes SQLite's write lock on db from this process, as another pyqbot or a backup
// script would, until the returned function runs.
func holdWriteLock(t *testing.T, db string, _ *slackfake.Server) func() {
	t.Helper()
	ctx := context.Background()
	store, err := storage.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := store.SQL().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	return func() {
		conn.ExecContext(ctx, "ROLLBACK")
		conn.Close()
		store.Close()
	}
}

// slashCommand sends a signed /pyq slash command and returns its acknowledgement's body.
func slashCommand(t *testing.T, addr, user, channel, text, responseURL string) string {
	t.Helper()
	body := url.Values{"team_id": {slackfake.TeamID}, "channel_id": {channel}, "user_id": {user}, "user_name": {strings.ToLower(user)},
		"command": {"/pyq"}, "text": {text}, "response_url": {responseURL}, "trigger_id": {"t-" + user}}.Encode()
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+slack.PathCommands, strings.NewReader(body))
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", slack.Sign(e2eSecret, ts, []byte(body)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("slash command: status %d %s", resp.StatusCode, b)
	}
	return string(b)
}

// sigterm stops the service and returns its exit status, failing the test if it takes longer than
// the grace, the notice window and closing the database could explain.
func sigterm(t *testing.T, s *service) int {
	t.Helper()
	exited := make(chan error, 1)
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	go func() { exited <- s.cmd.Wait() }()
	select {
	case err := <-exited:
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			t.Fatal(err)
		}
		return s.cmd.ProcessState.ExitCode()
	case <-time.After(30 * time.Second): // a failure guard only
		t.Fatalf("pyqbot did not exit within 30 s of SIGTERM:\n%s", s.output())
		return -1
	}
}
