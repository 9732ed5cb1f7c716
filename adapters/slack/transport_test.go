package slack

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
)

// A burst of confirmations goes to one host (hooks.slack.com). The adapter's client keeps the
// burst's connections for the next one: with net/http's default (two idle per host) all but two
// were dialled again, in production a TLS handshake each.
func TestBurstOfConfirmationsReusesItsConnections(t *testing.T) {
	t.Parallel()
	const burst = 20
	var (
		mu      sync.Mutex
		arrived int
		all     = make(chan struct{})
	)
	// The server answers none of a burst's calls until all of them are in, so the burst's calls
	// are really in flight together, each on a connection of its own.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		arrived++
		if arrived == burst {
			close(all)
		}
		wait := all
		mu.Unlock()
		<-wait
		w.Write([]byte("ok"))
	}))
	t.Cleanup(srv.Close)

	a := New(Options{Settings: Settings{Mode: ModeHTTP, BotToken: "xoxb-test", SigningSecret: testSecret}})
	tr, ok := a.httpc.Transport.(*http.Transport)
	if !ok {
		t.Fatalf("the adapter's client has transport %T, not its own *http.Transport", a.httpc.Transport)
	}
	var dials atomic.Int64
	dial := (&net.Dialer{}).DialContext
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		dials.Add(1)
		return dial(ctx, network, addr)
	}
	fire := func() {
		var wg sync.WaitGroup
		for range burst {
			wg.Go(func() {
				resp, err := a.httpc.Post(srv.URL, "application/json", nil)
				if err != nil {
					t.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body) // as slack-go does: a connection is kept only once its body is read
				resp.Body.Close()
			})
		}
		wg.Wait()
	}
	fire()
	if got := dials.Load(); got != burst {
		t.Fatalf("first burst dialled %d connections, want %d (one a call in flight)", got, burst)
	}
	mu.Lock()
	arrived, all = 0, make(chan struct{})
	mu.Unlock()
	dials.Store(0)
	fire()
	if got := dials.Load(); got != 0 {
		t.Errorf("second burst dialled %d new connections, want 0: the first burst's were not kept", got)
	}
}
