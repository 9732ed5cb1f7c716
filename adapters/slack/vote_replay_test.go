package slack

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/adapters/contract"
	"github.com/pyqbot/pyqbot/adapters/slack/slackfake"
	"github.com/pyqbot/pyqbot/bot"
)

// A captured vote (a signed block_actions request), re-sent to another process on the same
// database within the signature window, must not undo the newer vote the voter cast since: the
// adapter's signature memory is per process, so only the engine's database claim can refuse it.
func TestReplayedSlackVoteOnAnotherProcessDoesNotUndoANewerVote(t *testing.T) {
	t.Parallel()
	e := newEngineEnv(t, contract.OutputQuestion())
	e.startWith(e.engine)
	e.postToday()
	form := bot.AnswerForm{Ref: "#1", Mode: bot.SingleChoice}
	for user, why := range map[string]string{"alice": "the lambdas close over i, which ends at 2", "bob": "range starts at 0"} {
		key := "B"
		if user == "bob" {
			key = "C"
		}
		if r := e.as(user, false, form.ReasonCommand([]string{key}, why)); !strings.Contains(r.Post.Text, "Recorded") {
			t.Fatalf("%s's answer: %s", user, r.Post.Text)
		}
	}
	if r := e.as("lead", true, "reveal"); !r.Empty() {
		t.Fatalf("reveal: %s", r.Post.Text)
	}

	vote := func(n int) (string, http.Header) {
		body := interactionPayload(t, votePress(e.fake, "Ucarol", "vote #1 "+strconv.Itoa(n)))
		ts := strconv.FormatInt(e.clock.Now().Unix(), 10)
		h := http.Header{}
		h.Set("Content-Type", formType)
		h.Set("X-Slack-Request-Timestamp", ts)
		h.Set("X-Slack-Signature", Sign(testSecret, ts, []byte(body)))
		return body, h
	}
	// Each server's own client, not http.DefaultClient: another parallel test's server Close shuts
	// the default transport's idle connections, and a POST that had just taken one fails.
	send := func(srv *httptest.Server, body string, h http.Header) int {
		t.Helper()
		r, err := http.NewRequest(http.MethodPost, srv.URL+PathInteractions, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		r.Header = h.Clone()
		resp, err := srv.Client().Do(r)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	carolsVote := func() int {
		t.Helper()
		var n int
		if err := e.store.SQL().QueryRow(`SELECT n FROM votes`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	oldBody, oldHeaders := vote(2)
	if code := send(e.srv, oldBody, oldHeaders); code != http.StatusOK {
		t.Fatalf("first vote: %d", code)
	}
	waitCalls(t, e.fake, "response_url", 1)
	e.clock.Advance(30 * time.Second)
	newBody, newHeaders := vote(1)
	send(e.srv, newBody, newHeaders)
	waitCalls(t, e.fake, "response_url", 2)
	if n := carolsVote(); n != 1 {
		t.Fatalf("Carol's vote is %d after she moved it to 1", n)
	}

	// Another process on the same database: its adapter has never seen the old signature.
	e.clock.Advance(30 * time.Second)
	other := New(Options{
		Logger:   e.log,
		Settings: Settings{Mode: ModeHTTP, APIURL: e.fake.APIURL(), BotToken: slackfake.BotToken, SigningSecret: testSecret},
		Now:      e.clock.Now,
	})
	mux := http.NewServeMux()
	other.Register(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	stop := serve(t, other, e.engine)
	send(srv, oldBody, oldHeaders)
	stop() // Run returns once the work the replay started is done

	if n := carolsVote(); n != 1 {
		t.Errorf("Carol's vote is %d after a replay of her old vote on another process, want 1 (her newer vote)", n)
	}
}
