package main

import (
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// fakeSlack is the Slack Web API and response_url as cheaply as they can be answered: a handful of
// fixed JSON replies and a map of when each response_url got its message. It stands in for Slack
// so that pyqbot, not the fake, is what the load command measures.
type fakeSlack struct {
	srv  *http.Server
	base string

	mu        sync.Mutex
	confirmed map[string]time.Time // response_url name -> when a "Recorded" message arrived
	pending   map[string]bool      // response_url name -> got a "being recorded" note
	changed   chan struct{}
	userInfos atomic.Int64 // users.info calls served
}

func newFakeSlack() (*fakeSlack, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	f := &fakeSlack{base: "http://" + ln.Addr().String() + "/", confirmed: map[string]time.Time{}, pending: map[string]bool{}, changed: make(chan struct{})}
	f.srv = &http.Server{Handler: http.HandlerFunc(f.serve)}
	go f.srv.Serve(ln)
	return f, nil
}

func (f *fakeSlack) close() { f.srv.Close() }

func (f *fakeSlack) responseURL(name string) string { return f.base + "response/" + name }

func (f *fakeSlack) serve(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/")
	if name, ok := strings.CutPrefix(path, "response/"); ok {
		var msg struct {
			Text string `json:"text"`
		}
		json.NewDecoder(r.Body).Decode(&msg)
		at := time.Now()
		f.mu.Lock()
		switch {
		case strings.Contains(msg.Text, "Recorded your answer"):
			f.confirmed[name] = at
		case strings.Contains(msg.Text, "being recorded"):
			f.pending[name] = true
		}
		close(f.changed)
		f.changed = make(chan struct{})
		f.mu.Unlock()
		w.Write([]byte("ok"))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	switch path {
	case "auth.test":
		w.Write([]byte(`{"ok":true,"team_id":"` + teamID + `","team":"load","user_id":"UBOT"}`))
	case "chat.postMessage":
		r.ParseForm()
		w.Write([]byte(`{"ok":true,"channel":"` + r.Form.Get("channel") + `","ts":"1700000000.000001"}`))
	case "chat.update":
		r.ParseForm()
		w.Write([]byte(`{"ok":true,"channel":"` + r.Form.Get("channel") + `","ts":"1700000000.000001","text":""}`))
	case "users.info":
		f.userInfos.Add(1)
		r.ParseForm()
		u := r.Form.Get("user")
		w.Write([]byte(`{"ok":true,"user":{"id":"` + u + `","name":"` + strings.ToLower(u) + `","profile":{"display_name":"` + strings.ToLower(u) + `"}}}`))
	default:
		w.Write([]byte(`{"ok":true}`))
	}
}

// waitConfirmed waits until every name has its confirmation or until timeout, and returns when
// each arrived (missing names are absent).
func (f *fakeSlack) waitConfirmed(names []string, timeout time.Duration) map[string]time.Time {
	deadline := time.After(timeout)
	for {
		f.mu.Lock()
		out := map[string]time.Time{}
		for _, n := range names {
			if at, ok := f.confirmed[n]; ok {
				out[n] = at
			}
		}
		changed := f.changed
		f.mu.Unlock()
		if len(out) == len(names) {
			return out
		}
		select {
		case <-changed:
		case <-deadline:
			return out
		}
	}
}
