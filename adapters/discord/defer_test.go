package discord

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

// slowHandler is an engine that takes as long as the test says: it answers when released.
type slowHandler struct {
	reply   bot.Reply
	release chan struct{}
	got     chan bot.Event
}

func newSlowHandler(r bot.Reply) *slowHandler {
	return &slowHandler{reply: r, release: make(chan struct{}), got: make(chan bot.Event, 4)}
}

func (h *slowHandler) Handle(ctx context.Context, e bot.Event) bot.Reply {
	h.got <- e
	<-h.release
	return h.reply
}

// alwaysDeferred makes a's acknowledgement timer fire at once: the core is always too slow, and
// every interaction is deferred.
func alwaysDeferred(a *Adapter) {
	fired := make(chan time.Time)
	close(fired)
	a.ackTimer = func() <-chan time.Time { return fired }
}

// fakeAfter is the acknowledgement timer under the test's control: it records the delay asked
// for and fires when the test says.
type fakeAfter struct {
	asked chan time.Duration
	fire  chan time.Time
}

func newFakeAfter() *fakeAfter {
	return &fakeAfter{asked: make(chan time.Duration, 4), fire: make(chan time.Time)}
}

func (f *fakeAfter) After(d time.Duration) <-chan time.Time {
	f.asked <- d
	return f.fire
}

func TestSlowCommandIsDeferredWithin3Seconds(t *testing.T) {
	t.Parallel()
	f := newFakeDiscord(t)
	timer := newFakeAfter()
	a, srv := serveHTTPAdapter(t, f, Options{After: timer.After}) // the default acknowledgement delay
	h := newSlowHandler(bot.Reply{Private: true, Post: bot.Post{Text: "Recorded your answer B to #1."}})
	run(t, a, h)
	f.waitFor("PUT", "/api/v9/applications/")

	type result struct {
		code int
		body string
	}
	got := make(chan result, 1)
	go func() { // not do(): it may call t.Fatal, which only the test's goroutine may
		r := signed(slash("s1", alice, "answer", "choice", "B"), testNow)
		req, _ := http.NewRequest(r.Method, srv.URL+r.URL.Path, r.Body)
		req.Header = r.Header
		resp, err := srv.Client().Do(req)
		if err != nil {
			got <- result{0, err.Error()}
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		got <- result{resp.StatusCode, string(b)}
	}()
	if ev := recv(t, h.got, "event"); ev.Text != "answer B" {
		t.Errorf("event text %q, want %q", ev.Text, "answer B")
	}
	if d := recv(t, timer.asked, "the acknowledgement timer"); d <= 0 || d >= 3*time.Second {
		t.Errorf("the interaction is deferred after %v; Discord drops it after 3s", d)
	}
	select {
	case r := <-got:
		t.Fatalf("answered %d %s before the timer fired, while the engine was still busy", r.code, r.body)
	default:
	}
	close(timer.fire) // the engine is still busy when the delay is up
	res := recv(t, got, "the initial response")
	var r response
	json.Unmarshal([]byte(res.body), &r)
	if res.code != 200 || r.Type != 5 || r.Data.Flags != 64 {
		t.Fatalf("initial response %d %s, want a private deferral (type 5, flags 64)", res.code, res.body)
	}
	close(h.release)
	edit := f.waitFor("PATCH", "/api/v9/webhooks/app1/tok-s1/messages/@original")
	checkNoMentions(t, "deferred reply", edit.Body)
	var m struct{ Content string }
	decode(t, edit, &m)
	if m.Content != "Recorded your answer B to #1." {
		t.Errorf("edited reply = %s", edit.Body)
	}
}

func TestDeferredFollowUps(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		payload []byte
		reply   bot.Reply
		initial int      // callback type
		calls   []string // REST calls that finish the interaction, in order
		flags   int      // of the follow-up, when there is one
	}{
		{"button press, private reply", press("d1", alice, "pyq:answer #1 B"),
			bot.Reply{Private: true, Post: bot.Post{Text: "Recorded."}}, 6,
			[]string{"POST /api/v9/webhooks/app1/tok-d1"}, 64},
		{"slash command, public reply", slash("d2", alice, "leaderboard"),
			bot.Reply{Post: bot.Post{Title: "Leaderboard", Table: &bot.Table{Columns: []string{"Name"}, Rows: [][]string{{"Alice"}}}}}, 5,
			[]string{"POST /api/v9/webhooks/app1/tok-d2", "DELETE /api/v9/webhooks/app1/tok-d2/messages/@original"}, 0},
		{"slash command, nothing to say", slash("d3", lead, "today"), bot.Reply{}, 5,
			[]string{"DELETE /api/v9/webhooks/app1/tok-d3/messages/@original"}, 0},
		{"modal submit", submitModal("d4", alice, "pyq-text:#3", "use a queue"),
			bot.Reply{Private: true, Post: bot.Post{Text: "Recorded."}}, 6,
			[]string{"POST /api/v9/webhooks/app1/tok-d4"}, 64},
		{"rubric checklist saved: the result edits the checklist", press("d5", alice, idRubricSet+"#1", "1", "3"),
			bot.Reply{Private: true, Post: bot.Post{Text: "Recorded for #1."}}, 6,
			[]string{"PATCH /api/v9/webhooks/app1/tok-d5/messages/@original"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeDiscord(t)
			a, srv := serveHTTPAdapter(t, f, Options{})
			alwaysDeferred(a)
			h := newSlowHandler(tt.reply)
			run(t, a, h)
			f.waitFor("PUT", "/api/v9/applications/")

			_, body := do(t, srv, signed(tt.payload, testNow))
			var r response
			json.Unmarshal([]byte(body), &r)
			if r.Type != tt.initial {
				t.Fatalf("initial response %s, want type %d", body, tt.initial)
			}
			close(h.release)
			for _, want := range tt.calls {
				method, path, _ := strings.Cut(want, " ")
				c := f.waitFor(method, path)
				if c.Path != path {
					continue
				}
				if method == "PATCH" {
					var m struct{ Content string }
					decode(t, c, &m)
					if m.Content != tt.reply.Post.Text {
						t.Errorf("edit content %q, want %q", m.Content, tt.reply.Post.Text)
					}
				}
				if method == "POST" {
					checkNoMentions(t, "follow-up", c.Body)
					var m struct{ Flags int }
					decode(t, c, &m)
					if m.Flags != tt.flags {
						t.Errorf("follow-up flags %d, want %d", m.Flags, tt.flags)
					}
				}
			}
			if tt.name == "modal submit" {
				if ev := recv(t, h.got, "event"); ev.Text != "answer #3 use a queue" {
					t.Errorf("modal event text %q", ev.Text)
				}
			}
		})
	}
}

// lateCommitHandler answers once the test releases it and its context has ended: the engine does
// so when an answer's batch is still committing as the context ends (a write lock held elsewhere):
// the batch runs to its end and the answer is confirmed (storage's answerBatch waits for it).
type lateCommitHandler struct{ release chan struct{} }

func (h lateCommitHandler) Handle(ctx context.Context, _ bot.Event) bot.Reply {
	<-h.release
	<-ctx.Done()
	return bot.Reply{Private: true, Post: bot.Post{Text: "Recorded your answer B to #1."}}
}

// A deferred interaction whose core finished only as the interaction's time ran out (an answer
// committed after a long wait for the write lock) still gets its reply: the follow-up has time of
// its own, instead of going out under the core's spent context and failing before it is sent.
func TestDeferredReplyOutlivesTheCoresTimeout(t *testing.T) {
	t.Parallel()
	f := newFakeDiscord(t)
	a, srv := serveHTTPAdapter(t, f, Options{})
	alwaysDeferred(a)                // the core is too slow for the acknowledgement
	a.workTimeout = time.Millisecond // the interaction's time runs out while the core works
	h := lateCommitHandler{release: make(chan struct{})}
	stop := run(t, a, h)
	f.waitFor("PUT", "/api/v9/applications/")

	_, body := do(t, srv, signed(press("late1", alice, "pyq:answer #1 B"), testNow))
	var r response
	json.Unmarshal([]byte(body), &r)
	if r.Type != 6 {
		t.Fatalf("initial response %s, want a deferral (type 6)", body)
	}
	close(h.release)
	stop() // Run returns once the interaction is finished, follow-up and all
	if calls := f.matching("POST", "/api/v9/webhooks/app1/tok-late1"); len(calls) != 1 {
		t.Fatalf("%d follow-ups, want the confirmation: the user is never told the answer was recorded", len(calls))
	}
}
