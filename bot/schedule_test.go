package bot_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
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

// TestScheduleRestartPostsOnce runs the engine, lets it claim and post a slot, stops it hard
// (database handle dropped, no shutdown), and starts a new one on the same file: one post.
func TestScheduleRestartPostsOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bot.db")
	clk := testkit.NewFakeClock(time.Date(2026, 3, 4, 8, 0, 0, 0, time.UTC))
	seq := new(atomic.Int64)
	opts := schedOpts{path: path, schedules: only(bot.JobQuestion, "0 9 * * *", ""), seq: seq}
	first := newSchedProc(t, clk, opts)
	first.tickAt(t, time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC))
	if n := len(first.adapter.sent()); n != 1 {
		t.Fatalf("first process posted %d times, want 1", n)
	}
	// Hard stop: no Close, no goodbye. A second process comes up on the same file.
	second := newSchedProc(t, clk, opts)
	for _, at := range []time.Time{
		time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC),
		time.Date(2026, 3, 4, 9, 0, 30, 0, time.UTC),
		time.Date(2026, 3, 4, 9, 20, 0, 0, time.UTC), // past the lease: a posted slot is never retaken
		time.Date(2026, 3, 4, 11, 59, 0, 0, time.UTC),
	} {
		second.tickAt(t, at)
	}
	if n := len(second.adapter.sent()); n != 0 {
		t.Fatalf("restarted process posted %d times, want 0: %+v", n, second.adapter.sent())
	}
	slots, err := second.db.Slots(context.Background(), second.ch.ID, bot.JobQuestion)
	if err != nil {
		t.Fatal(err)
	}
	if len(slots) != 1 || slots[0].State != bot.SlotPosted || slots[0].Slot != "2026-03-04T09:00 UTC" {
		t.Fatalf("slots = %+v, want one posted 2026-03-04T09:00 UTC", slots)
	}
}

// TestScheduleCrashBetweenClaimAndPost kills the posting goroutine at three points of a post and
// restarts on the same database. The claim is retaken after the lease (10 minutes) and, within
// grace, posted late; a post that reached the platform and was recorded is not repeated. The one
// documented duplicate: the platform accepted the post but the process died before recording it.
func TestScheduleCrashBetweenClaimAndPost(t *testing.T) {
	slotAt := time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		// crash is the first process's Send: it may deliver, then it dies.
		crash        func(p bot.Post, deliver func())
		manual       bool // instead of crashing in Send: claim by hand, as if the process died right after claiming
		wantFirst    int  // posts the platform got from the dead process
		wantSecond   int  // posts from the restarted one (after the lease)
		wantLateNote bool
	}{
		{name: "died after claiming, before creating the post", manual: true, wantFirst: 0, wantSecond: 1, wantLateNote: true},
		{name: "died while sending, platform never got it", crash: func(bot.Post, func()) { runtime.Goexit() }, wantFirst: 0, wantSecond: 1, wantLateNote: true},
		{name: "died after the platform accepted it, before recording: documented duplicate",
			crash: func(_ bot.Post, deliver func()) { deliver(); runtime.Goexit() }, wantFirst: 1, wantSecond: 1, wantLateNote: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bot.db")
			clk := testkit.NewFakeClock(slotAt.Add(-time.Hour))
			seq := new(atomic.Int64)
			opts := schedOpts{path: path, schedules: only(bot.JobQuestion, "0 9 * * *", ""), seq: seq}
			first := newSchedProc(t, clk, opts)
			first.adapter.crash = tt.crash
			if tt.manual {
				ok, _, err := first.db.ClaimSlot(context.Background(), bot.SlotKey{ChannelID: first.ch.ID, Job: bot.JobQuestion, Slot: "2026-03-04T09:00 UTC"},
					slotAt, "dead", slotAt, 10*time.Minute, 3)
				if err != nil || !ok {
					t.Fatalf("manual claim: %v %v", ok, err)
				}
			} else {
				done := make(chan struct{})
				go func() { defer close(done); first.engine.Tick(context.Background(), slotAt) }() // dies inside
				<-done
			}
			if got := len(first.adapter.sent()); got != tt.wantFirst {
				t.Fatalf("dead process delivered %d posts, want %d", got, tt.wantFirst)
			}
			second := newSchedProc(t, clk, opts)
			second.tickAt(t, slotAt.Add(5*time.Minute)) // within the lease: the claim may still be live
			if n := len(second.adapter.sent()); n != 0 {
				t.Fatalf("posted %d times within the lease, want 0", n)
			}
			second.tickAt(t, slotAt.Add(11*time.Minute))
			second.tickAt(t, slotAt.Add(30*time.Minute))
			got := second.adapter.topLevel()
			if len(got) != tt.wantSecond {
				t.Fatalf("restarted process posted %d times, want %d", len(got), tt.wantSecond)
			}
			if tt.wantLateNote && !strings.Contains(got[0].post.Text, "Posted late: the bot was down at 09:00.") {
				t.Errorf("late post has no late note: %q", got[0].post.Text)
			}
			open, err := second.db.OpenPosts(context.Background(), second.ch.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(open) != 1 || open[0].Ref.IsZero() {
				t.Errorf("open posts = %+v, want exactly one, with a platform reference (the unsent row is discarded)", open)
			}
			slots, _ := second.db.Slots(context.Background(), second.ch.ID, bot.JobQuestion)
			if len(slots) != 1 || slots[0].State != bot.SlotPosted || slots[0].Attempts != 2 {
				t.Errorf("slots = %+v, want one posted on attempt 2", slots)
			}
		})
	}
}

// TestScheduleCrashAfterPostRecorded: the claim is unfinished but its post reached the platform and
// has a reference, so the retake finishes the slot without posting again.
func TestScheduleCrashAfterPostRecorded(t *testing.T) {
	ctx := context.Background()
	slotAt := time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)
	clk := testkit.NewFakeClock(slotAt.Add(-time.Hour))
	p := newSchedProc(t, clk, schedOpts{path: filepath.Join(t.TempDir(), "bot.db"), schedules: only(bot.JobQuestion, "0 9 * * *", "")})
	key := bot.SlotKey{ChannelID: p.ch.ID, Job: bot.JobQuestion, Slot: "2026-03-04T09:00 UTC"}
	if ok, _, err := p.db.ClaimSlot(ctx, key, slotAt, "dead", slotAt, 10*time.Minute, 3); err != nil || !ok {
		t.Fatal(ok, err)
	}
	post, err := p.db.CreatePost(ctx, bot.PostedQuestion{ChannelID: p.ch.ID, WorkspaceID: p.ch.WorkspaceID, QuestionID: "out-01",
		Kind: bot.KindOutput, Topic: "basics", PostedAt: slotAt, Day: "2026-03-04", RevealAt: slotAt.Add(8 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.db.SetSlotPost(ctx, key, post.ID); err != nil {
		t.Fatal(err)
	}
	if err := p.db.SetPostRef(ctx, post.ID, bot.MessageRef{Channel: "general", ID: "m99"}); err != nil {
		t.Fatal(err)
	}
	p.tickAt(t, slotAt.Add(15*time.Minute))
	if n := len(p.adapter.sent()); n != 0 {
		t.Fatalf("posted %d times, want 0: the earlier attempt's post reached the platform", n)
	}
	slots, _ := p.db.Slots(ctx, p.ch.ID, bot.JobQuestion)
	if len(slots) != 1 || slots[0].State != bot.SlotPosted {
		t.Fatalf("slots = %+v, want the slot finished as posted", slots)
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

// TestScheduleGraceWindow: after downtime a slot within grace is posted late with a note; an older
// one is recorded as skipped once and never posted.
func TestScheduleGraceWindow(t *testing.T) {
	ctx := context.Background()
	day := func(d, h, m int) time.Time { return time.Date(2026, 3, d, h, m, 0, 0, time.UTC) }
	tests := []struct {
		name     string
		back     time.Time // when the bot comes back
		wantPost bool
		wantNote string
	}{
		{"on time", day(4, 9, 0), true, ""},
		{"a minute late is on time", day(4, 9, 0).Add(59 * time.Second), true, ""},
		{"two hours late", day(4, 11, 0), true, "Posted late: the bot was down at 09:00."},
		{"just within grace", day(4, 11, 59), true, "Posted late: the bot was down at 09:00."},
		{"exactly at grace is too late", day(4, 12, 0), false, ""},
		{"past grace", day(4, 15, 0), false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := testkit.NewFakeClock(day(4, 8, 0))
			p := newSchedProc(t, clk, schedOpts{path: filepath.Join(t.TempDir(), "bot.db"), schedules: only(bot.JobQuestion, "0 9 * * *", "")})
			p.tickAt(t, day(4, 8, 30)) // running, then down until tt.back
			p.tickAt(t, tt.back)
			p.tickAt(t, tt.back.Add(time.Minute))
			got := p.adapter.topLevel()
			if tt.wantPost != (len(got) == 1) || len(got) > 1 {
				t.Fatalf("posted %d times, want post=%v", len(got), tt.wantPost)
			}
			if tt.wantPost {
				hasNote := strings.Contains(got[0].post.Text, "Posted late")
				if (tt.wantNote != "") != hasNote || (tt.wantNote != "" && !strings.HasPrefix(got[0].post.Text, "_"+tt.wantNote+"_")) {
					t.Errorf("post text %q, want late note %q", got[0].post.Text, tt.wantNote)
				}
			}
			slots, err := p.db.Slots(ctx, p.ch.ID, bot.JobQuestion)
			if err != nil {
				t.Fatal(err)
			}
			want := bot.SlotPosted
			if !tt.wantPost {
				want = bot.SlotSkipped
			}
			if len(slots) != 1 || slots[0].State != want {
				t.Fatalf("slots = %+v, want one %s", slots, want)
			}
		})
	}
}

// TestScheduleLongOutageSkipsOldSlots: down from Monday 08:00 to Wednesday 10:00, Monday's and
// Tuesday's slots are recorded as skipped (once), Wednesday's is posted late.
func TestScheduleLongOutageSkipsOldSlots(t *testing.T) {
	ctx := context.Background()
	clk := testkit.NewFakeClock(time.Date(2026, 3, 2, 7, 0, 0, 0, time.UTC))
	p := newSchedProc(t, clk, schedOpts{path: filepath.Join(t.TempDir(), "bot.db"), schedules: only(bot.JobQuestion, "0 9 * * 1-5", "")})
	p.tickAt(t, time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC))
	p.tickAt(t, time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC))
	p.tickAt(t, time.Date(2026, 3, 4, 10, 1, 0, 0, time.UTC))
	if got := p.adapter.topLevel(); len(got) != 1 || !strings.Contains(got[0].post.Text, "Posted late: the bot was down at 09:00.") {
		t.Fatalf("posts = %+v, want Wednesday's, late", got)
	}
	slots, _ := p.db.Slots(ctx, p.ch.ID, bot.JobQuestion)
	var states []string
	for _, s := range slots {
		states = append(states, s.Slot+"="+string(s.State))
	}
	want := "2026-03-02T09:00 UTC=skipped 2026-03-03T09:00 UTC=skipped 2026-03-04T09:00 UTC=posted"
	if got := strings.Join(states, " "); got != want {
		t.Fatalf("slots:\n got %s\nwant %s", got, want)
	}
}

// TestScheduleSkipDates: no job runs on a channel's skip date; it does again after unskip.
func TestScheduleSkipDates(t *testing.T) {
	clk := testkit.NewFakeClock(time.Date(2026, 12, 23, 8, 0, 0, 0, time.UTC))
	p := newSchedProc(t, clk, schedOpts{path: filepath.Join(t.TempDir(), "bot.db"), schedules: only(bot.JobQuestion, "0 9 * * *", "")})
	reply := p.engine.Handle(context.Background(), bot.Event{Conv: schedConv, User: bot.User{ID: "u1", Name: "Ann"}, Admin: true, Text: "schedule skip 2026-12-24"})
	if !strings.Contains(reply.Post.Text, "No job runs in this channel on 2026-12-24") {
		t.Fatalf("skip reply: %q", reply.Post.Text)
	}
	for d := 23; d <= 25; d++ {
		p.tickAt(t, time.Date(2026, 12, d, 9, 0, 0, 0, time.UTC))
	}
	if n := len(p.adapter.topLevel()); n != 2 {
		t.Fatalf("posted %d questions over 23-25 Dec with the 24th skipped, want 2", n)
	}
}

// A skip date is a day of the channel's calendar, in the channel's zone as its confirmation says,
// also for a job whose times are in a zone of its own: a 23:00 New York question falls on the next
// day in Berlin, so a Berlin channel's day off on the 24th passes over New York's 23rd and posts
// New York's 24th. Before, the date was read in the job's zone, and the question of Berlin's day
// off went out.
func TestSkipDatesAreTheChannelsDays(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	newYork, _ := time.LoadLocation("America/New_York")
	clk := testkit.NewFakeClock(time.Date(2026, 12, 23, 8, 0, 0, 0, berlin))
	p := newSchedProc(t, clk, schedOpts{schedules: only(bot.JobQuestion, "0 9 * * *", "")})
	run := func(text string) string {
		t.Helper()
		r := p.engine.Handle(context.Background(), bot.Event{Conv: schedConv, User: bot.User{ID: "lead", Name: "Lead"}, Admin: true, Text: text})
		return bot.PlainText(r.Post)
	}
	run("schedule zone Europe/Berlin")
	run(`schedule set question "0 23 * * *" America/New_York`)
	if got := run("schedule skip 2026-12-24"); !strings.Contains(got, "No job runs in this channel on 2026-12-24 (Europe/Berlin)") {
		t.Fatalf("skip reply: %q", got)
	}
	if got := run("schedule"); !strings.Contains(got, "Fri 05:00 CET") {
		t.Errorf("/pyq schedule does not name New York's Thursday (Berlin's Friday) as the next run:\n%s", got)
	}
	p.tickAt(t, time.Date(2026, 12, 23, 23, 0, 0, 0, newYork)) // Berlin's 24th, 05:00
	if n := len(p.adapter.topLevel()); n != 0 {
		t.Fatalf("posted %d questions on the channel's day off, want 0", n)
	}
	p.tickAt(t, time.Date(2026, 12, 24, 23, 0, 0, 0, newYork)) // Berlin's 25th
	if n := len(p.adapter.topLevel()); n != 1 {
		t.Fatalf("posted %d questions the day after, want 1", n)
	}
}

// Times told to users pass over skip dates, as the run loop does: the reveal an answer's reply
// names, the "Next run" of /pyq schedule and of a schedule change (before, on a skipped day they
// named a reveal at 17:00 that never ran, and the question stayed open).
func TestToldTimesPassOverSkipDates(t *testing.T) {
	clk := testkit.NewFakeClock(time.Date(2026, 12, 23, 8, 0, 0, 0, time.UTC)) // Wednesday
	p := newSchedProc(t, clk, schedOpts{schedules: []bot.Schedule{
		{Job: bot.JobQuestion, Spec: "0 9 * * *", Enabled: true}, {Job: bot.JobReveal, Spec: "0 17 * * *", Enabled: true}}})
	run := func(user, text string) string {
		t.Helper()
		r := p.engine.Handle(context.Background(), bot.Event{Conv: schedConv, User: bot.User{ID: user, Name: user}, Admin: user == "lead", Text: text})
		return bot.PlainText(r.Post)
	}
	for _, d := range []string{"2026-12-23", "2026-12-24"} {
		run("lead", "schedule skip "+d)
	}
	list := run("ann", "schedule")
	for _, want := range []string{"Fri 09:00 UTC", "Fri 17:00 UTC"} {
		if !strings.Contains(list, want) {
			t.Errorf("/pyq schedule lacks %q (the 23rd and 24th are skipped):\n%s", want, list)
		}
	}
	if strings.Contains(list, "Wed 17:00") || strings.Contains(list, "Thu 17:00") {
		t.Errorf("/pyq schedule names a run on a skip date:\n%s", list)
	}
	if got := run("lead", `schedule set reveal "30 17 * * *"`); !strings.Contains(got, "Next run: Fri 17:30 UTC") {
		t.Errorf("schedule set: %q, want the next run on Friday", got)
	}
	run("lead", "today")
	if got := run("ann", "answer A"); !strings.Contains(got, "revealed Fri 17:30 UTC") {
		t.Errorf("answer reply: %q, want the reveal on Friday", got)
	}
}

// TestScheduleCommands covers /pyq schedule: listing for anyone, refusal of changes for non-admins,
// clear errors naming the bad spec, zone or job, and changes that take effect.
func TestScheduleCommands(t *testing.T) {
	ctx := context.Background()
	clk := testkit.NewFakeClock(time.Date(2026, 3, 4, 8, 0, 0, 0, time.UTC)) // Wednesday
	p := newSchedProc(t, clk, schedOpts{path: filepath.Join(t.TempDir(), "bot.db")})
	run := func(admin bool, text string) string {
		r := p.engine.Handle(ctx, bot.Event{Conv: schedConv, User: bot.User{ID: "u1", Name: "Ann"}, Admin: admin, Text: text})
		return bot.PlainText(r.Post)
	}
	list := run(false, "schedule")
	for _, want := range []string{"question", "0 9 * * 1-5", "Wed 09:00 UTC (in 1h 0m)", "debug", "0 10 * * 3 (hints +2h, +4h)",
		"reveal", "Wed 17:00 UTC", "leaderboard", "Fri 16:00 UTC"} {
		if !strings.Contains(list, want) {
			t.Errorf("list lacks %q:\n%s", want, list)
		}
	}
	tests := []struct {
		admin bool
		text  string
		want  string
	}{
		{false, `schedule set question "0 8 * * *"`, "Only workspace admins can change the schedule"},
		{false, "schedule off debug", "Only workspace admins"},
		{true, `schedule set question "TZ="`, `"TZ="`},
		{true, `schedule set question "CRON_TZ=UTC"`, `Schedule "CRON_TZ=UTC" has a time zone but no schedule after it`},
		{true, `schedule set question "TZ=0"`, `"TZ=0"`},
		{true, `schedule set question "0 25 * * *"`, `Schedule "0 25 * * *" is not valid`},
		{true, `schedule set question "0 9 * * *" Mars/Base`, `"Mars/Base" is not a time zone`},
		{true, `schedule set quiz "0 9 * * *"`, `There is no job "quiz"`},
		{true, `schedule set question "0 9 * * *`, "closing quote is missing"},
		{true, "schedule zone Atlantis", `"Atlantis" is not a time zone`},
		{true, "schedule skip tomorrow", `"tomorrow" is not a date`},
		{true, "schedule skip 2026-03-03", "2026-03-03 is in the past here (today is 2026-03-04 in UTC)"},
		{true, "schedule sett", "Did you mean `set`?"},
		{true, `schedule set question “30 8 * * 1-5” America/New_York`, `The question job now runs on "30 8 * * 1-5" (America/New_York)`},
		{true, "schedule set leaderboard @weekly", `The leaderboard job now runs on "@weekly"`},
		{true, "schedule set reveal CRON_TZ=Europe/Berlin 0 18 * * 1-5", `"CRON_TZ=Europe/Berlin 0 18 * * 1-5" (Europe/Berlin)`},
		{true, "schedule off debug", "The debug job is off"},
		{true, "schedule zone Europe/Berlin", "time zone is now Europe/Berlin"},
	}
	for _, tt := range tests {
		if got := run(tt.admin, tt.text); !strings.Contains(got, tt.want) {
			t.Errorf("/pyq %s (admin %v):\n got %q\nwant it to contain %q", tt.text, tt.admin, got, tt.want)
		}
	}
	list = run(false, "schedule")
	for _, want := range []string{"30 8 * * 1-5", "America/New_York", "Wed 14:30 CET", "off", "@weekly", "Europe/Berlin"} {
		if !strings.Contains(list, want) {
			t.Errorf("changed list lacks %q:\n%s", want, list)
		}
	}
	// Changes survive a restart: a new engine on the same database sees them.
	schedules, err := p.db.Schedules(ctx, p.ch.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := map[bot.Job]bot.Schedule{}
	for _, s := range schedules {
		got[s.Job] = s
	}
	if s := got[bot.JobQuestion]; s.Spec != "30 8 * * 1-5" || s.Zone != "America/New_York" || !s.Enabled {
		t.Errorf("stored question schedule = %+v", s)
	}
	if s := got[bot.JobDebug]; s.Enabled || len(s.HintOffsets) != 2 {
		t.Errorf("stored debug schedule = %+v, want off with its hints kept", s)
	}
	// The question now runs at 08:30 New York time, which is 13:30 UTC on 4 March.
	p.tickAt(t, time.Date(2026, 3, 4, 13, 30, 0, 0, time.UTC))
	if n := len(p.adapter.topLevel()); n != 1 {
		t.Fatalf("posted %d at 08:30 New York, want 1", n)
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

// refusingAdapter stands for a platform that refuses every post, as Slack does with not_in_channel.
type refusingAdapter struct{ name string }

func (a refusingAdapter) Name() string                                 { return a.name }
func (a refusingAdapter) Run(ctx context.Context, _ bot.Handler) error { <-ctx.Done(); return nil }
func (a refusingAdapter) Send(context.Context, bot.Conversation, bot.Post) (bot.MessageRef, error) {
	return bot.MessageRef{}, errors.New("slack: not_in_channel: invite the bot with /invite @pyqbot")
}

func TestScheduleShowsRefusedPostsToAdmins(t *testing.T) {
	clk := testkit.NewFakeClock(time.Date(2026, 11, 16, 8, 0, 0, 0, time.UTC))
	p := newSchedProc(t, clk, schedOpts{path: filepath.Join(t.TempDir(), "refused.db"),
		schedules: only(bot.JobQuestion, "0 9 * * *", "UTC")})
	p.engine.AddAdapter(refusingAdapter{name: schedConv.Platform})
	if err := p.engine.Tick(context.Background(), time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC)); err == nil {
		t.Fatal("a refused post did not fail the tick")
	}
	ask := func(admin bool) string {
		r := p.engine.Handle(context.Background(), bot.Event{Conv: schedConv, User: bot.User{ID: "u", Name: "U"}, Admin: admin, Text: "schedule"})
		return r.Post.Text
	}
	if got := ask(true); !strings.Contains(got, "question due Mon 16 Nov 09:00") || !strings.Contains(got, "/invite @pyqbot") {
		t.Errorf("admin's /pyq schedule does not show the refused post:\n%s", got)
	}
	if got := ask(false); strings.Contains(got, "not_in_channel") {
		t.Errorf("a non-admin sees the problem list:\n%s", got)
	}
}

// threadlessAdapter posts, but like Discord without Create Public Threads it cannot start threads.
type threadlessAdapter struct{ schedAdapter }

func (a *threadlessAdapter) Send(ctx context.Context, to bot.Conversation, p bot.Post) (bot.MessageRef, error) {
	ref, _ := a.schedAdapter.Send(ctx, to, p)
	return ref, &bot.Degraded{Problem: "could not start a thread: grant Create Public Threads"}
}

func TestDegradedPostsCountAsPostedAndShowAdminsTheProblem(t *testing.T) {
	clk := testkit.NewFakeClock(time.Date(2026, 11, 16, 8, 0, 0, 0, time.UTC))
	p := newSchedProc(t, clk, schedOpts{path: filepath.Join(t.TempDir(), "degraded.db"),
		schedules: only(bot.JobQuestion, "0 9 * * *", "UTC")})
	a := &threadlessAdapter{schedAdapter{name: schedConv.Platform, seq: new(atomic.Int64)}}
	p.engine.AddAdapter(a)
	p.tickAt(t, time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC))
	open, err := p.db.OpenPosts(context.Background(), p.ch.ID)
	if err != nil || len(open) != 1 || open[0].Ref.IsZero() {
		t.Fatalf("open posts = %+v, %v; want the question posted, with its reference kept", open, err)
	}
	slots, _ := p.db.Slots(context.Background(), p.ch.ID, bot.JobQuestion)
	if len(slots) != 1 || slots[0].State != bot.SlotPosted {
		t.Fatalf("slots = %+v, want one posted", slots)
	}
	r := p.engine.Handle(context.Background(), bot.Event{Conv: schedConv, User: bot.User{ID: "lead", Name: "Lead"}, Admin: true, Text: "schedule"})
	if !strings.Contains(r.Post.Text, "Mon 16 Nov 09:00: could not start a thread: grant Create Public Threads") {
		t.Errorf("admin's /pyq schedule does not show the thread problem:\n%s", r.Post.Text)
	}
}
