package bot_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
	"github.com/pyqbot/pyqbot/schedule"
	"github.com/pyqbot/pyqbot/storage"
)

// schedAdapter records what the scheduler posts. crash, when set, runs inside Send: a test makes it
// call runtime.Goexit to stop the posting goroutine dead, as a killed process would.
type schedAdapter struct {
	name  string
	mu    sync.Mutex
	posts []schedSent
	crash func(p bot.Post, delivered func())
	seq   *atomic.Int64 // shared between adapters of "one platform" so refs do not collide
}

type schedSent struct {
	ref  bot.MessageRef
	post bot.Post
}

func (a *schedAdapter) Name() string                                 { return a.name }
func (a *schedAdapter) Run(ctx context.Context, _ bot.Handler) error { <-ctx.Done(); return nil }

func (a *schedAdapter) Send(_ context.Context, to bot.Conversation, p bot.Post) (bot.MessageRef, error) {
	a.mu.Lock()
	ref := bot.MessageRef{Channel: to.Channel, ID: fmt.Sprintf("m%d", a.seq.Add(1))}
	deliver := func() { a.posts = append(a.posts, schedSent{ref: ref, post: p}) }
	crash := a.crash
	if crash == nil {
		deliver()
	}
	a.mu.Unlock()
	if crash != nil {
		crash(p, func() { a.mu.Lock(); deliver(); a.mu.Unlock() })
	}
	return ref, nil
}

func (a *schedAdapter) sent() []schedSent {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]schedSent(nil), a.posts...)
}

// topLevel are the posts that are not thread replies.
func (a *schedAdapter) topLevel() []schedSent {
	var out []schedSent
	for _, s := range a.sent() {
		if s.post.Thread == nil {
			out = append(out, s)
		}
	}
	return out
}

// schedProc is one bot process: its own database handle, engine and adapter, on a shared file.
type schedProc struct {
	db      *storage.DB
	engine  *bot.Engine
	adapter *schedAdapter
	clock   *testkit.FakeClock
	ch      bot.Channel
}

var schedConv = bot.Conversation{Platform: "sched", Workspace: "w1", Channel: "general"}

func schedQuestions() []bot.Question {
	var qs []bot.Question
	for i := 1; i <= 30; i++ {
		qs = append(qs, bot.Question{
			ID: fmt.Sprintf("out-%02d", i), Kind: bot.KindOutput, Topic: "basics", Difficulty: bot.Warmup,
			Title: fmt.Sprintf("Output %d", i), Prompt: "What does it print?", Code: "print(1)",
			Choices: []bot.Choice{{Key: "A", Text: "1"}, {Key: "B", Text: "2"}}, Answer: []string{"A"},
			Explanation: "It prints 1.",
		})
	}
	qs = append(qs, bot.Question{
		ID: "dbg-default-list", Kind: bot.KindDebug, Topic: "functions", Difficulty: bot.Intermediate,
		Title: "Invoices share lines", Prompt: "Each invoice should start empty.",
		Code:    "def invoice(lines=[]):\n    lines.append(1)\n    return lines",
		Symptom: "the second invoice has two lines",
		Choices: []bot.Choice{{Key: "A", Text: "The default list is created once, at def time"}, {Key: "B", Text: "append copies the list"}},
		Answer:  []string{"A"}, Explanation: "Defaults are evaluated once, when the def runs.",
		FixedCode: "def invoice(lines=None):\n    lines = [] if lines is None else lines\n    lines.append(1)\n    return lines",
		Hints:     []string{"Look at when `lines=[]` is evaluated.", "Print id(lines) on two calls."},
	})
	return qs
}

type schedOpts struct {
	path      string
	schedules []bot.Schedule
	questions []bot.Question
	seq       *atomic.Int64
	grace     time.Duration
	owner     string
}

// schedEngine is a scheduling engine on a SQLite file (path, or a new one in tb.TempDir() when empty)
// and the fake clock, with schedQuestions unless questions says otherwise; cfg gives the rest
// (its Store, Bank, Now, ParseSpec and Seed are filled in here; EditSleep, unless given, returns at once).
func schedEngine(tb testing.TB, clk *testkit.FakeClock, path string, questions []bot.Question, cfg bot.Config) (*bot.Engine, *storage.DB) {
	tb.Helper()
	if path == "" {
		path = filepath.Join(tb.TempDir(), "bot.db")
	}
	db, err := storage.Open(context.Background(), path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	db.Now = clk.Now
	if questions == nil {
		questions = schedQuestions()
	}
	bank, err := bot.NewBank(questions)
	if err != nil {
		tb.Fatal(err)
	}
	cfg.Store, cfg.Bank, cfg.Now, cfg.ParseSpec, cfg.Seed = db, bank, clk.Now, schedule.Parse, 7
	if cfg.EditSleep == nil {
		cfg.EditSleep = testkit.NoEditGap
	}
	return bot.New(cfg), db
}

func newSchedProc(t testing.TB, clk *testkit.FakeClock, o schedOpts) *schedProc {
	t.Helper()
	ctx := context.Background()
	if o.seq == nil {
		o.seq = new(atomic.Int64)
	}
	e, db := schedEngine(t, clk, o.path, o.questions,
		bot.Config{Zone: "UTC", DefaultSchedules: o.schedules, Grace: o.grace, Owner: o.owner})
	a := &schedAdapter{name: schedConv.Platform, seq: o.seq}
	e.AddAdapter(a)
	ch, err := e.EnsureChannel(ctx, schedConv)
	if err != nil {
		t.Fatal(err)
	}
	return &schedProc{db: db, engine: e, adapter: a, clock: clk, ch: ch}
}

// tickAt moves the clock and ticks; a tick error fails the test.
func (p *schedProc) tickAt(t testing.TB, at time.Time) {
	t.Helper()
	p.clock.Set(at)
	if err := p.engine.Tick(context.Background(), at); err != nil {
		t.Fatalf("Tick(%v): %v", at, err)
	}
}

func only(job bot.Job, spec, zone string) []bot.Schedule {
	return []bot.Schedule{{Job: job, Spec: spec, Zone: zone, Enabled: true}}
}

func mustLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestScheduleDST ticks a daily job every five minutes across both 2026 transitions in New York and
// Berlin: the fall-back hour's double wall time posts once; a time in the spring-forward gap posts
// that day, just after the gap.
func TestScheduleDST(t *testing.T) {
	tests := []struct {
		name, zone, spec string
		from, to         string // local wall times, "2006-01-02 15:04"
		wantAt           []string
	}{
		{"NY fall back 01:30 posts once", "America/New_York", "30 1 * * *", "2026-10-31 23:00", "2026-11-01 04:00",
			[]string{"2026-11-01T01:30:00-04:00"}},
		{"NY spring forward 02:30 posts that day", "America/New_York", "30 2 * * *", "2026-03-07 23:00", "2026-03-08 05:00",
			[]string{"2026-03-08T03:30:00-04:00"}},
		{"NY spring forward 01:30 unaffected", "America/New_York", "30 1 * * *", "2026-03-07 23:00", "2026-03-08 05:00",
			[]string{"2026-03-08T01:30:00-05:00"}},
		{"NY fall back 02:30 unaffected", "America/New_York", "30 2 * * *", "2026-10-31 23:00", "2026-11-01 04:00",
			[]string{"2026-11-01T02:30:00-05:00"}},
		{"NY normal day 09:00", "America/New_York", "0 9 * * *", "2026-11-02 08:00", "2026-11-02 10:00",
			[]string{"2026-11-02T09:00:00-05:00"}},
		{"Berlin spring forward 02:30 posts that day", "Europe/Berlin", "30 2 * * *", "2026-03-28 23:00", "2026-03-29 05:00",
			[]string{"2026-03-29T03:30:00+02:00"}},
		{"Berlin fall back 02:30 posts once", "Europe/Berlin", "30 2 * * *", "2026-10-24 23:00", "2026-10-25 05:00",
			[]string{"2026-10-25T02:30:00+02:00"}},
		{"Berlin fall back hourly posts each wall time once", "Europe/Berlin", "15 1-3 * * *", "2026-10-25 00:00", "2026-10-25 04:00",
			[]string{"2026-10-25T01:15:00+02:00", "2026-10-25T02:15:00+02:00", "2026-10-25T03:15:00+01:00"}},
		{"NY spring forward half-hourly: the gap's times move, no instant twice", "America/New_York", "0,30 2,3 * * *", "2026-03-08 01:00", "2026-03-08 05:00",
			[]string{"2026-03-08T03:00:00-04:00", "2026-03-08T03:30:00-04:00"}},
		{"CRON_TZ prefix beats channel zone (UTC)", "America/New_York", "CRON_TZ=America/New_York 30 1 * * *", "2026-10-31 23:00", "2026-11-01 04:00",
			[]string{"2026-11-01T01:30:00-04:00"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			zone := tt.zone
			if strings.HasPrefix(tt.spec, "CRON_TZ=") {
				zone = ""
			}
			loc := mustLoc(t, tt.zone)
			from, err := time.ParseInLocation("2006-01-02 15:04", tt.from, loc)
			if err != nil {
				t.Fatal(err)
			}
			to, _ := time.ParseInLocation("2006-01-02 15:04", tt.to, loc)
			clk := testkit.NewFakeClock(from.Add(-time.Minute))
			p := newSchedProc(t, clk, schedOpts{path: filepath.Join(t.TempDir(), "bot.db"), schedules: only(bot.JobLeaderboard, tt.spec, zone)})
			var postedAt []string
			// Every 5 minutes: twelve ticks inside the repeated fall-back hour, each a chance to double-post.
			for now := from; !now.After(to); now = now.Add(5 * time.Minute) {
				before := len(p.adapter.sent())
				p.tickAt(t, now)
				for range len(p.adapter.sent()) - before {
					postedAt = append(postedAt, now.In(loc).Format(time.RFC3339))
				}
			}
			if strings.Join(postedAt, " ") != strings.Join(tt.wantAt, " ") {
				t.Errorf("posted at %v, want %v", postedAt, tt.wantAt)
			}
		})
	}
}

// TestScheduleTwoEnginesOneDatabase fires the same slots in two processes at once: one post each.
func TestScheduleTwoEnginesOneDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bot.db")
	clk := testkit.NewFakeClock(time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC))
	seq := new(atomic.Int64)
	opts := schedOpts{path: path, schedules: []bot.Schedule{
		{Job: bot.JobQuestion, Spec: "0 9 * * *", Enabled: true},
		{Job: bot.JobReveal, Spec: "0 17 * * *", Enabled: true},
		{Job: bot.JobLeaderboard, Spec: "0 9 * * *", Enabled: true},
	}, seq: seq}
	a := newSchedProc(t, clk, schedOpts{path: path, schedules: opts.schedules, seq: seq, owner: "a"})
	b := newSchedProc(t, clk, schedOpts{path: path, schedules: opts.schedules, seq: seq, owner: "b"})
	const days = 8
	for d := range days {
		for _, hour := range []int{9, 17} {
			at := time.Date(2026, 3, 1+d, hour, 0, 0, 0, time.UTC)
			clk.Set(at)
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, p := range []*schedProc{a, b} {
				wg.Add(1)
				go func() { defer wg.Done(); errs[i] = p.engine.Tick(context.Background(), at) }()
			}
			wg.Wait()
			for _, err := range errs {
				if err != nil {
					t.Fatalf("tick %v: %v", at, err)
				}
			}
		}
	}
	all := append(a.adapter.sent(), b.adapter.sent()...)
	count := map[string]int{}
	for _, s := range all {
		switch {
		case strings.HasPrefix(s.post.Title, "Weekly leaderboard"):
			count["leaderboard"]++
		case strings.HasPrefix(s.post.Title, "Answer to"):
			count["reveal"]++
		default:
			count["question"]++
		}
	}
	for _, job := range []string{"question", "reveal", "leaderboard"} {
		if count[job] != days {
			t.Errorf("%s posted %d times over %d days, want %d (a: %d posts, b: %d posts)", job, count[job], days, days,
				len(a.adapter.sent()), len(b.adapter.sent()))
		}
	}
}

// TestRunSchedulerPostsAndStops runs the real loop: it ticks at once, posts the due slot, and returns
// when its context ends. The test waits on the post, not on time.
func TestRunSchedulerPostsAndStops(t *testing.T) {
	slotAt := time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)
	clk := testkit.NewFakeClock(slotAt.Add(-time.Hour))
	p := newSchedProc(t, clk, schedOpts{path: filepath.Join(t.TempDir(), "bot.db"), schedules: only(bot.JobQuestion, "0 9 * * *", "")})
	posted := make(chan string, 1)
	p.adapter.crash = func(post bot.Post, deliver func()) { deliver(); posted <- post.Title }
	clk.Set(slotAt)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.engine.RunScheduler(ctx) }()
	select {
	case <-posted:
	case <-time.After(10 * time.Second):
		t.Fatal("the run loop did not post the due slot")
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the run loop did not stop when its context ended")
	}
	if n := len(p.adapter.sent()); n != 1 {
		t.Fatalf("posted %d times, want 1", n)
	}
}

// TestChannelsOptInToSchedules: a DM where someone only asked for their stats gets no daily posts;
// a channel gets its schedule once a team question is posted there.
func TestChannelsOptInToSchedules(t *testing.T) {
	clk := testkit.NewFakeClock(time.Date(2026, 11, 16, 8, 0, 0, 0, time.UTC)) // Monday
	p := newSchedProc(t, clk, schedOpts{path: filepath.Join(t.TempDir(), "optin.db"),
		schedules: only(bot.JobQuestion, "0 9 * * *", "UTC")})
	ctx := context.Background()
	dm := bot.Conversation{Platform: schedConv.Platform, Workspace: schedConv.Workspace, Channel: "D-direct"}
	team := bot.Conversation{Platform: schedConv.Platform, Workspace: schedConv.Workspace, Channel: "C-team"}
	p.engine.Handle(ctx, bot.Event{Conv: dm, User: bot.User{ID: "u1", Name: "Ann"}, Text: "me"})
	p.engine.Handle(ctx, bot.Event{Conv: team, User: bot.User{ID: "u1", Name: "Ann"}, Text: "today"})
	p.tickAt(t, time.Date(2026, 11, 17, 9, 0, 0, 0, time.UTC))
	perChannel := map[string]int{}
	for _, s := range p.adapter.topLevel() {
		perChannel[s.ref.Channel]++
	}
	if perChannel["D-direct"] != 0 {
		t.Errorf("the DM got %d scheduled posts, want none", perChannel["D-direct"])
	}
	if perChannel["C-team"] != 2 { // Monday's /pyq today and Tuesday's scheduled question
		t.Errorf("the team channel got %d posts, want 2: %v", perChannel["C-team"], perChannel)
	}
}
