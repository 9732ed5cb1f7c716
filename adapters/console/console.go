// Package console is the terminal adapter: it reads `/pyq …` lines from standard input and prints
// posts as plain text. Piped input works the same as a person typing, so it doubles as a test harness.
package console

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/pyqbot/pyqbot/bot"
)

// Conversation is the one channel the terminal plays in.
var Conversation = bot.Conversation{Platform: "console", Workspace: "local", Channel: "general"}

// Adapter is the terminal adapter. Everyone at the terminal is an admin.
type Adapter struct {
	in  io.Reader
	out io.Writer

	mu   sync.Mutex // guards out, user and seq: scheduled posts may print while a command runs
	user bot.User
	seq  int
}

var (
	_ bot.Adapter        = (*Adapter)(nil)
	_ bot.Editor         = (*Adapter)(nil)
	_ bot.HealthReporter = (*Adapter)(nil)
)

// New returns an adapter reading commands from in and printing to out, playing as user.
func New(in io.Reader, out io.Writer, user string) *Adapter {
	return &Adapter{in: in, out: out, user: userNamed(user)}
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
		select {
		case <-ctx.Done():
			return nil
		case line, ok := <-lines:
			if !ok {
				if err := <-readErr; err != nil {
					return fmt.Errorf("reading standard input: %w", err)
				}
				return nil
			}
			if quit := a.handleLine(ctx, h, line); quit {
				return nil
			}
		}
	}
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
	io.WriteString(a.out, s)
}

// Send prints a post in the channel, or in a thread under the message it replies to.
func (a *Adapter) Send(_ context.Context, to bot.Conversation, p bot.Post) (bot.MessageRef, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.seq++
	ref := bot.MessageRef{Channel: to.Channel, ID: fmt.Sprintf("m%d", a.seq)}
	text := bot.PlainText(p)
	var header string
	if p.Thread != nil {
		ref.Thread = p.Thread.ID
		header = fmt.Sprintf("[#%s › thread of %s] message %s\n", to.Channel, p.Thread.ID, ref.ID)
		text = indent(text, "  │ ")
	} else {
		header = fmt.Sprintf("[#%s] message %s\n", to.Channel, ref.ID)
	}
	if _, err := io.WriteString(a.out, header+text+"\n"); err != nil {
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
	_, err := fmt.Fprintf(a.out, "[#%s] message %s closed: %s\n-- %s\n\n", to.Channel, ref.ID, p.Title, p.Footer)
	return err
}

func indent(s, prefix string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(prefix+l, " ")
	}
	return strings.Join(lines, "\n") + "\n"
}
