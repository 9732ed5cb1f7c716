package discord

import (
	"bytes"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

// heldWriter is the response to Discord's request, held in its first Write until the test lets it
// go: a deferral written but not yet sent.
type heldWriter struct {
	header           http.Header
	entered, proceed chan struct{}
	body             bytes.Buffer
}

func (w *heldWriter) Header() http.Header { return w.header }
func (w *heldWriter) WriteHeader(int)     {}
func (w *heldWriter) Flush()              {}
func (w *heldWriter) Write(b []byte) (int, error) {
	close(w.entered)
	<-w.proceed
	return w.body.Write(b)
}

// A core that answers just as its interaction is deferred sends its follow-up only once the
// deferral is out: a follow-up is a message on an acknowledged interaction, so it must not overtake
// the acknowledgement.
func TestAFollowUpWaitsForTheDeferralToBeSent(t *testing.T) {
	t.Parallel()
	f := newFakeDiscord(t)
	a, _ := serveHTTPAdapter(t, f, Options{})
	alwaysDeferred(a)
	h := newSlowHandler(bot.Reply{Private: true, Post: bot.Post{Text: "Recorded your answer B to #1."}})
	run(t, a, h)
	f.waitFor("PUT", "/api/v9/applications/")

	w := &heldWriter{header: http.Header{}, entered: make(chan struct{}), proceed: make(chan struct{})}
	served := make(chan struct{})
	go func() {
		defer close(served)
		a.ServeHTTP(w, signed(press("o1", alice, "pyq:answer #1 B"), testNow))
	}()
	<-w.entered      // the deferral is being written
	close(h.release) // and the core answers at that moment
	const followUp = "/api/v9/webhooks/app1/tok-o1"
	// An absence, so a bounded wait: the old code sent the follow-up within milliseconds.
	if _, err := f.WaitFor("POST", followUp, 1, 300*time.Millisecond); err == nil {
		t.Fatal("the follow-up reached Discord before the deferral was sent")
	}
	close(w.proceed)
	<-served
	if c := f.waitFor("POST", followUp); !bytes.Contains(c.Body, []byte("Recorded your answer B")) {
		t.Errorf("follow-up %s, want the confirmation", c.Body)
	}
	if !bytes.Contains(w.body.Bytes(), []byte(`"type":6`)) {
		t.Errorf("response %s, want a deferral (type 6)", w.body.Bytes())
	}
}

// heldAckMetrics holds ServeHTTP in ObserveAck, after its responder has returned and before the
// handler itself returns: the moment a scheduler may leave the handler's goroutine waiting.
type heldAckMetrics struct {
	bot.NoMetrics
	entered, proceed chan struct{}
}

func (m heldAckMetrics) ObserveAck(string, time.Duration) {
	close(m.entered)
	<-m.proceed
}

// Once the responder has returned, so that the follow-up may go out, Discord holds the whole
// deferral, not only its first bytes: a response flushed without its length is chunked, and ends
// only when the handler returns, which may come after the follow-up.
func TestADeferralIsCompleteWhenItsFollowUpGoesOut(t *testing.T) {
	t.Parallel()
	f := newFakeDiscord(t)
	m := heldAckMetrics{entered: make(chan struct{}), proceed: make(chan struct{})}
	a, srv := serveHTTPAdapter(t, f, Options{Metrics: m})
	letGo := sync.OnceFunc(func() { close(m.proceed) })
	t.Cleanup(letGo) // before the server's Close, which waits for the handler
	fired := make(chan time.Time)
	close(fired)
	a.ackTimer = func() <-chan time.Time { return fired } // the core is too slow for the acknowledgement
	h := newSlowHandler(bot.Reply{Private: true, Post: bot.Post{Text: "Recorded your answer B to #1."}})
	run(t, a, h)
	f.waitFor("PUT", "/api/v9/applications/")

	r := signed(press("c1", alice, "pyq:answer #1 B"), testNow)
	req, err := http.NewRequest(r.Method, srv.URL+r.URL.Path, r.Body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header = r.Header
	body := make(chan []byte, 1)
	go func() {
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Error(err)
			close(body)
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		body <- b
	}()
	<-m.entered      // the deferral is written and flushed, the responder has returned
	close(h.release) // and the core answers
	f.waitFor("POST", "/api/v9/webhooks/app1/tok-c1")
	select {
	case b := <-body:
		if len(b) == 0 {
			t.Fatal("no response")
		}
	case <-time.After(5 * time.Second):
		t.Error("the follow-up went out while Discord still waited for the rest of the deferral")
	}
	letGo()
}
