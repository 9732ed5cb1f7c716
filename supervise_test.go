package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/adapters/console"
	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
)

// timers is a fake time.After: each request is handed to the test, which fires it by hand.
type timers chan timer

type timer struct {
	d    time.Duration
	fire chan time.Time
}

func (ts timers) after(d time.Duration) <-chan time.Time {
	t := timer{d: d, fire: make(chan time.Time, 1)}
	ts <- t
	return t.fire
}

// next waits for the supervisor to ask for a timer of d, and fires it.
func (ts timers) next(t *testing.T, d time.Duration) {
	t.Helper()
	select {
	case tm := <-ts:
		if tm.d != d {
			t.Fatalf("timer for %s, want %s", tm.d, d)
		}
		tm.fire <- time.Time{}
	case <-time.After(10 * time.Second): // a failure guard only
		t.Fatalf("the supervisor never asked for a %s timer", d)
	}
}

// blockingEngine stands in for the engine: it says when a command reached it, then answers at
// once (reply set) or waits for its context (a lock held elsewhere).
type blockingEngine struct {
	started chan string
	reply   string
}

func (e *blockingEngine) Handle(ctx context.Context, ev bot.Event) bot.Reply {
	e.started <- ev.Text
	if e.reply != "" {
		return bot.Reply{Post: bot.Post{Text: e.reply}}
	}
	<-ctx.Done()
	return bot.Reply{Post: bot.Post{Text: "Something went wrong"}}
}

const testGrace = 8 * time.Second

func TestSuperviseShutdown(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		// setup builds the parts and drives them until the stop; it returns what it expects printed.
		setup    func(t *testing.T, tr *bot.Inflight, stop context.CancelFunc, out *testkit.SyncBuffer) []part
		stuck    bool // the grace runs out
		notice   bool // the notice window runs out too (a part ignores its context)
		wantErr  error
		wantLog  []string
		wantOut  string
		cleanLog bool
	}{
		{
			name: "terminal command finishes: exit 0",
			setup: func(t *testing.T, tr *bot.Inflight, stop context.CancelFunc, out *testkit.SyncBuffer) []part {
				eng := &blockingEngine{started: make(chan string, 1), reply: "Recorded your answer B."}
				return []part{consolePart(tr, eng, "/pyq answer B\n", out)} // then end of input
			},
			wantOut:  "Recorded your answer B.",
			cleanLog: true,
		},
		{
			name: "terminal command stuck past the grace: told, logged, exit 1",
			setup: func(t *testing.T, tr *bot.Inflight, stop context.CancelFunc, out *testkit.SyncBuffer) []part {
				eng := &blockingEngine{started: make(chan string, 1)}
				in, w := io.Pipe()
				t.Cleanup(func() { w.Close() })
				p := part{"console adapter", func(ctx context.Context) error {
					return console.New(in, out, "ann").Run(ctx, tr.Handler(eng))
				}}
				go func() {
					io.WriteString(w, "/pyq answer B\n")
					<-eng.started
					stop() // SIGTERM while the answer waits for the database
				}()
				return []part{p}
			},
			stuck:   true,
			wantErr: errAbandoned,
			wantOut: "could not finish your answer in time: it may not have been recorded",
			wantLog: []string{
				`level=WARN msg="shutdown: abandoned a user's command;`, "platform=console", "user=ann",
				`level=ERROR msg="shutdown: 1 operations abandoned (1 answers, 0 other commands, 0 scheduled jobs, 0 background platform calls)"`,
			},
		},
		{
			name: "a part ignores the stop: exit 1 naming it",
			setup: func(t *testing.T, tr *bot.Inflight, stop context.CancelFunc, out *testkit.SyncBuffer) []part {
				never := make(chan struct{})
				t.Cleanup(func() { close(never) })
				stop()
				return []part{{"stubborn adapter", func(context.Context) error { <-never; return nil }}}
			},
			stuck: true, notice: true,
			wantErr: errAbandoned,
			wantLog: []string{`msg="shutdown: 0 operations abandoned (0 answers, 0 other commands, 0 scheduled jobs, 0 background platform calls); still running: stubborn adapter"`},
		},
		{
			name: "background call outlives the parts: exit 1 counting it",
			setup: func(t *testing.T, tr *bot.Inflight, stop context.CancelFunc, out *testkit.SyncBuffer) []part {
				_, done := tr.Begin(context.Background(), bot.Op{Kind: bot.OpBackground, Conv: bot.Conversation{Platform: "slack"}, What: "users.info"})
				t.Cleanup(done)
				stop()
				return []part{{"slack adapter", func(ctx context.Context) error { <-ctx.Done(); return nil }}}
			},
			stuck:   true,
			wantErr: errAbandoned,
			wantLog: []string{`msg="shutdown: abandoned work in flight" platform=slack`, "what=users.info",
				`msg="shutdown: 1 operations abandoned (0 answers, 0 other commands, 0 scheduled jobs, 1 background platform calls)"`},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs testkit.SyncBuffer
			out := &testkit.SyncBuffer{}
			tr := bot.NewInflight(nil)
			ctx, stop := context.WithCancel(context.Background())
			defer stop()
			ts := make(timers, 2)
			s := supervisor{log: slog.New(slog.NewTextHandler(&logs, nil)), inflight: tr, grace: testGrace, notice: noticeWindow, after: ts.after}
			parts := tc.setup(t, tr, stop, out)
			result := make(chan error, 1)
			go func() { result <- s.run(ctx, parts) }()
			if tc.stuck {
				ts.next(t, testGrace)
			}
			if tc.notice {
				ts.next(t, noticeWindow)
			}
			var err error
			select {
			case err = <-result:
			case <-time.After(10 * time.Second): // a failure guard only
				t.Fatalf("supervisor did not return; log:\n%s", logs.String())
			}
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil) != (err == nil) {
				t.Fatalf("run = %v, want %v; log:\n%s", err, tc.wantErr, logs.String())
			}
			if tc.wantErr != nil && !errors.Is(err, errFailed) {
				t.Errorf("%v does not exit 1 quietly (errFailed)", err)
			}
			if !strings.Contains(out.String(), tc.wantOut) {
				t.Errorf("terminal shows %q, want %q", out.String(), tc.wantOut)
			}
			for _, want := range tc.wantLog {
				if !strings.Contains(logs.String(), want) {
					t.Errorf("log lacks %s:\n%s", want, logs.String())
				}
			}
			if tc.cleanLog && (strings.Contains(logs.String(), "level=ERROR") || strings.Contains(logs.String(), "abandoned")) {
				t.Errorf("a clean stop logged:\n%s", logs.String())
			}
		})
	}
}

// consolePart is the terminal adapter reading input, wrapped as serve wraps it.
func consolePart(tr *bot.Inflight, h bot.Handler, input string, out io.Writer) part {
	return part{"console adapter", func(ctx context.Context) error {
		return console.New(strings.NewReader(input), out, "ann").Run(ctx, tr.Handler(h))
	}}
}

func TestShutdownGraceConfig(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		toml, env string
		want      time.Duration
		wantErr   string
	}{
		{want: 8 * time.Second},
		{toml: "[bot]\nshutdown_grace = \"5s\"\n", want: 5 * time.Second},
		{env: "20s", want: 20 * time.Second},
		{toml: "[bot]\nshutdown_grace = \"0s\"\n", wantErr: `c.toml:2: [bot] shutdown_grace = "0s" is not a positive duration`},
		{toml: "[bot]\nshutdown_grace = \"ten\"\n", wantErr: `c.toml:2: [bot] shutdown_grace = "ten" is not a positive duration`},
	} {
		path := writeFile(t, "c.toml", tc.toml)
		cfg, err := loadConfigEnv(path, func(k string) string {
			if k == "PYQBOT_BOT_SHUTDOWN_GRACE" {
				return tc.env
			}
			return ""
		})
		switch {
		case tc.wantErr != "":
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%q: err %v, want %q", tc.toml, err, tc.wantErr)
			}
		case err != nil:
			t.Errorf("%q: %v", tc.toml, err)
		case cfg.shutdown != tc.want:
			t.Errorf("%q env %q: grace %s, want %s", tc.toml, tc.env, cfg.shutdown, tc.want)
		}
	}
}
