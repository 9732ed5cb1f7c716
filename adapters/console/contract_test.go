package console

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/adapters/contract"
	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
)

func TestContract(t *testing.T) {
	t.Parallel()
	contract.Run(t, func(t *testing.T) contract.Harness { return newTerminal(t) })
}

// writes keeps the terminal's output one write at a time: the adapter prints each post, edit and
// reply in a single write, so the writes are the terminal's messages.
type writes struct {
	mu      sync.Mutex
	list    []string
	changed chan struct{} // closed and replaced on every write
}

func (w *writes) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.list = append(w.list, string(p))
	close(w.changed)
	w.changed = make(chan struct{})
	return len(p), nil
}

func (w *writes) snapshot() ([]string, chan struct{}) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.list...), w.changed
}

// terminal is the contract's harness for the console adapter: lines go in through a pipe, as a
// person types them, and what is printed is read back.
type terminal struct {
	a     *Adapter
	feed  *io.PipeWriter
	out   *writes
	clock *testkit.FakeClock
}

func newTerminal(t *testing.T) *terminal {
	in, feed := io.Pipe()
	out := &writes{changed: make(chan struct{})}
	return &terminal{a: New(in, out, "Lead"), feed: feed, out: out, clock: testkit.NewFakeClock(testkit.Monday)}
}

func (h *terminal) Clock() *testkit.FakeClock      { return h.clock }
func (h *terminal) Adapter() bot.Adapter           { return h.a }
func (h *terminal) Conversation() bot.Conversation { return Conversation }
func (h *terminal) Answer(t *testing.T, u contract.User, _ contract.Message, key string) contract.Reply {
	return h.Command(t, u, "answer "+key) // no buttons: the terminal's way to answer is typing
}

// Vote: the terminal has no vote control; typing is its only way.
func (h *terminal) Vote(*testing.T, contract.User, contract.Message, int) (contract.Reply, bool) {
	return contract.Reply{}, false
}

func (h *terminal) Start(t *testing.T, eng bot.Handler) {
	stop := contract.Serve(t, func(ctx context.Context) error { return h.a.Run(ctx, eng) })
	t.Cleanup(func() { h.feed.Close(); stop() }) // runs first: Run ends on its input closing, or on cancel
}

// Command types `/pyq text` as u. "/as NAME" before and after it frame the command's output: each
// prints one line, and the terminal handles lines one after another.
func (h *terminal) Command(t *testing.T, u contract.User, text string) contract.Reply {
	t.Helper()
	before, _ := h.out.snapshot()
	marker := fmt.Sprintf("(you are now %s)\n", u.Name)
	if _, err := fmt.Fprintf(h.feed, "/as %s\n/pyq %s\n/as %s\n", u.Name, text, u.Name); err != nil {
		t.Fatal(err)
	}
	timeout := time.After(10 * time.Second) // a failure guard, not a way to synchronise
	for {
		all, changed := h.out.snapshot()
		var marks []int
		for i := len(before); i < len(all); i++ {
			if all[i] == marker {
				marks = append(marks, i)
			}
		}
		if len(marks) == 2 {
			return readReply(all[marks[0]+1 : marks[1]])
		}
		select {
		case <-changed:
		case <-timeout:
			t.Fatalf("/pyq %s as %s: no end of output within 10s; printed:\n%s", text, u.Name, strings.Join(all[len(before):], ""))
		}
	}
}

var only = regexp.MustCompile(`^\(only (.+) can see this\)\n`)

// readReply finds the reply among a command's writes: the one that is not a post or an edit.
func readReply(ws []string) contract.Reply {
	for i := len(ws) - 1; i >= 0; i-- {
		if strings.HasPrefix(ws[i], "[#") {
			continue
		}
		r := contract.Reply{Text: ws[i]}
		if m := only.FindStringSubmatch(ws[i]); m != nil {
			r.Private, r.To, r.Text = true, m[1], ws[i][len(m[0]):]
		}
		return r
	}
	return contract.Reply{}
}

var (
	postHeader   = regexp.MustCompile(`^\[#[^\]›]+\] message (\S+)\n`)
	threadHeader = regexp.MustCompile(`^\[#[^\]]+ › thread of (\S+)\] message (\S+)\n`)
	closedLine   = regexp.MustCompile(`^\[#[^\]]+\] message (\S+) closed: `)
	choiceLine   = regexp.MustCompile(`(?m)^  \[([A-Z])\] `)
	voteLine     = regexp.MustCompile(`(?m)^(?:  │ )?  (\d+) · `)
)

// Messages reads the terminal's output back into messages; a closed line marks its question
// closed, and what the terminal printed before is no longer something to press. A terminal pings
// nobody, so Pings stay empty.
func (h *terminal) Messages(t *testing.T) []contract.Message {
	all, _ := h.out.snapshot()
	var out []contract.Message
	index := map[string]int{}
	for _, w := range all {
		switch {
		case closedLine.MatchString(w):
			if i, ok := index[closedLine.FindStringSubmatch(w)[1]]; ok {
				out[i].Closed, out[i].Choices, out[i].Votes = true, nil, nil
				out[i].Text += w
			}
		case threadHeader.MatchString(w):
			m := threadHeader.FindStringSubmatch(w)
			body := strings.ReplaceAll(w[len(m[0]):], "  │ ", "")
			index[m[2]] = len(out)
			out = append(out, contract.Message{ID: m[2], Thread: m[1], Text: body, Votes: votes(w)})
		case postHeader.MatchString(w):
			m := postHeader.FindStringSubmatch(w)
			body := w[len(m[0]):]
			var keys []string
			for _, c := range choiceLine.FindAllStringSubmatch(body, -1) {
				keys = append(keys, c[1])
			}
			index[m[1]] = len(out)
			out = append(out, contract.Message{ID: m[1], Text: body, Choices: keys, Votes: votes(w)})
		}
	}
	return out
}

func votes(w string) []int {
	var ns []int
	for _, m := range voteLine.FindAllStringSubmatch(w, -1) {
		n, _ := strconv.Atoi(m[1])
		ns = append(ns, n)
	}
	return ns
}
