package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
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
// abandoned and of which kind, logs the user, and tells them through response_url; a stop with
// nothing stuck exits 0.
func TestShutdownWithWorkInFlight(t *testing.T) {
	t.Parallel()
	summary := func(answers, commands, background int) string {
		return fmt.Sprintf(`level=ERROR msg="shutdown: %d operations abandoned (%d answers, %d other commands, 0 scheduled jobs, %d background platform calls)"`,
			answers+commands+background, answers, commands, background)
	}
	stall := func(method string) func(*testing.T, string, *slackfake.Server) func() {
		return func(t *testing.T, _ string, fake *slackfake.Server) func() {
			hold := make(chan struct{})
			fake.Fail(method, slackfake.Failure{Hold: hold})
			return func() { close(hold) }
		}
	}
	for _, tc := range []struct {
		name string
		// question posts an output question in the channel first, for an answer to answer.
		question bool
		// stick makes the next command (or what follows it) unable to finish, and returns what
		// undoes it.
		stick       func(t *testing.T, db string, fake *slackfake.Server) func()
		text        string
		wantPending bool   // the acknowledgement carries the pending note: the command is still running
		wantCode    int    // exit status
		wantSummary string // the ERROR line
		wantTold    string // what response_url tells the user afterwards
		wantLog     string // another line the log must have (a regular expression)
	}{
		{
			name: "an answer waits for another process's write lock", question: true,
			stick: holdWriteLock, text: "answer A", wantPending: true, wantCode: 1,
			wantSummary: summary(1, 0, 0), wantTold: "could not finish your answer in time: it may not have been recorded",
		},
		{
			name:  "a command waits for another process's write lock",
			stick: holdWriteLock, text: "today", wantPending: true, wantCode: 1,
			wantSummary: summary(0, 1, 0), wantTold: "could not finish `/pyq today`",
		},
		{
			name:  "slack's chat.postMessage stalls",
			stick: stall("chat.postMessage"), text: "today", wantPending: true, wantCode: 1,
			wantSummary: summary(0, 1, 0), wantTold: "could not finish `/pyq today`",
		},
		{
			// The reply went out; learning the new user's display name afterwards hangs.
			name:  "slack's users.info stalls after the reply",
			stick: stall("users.info"), text: "help", wantCode: 1,
			wantSummary: summary(0, 0, 1), wantLog: `msg="shutdown: abandoned work in flight" platform=slack workspace=T0FAKE channel="" kind=background what=users\.info running_for=\S+ user=U_STOP`,
		},
		{
			name:  "nothing stuck",
			stick: func(*testing.T, string, *slackfake.Server) func() { return func() {} }, text: "today", wantCode: 0,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := slackfake.New()
			t.Cleanup(fake.Close)
			db := filepath.Join(t.TempDir(), "stop.db")
			config := writeFile(t, "stop.toml", storageTOML(db)+quickStopTOML+listenTOML+slackHTTPTOML(fake))
			s := startService(t, config, "SLACK_SIGNING_SECRET="+e2eSecret)
			s.waitFor(regexp.MustCompile(`slack connected`), 1)
			if tc.question {
				// An output question, so that a letter answers it (a design question wants words).
				fake.SetUser("U_LEAD", slackfake.User{Name: "lead", Admin: true})
				if ack := slashCommand(t, s.addr, "U_LEAD", "C_STOP", "filter kinds output", fake.ResponseURL("filter")); !strings.Contains(ack, "output") {
					t.Fatalf("filter: %s", ack)
				}
				slashCommand(t, s.addr, "U_LEAD", "C_STOP", "today", fake.ResponseURL("today"))
				if _, err := fake.WaitCalls("chat.postMessage", 1, 10*time.Second); err != nil {
					t.Fatal(err)
				}
			}
			release := tc.stick(t, db, fake)
			t.Cleanup(release)

			ack := slashCommand(t, s.addr, "U_STOP", "C_STOP", tc.text, fake.ResponseURL("stop"))
			if pending := strings.Contains(ack, "in a moment"); pending != tc.wantPending {
				t.Fatalf("acknowledgement %q: pending %v, want %v (the fault did not hold the command as meant)", ack, pending, tc.wantPending)
			}

			code := sigterm(t, s)
			out := s.output()
			if testing.Verbose() {
				t.Logf("exit %d:\n%s", code, out)
			}
			if code != tc.wantCode {
				t.Fatalf("exit status %d after SIGTERM, want %d:\n%s", code, tc.wantCode, out)
			}
			if tc.wantCode == 0 {
				if strings.Contains(out, "abandoned") || strings.Contains(out, "level=ERROR") {
					t.Errorf("a clean stop logged an error or abandoned work:\n%s", out)
				}
				return
			}
			if !strings.Contains(out, tc.wantSummary) {
				t.Errorf("log lacks %s:\n%s", tc.wantSummary, out)
			}
			if tc.wantLog != "" && !regexp.MustCompile(tc.wantLog).MatchString(out) {
				t.Errorf("log lacks %s:\n%s", tc.wantLog, out)
			}
			if tc.wantTold == "" {
				return
			}
			if !regexp.MustCompile(`shutdown: abandoned a user's command.*platform=slack .*user=U_STOP`).MatchString(out) {
				t.Errorf("the abandoned user is not logged with platform and user id:\n%s", out)
			}
			// The user is told through response_url, which still takes a reply.
			// The process has exited, so every call it made is in.
			calls, err := fake.WaitCalls("response_url", 1, 10*time.Second)
			if err != nil {
				t.Fatalf("no response_url call telling the user: %v\n%s", err, out)
			}
			var told []string
			for _, c := range calls {
				if strings.Contains(c.Get("text"), tc.wantTold) {
					return
				}
				told = append(told, c.Get("text"))
			}
			t.Errorf("response_url told %q, want %q", told, tc.wantTold)
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
	form := slashForm(channel, user, text, responseURL)
	form.Set("trigger_id", "t-"+user)
	status, ack := respond(t, signedSlack(e2eSecret, "http://"+addr+slack.PathCommands, form.Encode()))
	if status != http.StatusOK {
		t.Fatalf("slash command: status %d %s", status, ack)
	}
	return ack
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

// TestShutdownTellsADiscordUser: a Discord command deferred while another process holds the write
// lock is abandoned at the stop, and its user gets the notice as the interaction's follow-up.
func TestShutdownTellsADiscordUser(t *testing.T) {
	t.Parallel()
	api := newFakeDiscordAPI(t)
	db := filepath.Join(t.TempDir(), "pyqbot.db")
	config := writeFile(t, "discord.toml", storageTOML(db)+quickStopTOML+listenTOML+discordTOML("http", api))
	b := startBinary(t, config, discordEnv()...)
	b.waitLog(t, "discord receiving interactions over HTTP")
	t.Cleanup(holdWriteLock(t, db, nil))

	r := b.discordInteraction(t, guildInteraction("g1", "c-stop", "u-stop", "Stop", "0", 2, pyqData("today")))
	if r["type"].(float64) != 5 {
		t.Fatalf("today answered %v, want it deferred (type 5) while the lock is held", r)
	}
	if err := b.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- b.wait() }()
	select {
	case <-exited:
	case <-time.After(30 * time.Second): // a failure guard only
		t.Fatalf("pyqbot did not exit within 30 s of SIGTERM:\n%s", b.logs())
	}
	if code := b.cmd.ProcessState.ExitCode(); code != 1 {
		t.Fatalf("exit status %d, want 1:\n%s", code, b.logs())
	}
	for _, want := range []string{
		`level=ERROR msg="shutdown: 1 operations abandoned (0 answers, 1 other commands, 0 scheduled jobs, 0 background platform calls)"`,
		`platform=discord workspace=g1 channel=c-stop kind=command what=today`,
	} {
		if !strings.Contains(b.logs(), want) {
			t.Errorf("log lacks %s:\n%s", want, b.logs())
		}
	}
	api.wait(t, regexp.MustCompile(`^(POST|PATCH) /api/v9/webhooks/app1/tok-\S+ .*could not finish`))
}
