package slack

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/adapters/slack/slackfake"
	"github.com/pyqbot/pyqbot/bot"
)

var conv = bot.Conversation{Platform: "slack", Workspace: slackfake.TeamID, Channel: "C1"}

func TestSendPostsBlocksAndThreadsReplies(t *testing.T) {
	t.Parallel()
	e := newEnv(t, ModeHTTP)
	ctx := context.Background()
	q := question(bot.SingleChoice)
	ref, err := e.a.Send(ctx, conv, q)
	if err != nil {
		t.Fatal(err)
	}
	post := e.fake.Calls("chat.postMessage")[0]
	if post.Token != slackfake.BotToken || post.Form.Get("channel") != "C1" || post.Form.Get("thread_ts") != "" {
		t.Errorf("chat.postMessage = %v", post.Form)
	}
	if post.Blocks() != mustJSON(t, Blocks(q)) || !strings.Contains(post.Form.Get("text"), "Late-binding lambdas &amp; the loop variable") {
		t.Errorf("chat.postMessage blocks/text differ from the rendering:\n%s", post.Blocks())
	}
	if ref.Channel != "C1" || ref.ID == "" {
		t.Fatalf("ref = %+v", ref)
	}

	reveal := goldenPosts(t)["reveal"]
	reveal.Thread = &ref
	reply, err := e.a.Send(ctx, conv, reveal)
	if err != nil {
		t.Fatal(err)
	}
	if got := e.fake.Calls("chat.postMessage")[1].Form.Get("thread_ts"); got != ref.ID {
		t.Errorf("reveal thread_ts = %q, want the question's ts %q", got, ref.ID)
	}
	if reply.Thread != ref.ID || reply.ID == ref.ID {
		t.Errorf("reply ref = %+v", reply)
	}

	closed := q
	closed.Closed = true
	if err := e.a.Edit(ctx, conv, ref, closed); err != nil {
		t.Fatal(err)
	}
	m, _ := e.fake.Message("C1", ref.ID)
	if strings.Contains(m.Blocks, `"actions"`) || !strings.Contains(m.Blocks, "Closed: answers no longer count") {
		t.Errorf("the closed question still has buttons or lacks the closed line:\n%s", m.Blocks)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	raw, err := json.Marshal(v) // compact, as slack-go sends blocks
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

func TestRateLimitIsRetriedAfterRetryAfter(t *testing.T) {
	t.Parallel()
	e := newEnv(t, ModeHTTP)
	e.fake.Fail("chat.postMessage", slackfake.Failure{RetryAfter: 7}, slackfake.Failure{RetryAfter: 2})
	if _, err := e.a.Send(context.Background(), conv, bot.Post{Text: "hi"}); err != nil {
		t.Fatal(err)
	}
	if n := len(e.fake.Calls("chat.postMessage")); n != 3 {
		t.Errorf("%d calls, want 3 (two 429s, then the post)", n)
	}
	if got := e.slept(); len(got) != 2 || got[0] != 7*time.Second || got[1] != 2*time.Second {
		t.Errorf("waited %v, want [7s 2s]", got)
	}
	// chat.update, too.
	e.fake.Fail("chat.update", slackfake.Failure{RetryAfter: 1})
	ref, _ := e.a.Send(context.Background(), conv, bot.Post{Text: "x"})
	if err := e.a.Edit(context.Background(), conv, ref, bot.Post{Text: "y"}); err != nil {
		t.Fatal(err)
	}
	if n := len(e.fake.Calls("chat.update")); n != 2 {
		t.Errorf("chat.update called %d times, want 2", n)
	}
}

func TestRateLimitRetriesAreBounded(t *testing.T) {
	t.Parallel()
	e := newEnv(t, ModeHTTP)
	for range 5 {
		e.fake.Fail("chat.postMessage", slackfake.Failure{RetryAfter: 1})
	}
	_, err := e.a.Send(context.Background(), conv, bot.Post{Text: "hi"})
	if err == nil || !strings.Contains(err.Error(), "rate limited") {
		t.Fatalf("err = %v, want a rate-limit error", err)
	}
	if n := len(e.fake.Calls("chat.postMessage")); n != 1+maxRetries {
		t.Errorf("%d calls, want %d", n, 1+maxRetries)
	}
}

func TestRateLimitWaitIsCancellable(t *testing.T) {
	t.Parallel()
	e := newEnv(t, ModeHTTP)
	e.a.sleep = sleepCtx // the real timer: a 60 s wait that ctx must cut short
	e.fake.Fail("chat.update", slackfake.Failure{RetryAfter: 60})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.a.Edit(ctx, conv, bot.MessageRef{Channel: "C1", ID: "1"}, bot.Post{Text: "x"}) }()
	waitCalls(t, e.fake, "chat.update", 1)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	case <-time.After(waitLimit):
		t.Fatal("the wait for Retry-After ignored cancellation")
	}
	if n := len(e.fake.Calls("chat.update")); n != 1 {
		t.Errorf("%d calls after cancelling, want 1", n)
	}
}

// After a connection error Slack may or may not have posted: posting again could double the
// question, so the adapter reports the error and leaves the decision to the scheduler's claim.
func TestPostIsNotResentAfterAConnectionError(t *testing.T) {
	t.Parallel()
	e := newEnv(t, ModeHTTP)
	e.fake.Fail("chat.postMessage", slackfake.Failure{Drop: true})
	if _, err := e.a.Send(context.Background(), conv, bot.Post{Text: "hi"}); err == nil {
		t.Fatal("Send succeeded over a dropped connection")
	}
	if n := len(e.fake.Calls("chat.postMessage")); n != 1 {
		t.Errorf("chat.postMessage called %d times, want 1 (no blind re-send)", n)
	}
}

func TestPostFailuresNameTheChannelAndTheFix(t *testing.T) {
	t.Parallel()
	for code, fix := range map[string]string{"not_in_channel": "/invite @pyqbot", "channel_not_found": "private channel", "is_archived": "unarchive"} {
		e := newEnv(t, ModeHTTP)
		e.fake.Fail("chat.postMessage", slackfake.Failure{Error: code})
		_, err := e.a.Send(context.Background(), conv, bot.Post{Text: "hi"})
		if err == nil || !strings.Contains(err.Error(), code) || !strings.Contains(err.Error(), "C1") || !strings.Contains(err.Error(), fix) {
			t.Errorf("%s: err = %v, want the code, the channel and %q", code, err, fix)
		}
		if n := len(e.fake.Calls("chat.postMessage")); n != 1 {
			t.Errorf("%s: retried (%d calls)", code, n)
		}
	}
}

func TestRunRefusesABadBotToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t, ModeHTTP)
	e.fake.Fail("auth.test", slackfake.Failure{Error: "invalid_auth"})
	err := e.a.Run(context.Background(), e.core)
	if err == nil || !strings.Contains(err.Error(), "invalid_auth") || !strings.Contains(err.Error(), "SLACK_BOT_TOKEN") {
		t.Errorf("Run = %v, want invalid_auth naming SLACK_BOT_TOKEN", err)
	}
}

func TestResponseURLMustBeSlacks(t *testing.T) {
	t.Parallel()
	a := New(Options{Settings: Settings{APIURL: "http://127.0.0.1:9999/api/"}})
	for raw, want := range map[string]bool{
		"https://hooks.slack.com/commands/T1/1/x": true,
		"http://127.0.0.1:9999/response/1":        true,
		"http://hooks.slack.com/commands/T1/1/x":  false,
		"https://evil.example/hooks.slack.com":    false,
		"http://169.254.169.254/latest/meta-data": false,
	} {
		if got := a.trustedResponseURL(raw); got != want {
			t.Errorf("trustedResponseURL(%s) = %v, want %v", raw, got, want)
		}
	}
}
