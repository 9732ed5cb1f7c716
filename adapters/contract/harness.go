// Package contract is the adapter contract: one suite of what members see, run against every
// adapter through its fake platform with the real engine on a SQLite file (internal/testkit). Each
// adapter's contract_test.go implements Harness against its fake and calls Run; the assertions are
// the same for all of them, so an adapter that breaks one fails where the others pass. It also
// holds what the adapters' own tests share: running an adapter (Serve), waiting on its health,
// the suite's questions, and checks of /pyq me and of the log.
//
// Only tests import this package.
package contract

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
)

// User is someone in the test channel. The harness gives each a platform identity (a Slack user id,
// a Discord member, a terminal name) whose display name is Name; Admin users have the platform's
// admin right there (Discord's Manage Server, Slack's admin list; everyone at the terminal).
type User struct {
	Name  string
	Admin bool
}

// Message is a message in the channel or a thread as a member sees it on the platform now, read
// back from the fake (after edits), not from what the engine asked for.
type Message struct {
	ID     string // the platform's id (Slack ts, Discord snowflake, terminal message id)
	Thread string // the id of the message whose thread holds this one; "" in the channel itself
	// Text is what a member reads: title, text, code, choices, table, footer, with the platform's
	// escaping undone (Slack &lt; shows as <, Discord \* as *).
	Text string
	// Choices are the keys of the answer controls a member can use now; none once closed.
	Choices []string
	// Closed is true when the platform shows the question closed (Slack: the closed line and no
	// controls; Discord: "[closed]" and every control disabled; the terminal: its closed line).
	Closed bool
	// Votes are the explanation numbers the vote control offers now.
	Votes []int
	// Pings says what in the message's payload would notify people: a mention token the platform
	// parses (Slack <!channel>, <!everyone>, <!here>, <@U…>), or mentions left switched on (Discord
	// without allowed_mentions {parse: []}). Empty: nobody is pinged.
	Pings []string
}

// Reply is what the user who acted was shown in answer (an ephemeral message, an interaction
// response, the terminal's reply).
type Reply struct {
	Private bool   // only one person can see it
	To      string // whom the platform shows it to, read from the payload or the request it answers
	Text    string // as Message.Text
	Pings   []string
}

// Harness drives one adapter through its fake platform.
type Harness interface {
	// Clock is the fake clock the adapter runs on; the suite's engine and scheduler use it too.
	Clock() *testkit.FakeClock
	// Adapter is the adapter under test, pointed at its fake; the suite registers it with the engine.
	Adapter() bot.Adapter
	// Conversation is the channel the suite plays in.
	Conversation() bot.Conversation
	// Start runs the adapter with h until the test ends and returns once it takes events.
	Start(t *testing.T, h bot.Handler)
	// Command is u typing `/pyq text` in the channel (on Discord: the slash command's options
	// filled from text); it returns what u was shown, the zero Reply when nothing.
	Command(t *testing.T, u User, text string) Reply
	// Answer is u using the platform's control for choice key on question q (a button; the
	// terminal, which has none, types the answer).
	Answer(t *testing.T, u User, q Message, key string) Reply
	// Vote is u using the platform's vote control in m for explanation n; ok is false when the
	// platform has no such control (the terminal).
	Vote(t *testing.T, u User, m Message, n int) (r Reply, ok bool)
	// Messages lists the channel's messages and their threads' replies as they stand, in posting order.
	Messages(t *testing.T) []Message
}

// RubricControl is a Harness whose platform has a design reveal's "Check my answer against the
// rubric" control (Slack, Discord; at the terminal it is typed).
type RubricControl interface {
	// OpenRubric is u using the control on message m; ok is false when m has none.
	OpenRubric(t *testing.T, u User, m Message) (r Reply, ok bool)
}

// WaitHealth waits, up to limit, until an adapter's health satisfies ok, following its changes;
// what names the state awaited in the failure.
func WaitHealth(t *testing.T, h *bot.HealthState, limit time.Duration, what string, ok func(error) bool) {
	t.Helper()
	deadline := time.After(limit)
	for {
		err, changed := h.State()
		if ok(err) {
			return
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("health never became %s; it is %v", what, err)
		}
	}
}

// RunModes runs the suite once for each of an adapter's modes (its transports), as subtests named
// by the mode.
func RunModes(t *testing.T, modes []string, newHarness func(t *testing.T, mode string) Harness) {
	for _, mode := range modes {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			Run(t, func(t *testing.T) Harness { return newHarness(t, mode) })
		})
	}
}

// Serve runs run (an adapter's Run) in its own goroutine and returns stop, which cancels run's
// context and waits up to 10 s for it to return, failing the test on an error. stop runs at the
// test's end too; a second call does nothing.
func Serve(t *testing.T, run func(ctx context.Context) error) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Run: %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Error("Run did not return within 10s of cancel")
			}
		})
	}
	t.Cleanup(stop)
	return stop
}
