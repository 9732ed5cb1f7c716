package console

import (
	"context"
	"io"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

// watched is an io.Writer a test can wait on: every write is announced.
type watched struct {
	mu    sync.Mutex
	buf   strings.Builder
	wrote chan struct{}
}

func newWatched() *watched { return &watched{wrote: make(chan struct{}, 100)} }

func (w *watched) Write(p []byte) (int, error) {
	w.mu.Lock()
	w.buf.Write(p)
	w.mu.Unlock()
	select {
	case w.wrote <- struct{}{}:
	default:
	}
	return len(p), nil
}

func (w *watched) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// waitSuffix waits until the output ends with suffix, with a generous timeout for a loaded machine.
func (w *watched) waitSuffix(t *testing.T, suffix string) {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for !strings.HasSuffix(w.String(), suffix) {
		select {
		case <-w.wrote:
		case <-timeout:
			t.Fatalf("output does not end with %q:\n%q", suffix, w.String())
		}
	}
}

type echo struct{}

func (echo) Handle(_ context.Context, e bot.Event) bot.Reply {
	return bot.Reply{Post: bot.Post{Text: "you said " + e.Text}}
}

// With Prompt, the terminal shows a banner and "> " whenever it waits for a line (item 11); a post
// that arrives while the prompt shows (a scheduled question) starts on its own line and the prompt
// comes back after it.
func TestPromptAndBanner(t *testing.T) {
	t.Parallel()
	in, feed := io.Pipe()
	out := newWatched()
	a := NewWith(in, out, "ann", Options{Banner: "welcome", Prompt: true})
	done := make(chan error, 1)
	go func() { done <- a.Run(context.Background(), echo{}) }()

	out.waitSuffix(t, "welcome\n> ")
	if _, err := a.Send(context.Background(), Conversation, bot.Post{Text: "scheduled question"}); err != nil {
		t.Fatal(err)
	}
	out.waitSuffix(t, "scheduled question\n\n> ")
	io.WriteString(feed, "/pyq hello\n")
	out.waitSuffix(t, "you said hello\n\n> ")
	feed.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	// The reply follows the prompt directly: in a terminal the person's typed line and Enter come
	// between them ("> /pyq hello⏎"), which this pipe does not echo.
	want := "welcome\n> \n[#general] message m1\nscheduled question\n\n> you said hello\n\n> "
	if got := out.String(); got != want {
		t.Errorf("output\n%q\nwant\n%q", got, want)
	}
}

// Without Prompt (a pipe), nothing but the posts and replies is printed.
func TestNoPromptForPipes(t *testing.T) {
	t.Parallel()
	out := newWatched()
	a := New(strings.NewReader("/pyq hi\n"), out, "ann")
	if err := a.Run(context.Background(), echo{}); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); strings.Contains(got, ">") {
		t.Errorf("piped output has a prompt: %q", got)
	}
}

// Message ids carry the start time, so runs against one database never share an id (item 19).
func TestMessageIDsDifferAcrossStarts(t *testing.T) {
	t.Parallel()
	start := time.UnixMilli(1_764_669_600_000)
	seen := map[string]bool{}
	for run := range 3 {
		a := NewWith(strings.NewReader(""), io.Discard, "ann", Options{Started: start.Add(time.Duration(run) * time.Millisecond)})
		for range 3 {
			ref, err := a.Send(context.Background(), Conversation, bot.Post{Text: "q"})
			if err != nil {
				t.Fatal(err)
			}
			if seen[ref.ID] {
				t.Fatalf("run %d: message id %s repeats", run, ref.ID)
			}
			seen[ref.ID] = true
		}
	}
	if want := strconv.FormatInt(start.UnixMilli(), 36) + "-1"; !seen[want] {
		t.Errorf("ids %v lack %s", seen, want)
	}
}

// A reminder on the terminal is printed with who it is for: everyone shares the screen.
func TestSendDirectPrintsWhoItIsFor(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	a := New(strings.NewReader(""), &out, "ann")
	var dm bot.DirectMessenger = a
	err := dm.SendDirect(context.Background(), Conversation, "ann", bot.Post{Title: "Reminder: #3 is revealed in 1h 0m", Text: "Answer in the channel."})
	if err != nil {
		t.Fatal(err)
	}
	want := "[private to ann]\n  │ == Reminder: #3 is revealed in 1h 0m ==\n  │ Answer in the channel.\n"
	if got := out.String(); got != want {
		t.Errorf("printed %q, want %q", got, want)
	}
}

// failing answers like the engine when the store refuses writes: a failed reply for answers.
type failing struct{}

func (failing) Handle(_ context.Context, e bot.Event) bot.Reply {
	if strings.HasPrefix(e.Text, "answer") {
		return bot.Reply{Private: true, Post: bot.Post{Text: "Your answer was not recorded"}, Failed: true}
	}
	return bot.Reply{Post: bot.Post{Text: "ok"}}
}

// A session in which commands failed on pyqbot's side ends in an error that counts them, so a
// script piping commands in does not exit 0 after losing answers; a session without is nil.
func TestSessionWithFailedCommandsEndsInAnError(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		input string
		want  string // in the error; "" for none
	}{
		{"/pyq answer A\n/pyq me\n/pyq answer B\n/quit\n", "2 command(s) in this session failed"},
		{"/pyq answer A\n", "1 command(s) in this session failed"}, // input ends without /quit
		{"/pyq me\n/quit\n", ""},
	} {
		err := New(strings.NewReader(tt.input), newWatched(), "ann").Run(context.Background(), failing{})
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%q: %v, want nil", tt.input, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%q: %v, want an error saying %q", tt.input, err, tt.want)
		}
	}
}
