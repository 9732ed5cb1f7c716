// Package console is the terminal adapter: it reads `/pyq …` lines from standard input and prints
// posts as plain text. Piped input works the same as a person typing, so it doubles as a test harness.
package console

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pyqbot/pyqbot/bot"
)

// Conversation is the one channel the terminal plays in.
var Conversation = bot.Conversation{Platform: "console", Workspace: "local", Channel: "general"}

// Adapter is the terminal adapter. Everyone at the terminal is an admin.
type Adapter struct {
	in  io.Reader
	out io.Writer

	opts     Options
	idPrefix string

	mu   sync.Mutex // guards out, user, seq and prompted: scheduled posts may print while a command runs
	user bot.User
	seq  int
	// waiting is true while Run waits for a line, and prompted while "> " ends the output: a post
	// printed then starts on a new line and the prompt is shown again after it.
	waiting, prompted bool
	// failed counts the commands that failed on pyqbot's side (bot.Reply.Failed): a session
	// with any ends in an error, so a script piping commands in does not exit 0.
	failed int
}

// Options are the terminal's presentation and identity.
type Options struct {
	// Started makes message ids unique across restarts against one database: an id is the start
	// time (milliseconds, base 36) and a counter, such as "mi7k2x0q-3". Zero gives m1, m2…, which
	// repeat after a restart (fine for a test that runs once).
	Started time.Time
	// Banner is printed once when Run starts, so a newcomer knows what to type.
	Banner string
	// Prompt prints "> " whenever Run waits for a line: for a person at a terminal, not for a pipe.
	Prompt bool
}

var (
	_ bot.Adapter         = (*Adapter)(nil)
	_ bot.Editor          = (*Adapter)(nil)
	_ bot.HealthReporter  = (*Adapter)(nil)
	_ bot.DirectMessenger = (*Adapter)(nil)
)

// New returns an adapter reading commands from in and printing to out, playing as user, with
// message ids m1, m2… and no banner or prompt: the test harness.
func New(in io.Reader, out io.Writer, user string) *Adapter {
	return NewWith(in, out, user, Options{})
}

// NewWith is New with options: what `pyqbot console` runs.
func NewWith(in io.Reader, out io.Writer, user string, opts Options) *Adapter {
	a := &Adapter{in: in, out: out, user: userNamed(user), opts: opts, idPrefix: "m"}
	if !opts.Started.IsZero() {
		a.idPrefix = strconv.FormatInt(opts.Started.UnixMilli(), 36) + "-"
	}
	return a
}

func userNamed(name string) bot.User {
	return bot.User{ID: strings.ToLower(name), Name: name}
}

// Name is the platform name.
func (a *Adapter) Name() string { return Conversation.Platform }

// Healthy is always nil: the terminal has no connection to lose.
func (a *Adapter) Healthy(context.Context) error { return nil }

// maxLine is the longest input line accepted; design answers can be long.
const maxLine = 1 << 20

// Run reads lines until end of input (then returns nil) or until ctx ends.
func (a *Adapter) Run(ctx context.Context, h bot.Handler) error {
	if a.opts.Banner != "" {
		a.print(a.opts.Banner + "\n")
	}
	lines := make(chan string)
	readErr := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(a.in)
		sc.Buffer(make([]byte, 64*1024), maxLine)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
		readErr <- sc.Err()
		close(lines)
	}()
	for {
		a.wait(true)
		select {
		case <-ctx.Done():
			return a.sessionErr()
		case line, ok := <-lines:
			a.wait(false)
			if !ok {
				if err := <-readErr; err != nil {
					return fmt.Errorf("reading standard input: %w", err)
				}
				return a.sessionErr()
			}
			if quit := a.handleLine(ctx, h, line); quit {
				return a.sessionErr()
			}
		}
	}
}

// sessionErr is how a session ends: nil, or an error when commands failed on pyqbot's side.
func (a *Adapter) sessionErr() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.failed == 0 {
		return nil
	}
	return fmt.Errorf("%d command(s) in this session failed and changed nothing (the log above says why)", a.failed)
}

func (a *Adapter) handleLine(ctx context.Context, h bot.Handler, line string) (quit bool) {
	line = strings.TrimSpace(line)
	word, rest, _ := strings.Cut(line, " ")
	switch {
	case line == "" || strings.HasPrefix(line, "#"):
		return false
	case word == "/quit" || word == "/exit":
		return true
	case word == "/as":
		name := strings.TrimSpace(rest)
		if name == "" {
			a.print("usage: /as NAME (switches who is typing, so one person can play a team)\n")
			return false
		}
		a.mu.Lock()
		a.user = userNamed(name)
		a.mu.Unlock()
		a.print(fmt.Sprintf("(you are now %s)\n", name))
		return false
	case word == "/pyq":
		a.mu.Lock()
		user := a.user
		a.mu.Unlock()
		// A command that started finishes even if shutdown begins meanwhile: its answer is committed
		// or refused, never cut off half-way.
		reply := h.Handle(context.WithoutCancel(ctx), bot.Event{Conv: Conversation, User: user, Admin: true, Text: rest})
		if reply.Failed {
			a.mu.Lock()
			a.failed++
			a.mu.Unlock()
		}
		if !reply.Empty() {
			header := ""
			if reply.Private {
				header = fmt.Sprintf("(only %s can see this)\n", user.Name)
			}
			a.print(header + bot.PlainText(reply.Post) + "\n")
		}
		return false
	default:
		a.print("Commands start with /pyq (try /pyq help). /as NAME switches user; /quit leaves.\n")
		return false
	}
}

func (a *Adapter) print(s string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.write(s)
}

// wait records whether Run is waiting for a line, and shows the prompt when it starts to.
func (a *Adapter) wait(waiting bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.waiting = waiting
	if waiting && a.opts.Prompt && !a.prompted {
		io.WriteString(a.out, "> ")
		a.prompted = true
	}
	if !waiting {
		a.prompted = false // the person pressed Enter: the terminal is on a new line
	}
}

// write prints s with a.mu held. A post arriving while the prompt is showing (a scheduled
// question) goes on its own line, and the prompt comes back after it.
func (a *Adapter) write(s string) error {
	if a.prompted {
		s = "\n" + s
		a.prompted = false
	}
	_, err := io.WriteString(a.out, s)
	if err == nil && a.waiting && a.opts.Prompt {
		_, err = io.WriteString(a.out, "> ")
		a.prompted = true
	}
	return err
}

// Send prints a post in the channel, or in a thread under the message it replies to.
func (a *Adapter) Send(_ context.Context, to bot.Conversation, p bot.Post) (bot.MessageRef, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.seq++
	ref := bot.MessageRef{Channel: to.Channel, ID: fmt.Sprintf("%s%d", a.idPrefix, a.seq)}
	text := bot.PlainText(p)
	var header string
	if p.Thread != nil {
		ref.Thread = p.Thread.ID
		header = fmt.Sprintf("[#%s › thread of %s] message %s\n", to.Channel, p.Thread.ID, ref.ID)
		text = indent(text, "  │ ")
	} else {
		header = fmt.Sprintf("[#%s] message %s\n", to.Channel, ref.ID)
	}
	if err := a.write(header + text + "\n"); err != nil {
		return bot.MessageRef{}, err
	}
	return ref, nil
}

// Edit shows that a question closed. Other edits (the live answer count) would only repeat the
// question in a terminal, so they are not printed.
func (a *Adapter) Edit(_ context.Context, to bot.Conversation, ref bot.MessageRef, p bot.Post) error {
	if !p.Closed {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.write(fmt.Sprintf("[#%s] message %s closed: %s\n-- %s\n\n", to.Channel, ref.ID, p.Title, p.Footer))
}

// SendDirect prints a private message to one user (a reminder): everyone shares the terminal, so
// the header says who it is for, as a private reply's does.
func (a *Adapter) SendDirect(_ context.Context, _ bot.Conversation, user string, p bot.Post) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.write(fmt.Sprintf("[private to %s]\n%s", user, indent(bot.PlainText(p), "  │ ")))
}

func indent(s, prefix string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(prefix+l, " ")
	}
	return strings.Join(lines, "\n") + "\n"
}
