package scheduler

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/internal/testkit/syncbuf"
)

// daily is a wall-clock timetable firing every day at hh:mm (the cron parser lives elsewhere).
type daily struct{ hh, mm int }

func (d daily) Next(after time.Time) time.Time {
	t := time.Date(after.Year(), after.Month(), after.Day(), d.hh, d.mm, 0, 0, time.UTC)
	if !t.After(after) {
		t = t.AddDate(0, 0, 1)
	}
	return t
}
func (daily) WallClock() bool { return true }
func (daily) Zone() string    { return "" }

// memStore keeps claims in memory with the same rules as the SQL stores (storage's contract suite
// runs those against SQLite and PostgreSQL).
type memStore struct {
	mu     sync.Mutex
	claims map[Key]*Claim
}

func newMemStore() *memStore { return &memStore{claims: map[Key]*Claim{}} }

func (m *memStore) ClaimSlot(_ context.Context, key Key, due time.Time, owner string, at time.Time, lease time.Duration, maxAttempts int) (bool, Claim, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.claims[key]
	if !ok {
		c = &Claim{Key: key, Due: due, State: Claimed, Owner: owner, ClaimedAt: at, Attempts: 1}
		m.claims[key] = c
		return true, *c, nil
	}
	stale := (c.State == Claimed || c.State == Failed) && at.Sub(c.ClaimedAt) >= lease && c.Attempts < maxAttempts
	if !stale {
		return false, *c, nil
	}
	c.State, c.Owner, c.ClaimedAt, c.Attempts = Claimed, owner, at, c.Attempts+1
	return true, *c, nil
}

func (m *memStore) FinishSlot(_ context.Context, claim Claim, state State, note string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	c := m.claims[claim.Key]
	if c.Owner != claim.Owner || !c.ClaimedAt.Equal(claim.ClaimedAt) {
		return ErrTakenOver
	}
	c.State, c.Note = state, note
	return nil
}

func (m *memStore) SkipSlot(_ context.Context, key Key, due time.Time, note string, at time.Time) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.claims[key]; ok {
		return false, nil
	}
	m.claims[key] = &Claim{Key: key, Due: due, State: Skipped, ClaimedAt: at, Note: note}
	return true, nil
}

func (m *memStore) LastSlot(_ context.Context, channelID int64, job Job) (time.Time, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var last time.Time
	for k, c := range m.claims {
		if k.ChannelID == channelID && k.Job == job && c.Due.After(last) {
			last = c.Due
		}
	}
	return last, nil
}

func (m *memStore) states() map[string]State {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[string]State{}
	for k, c := range m.claims {
		out[string(k.Job)+" "+k.Slot] = c.State
	}
	return out
}

// game records what it was asked to run.
type game struct {
	plan Plan[string]
	fail error

	mu  sync.Mutex
	ran []Due[string]
}

func (g *game) Plan(context.Context, time.Time) (Plan[string], error) { return g.plan, nil }
func (g *game) Track(ctx context.Context, _ Due[string]) (context.Context, func()) {
	return ctx, func() {}
}
func (g *game) Run(_ context.Context, d Due[string], _ Claim) (State, string, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.ran = append(g.ran, d)
	if g.fail != nil {
		return "", "", g.fail
	}
	return Posted, "posted " + d.Target, nil
}
func (g *game) BeforeSlots(context.Context, time.Time) error           { return nil }
func (g *game) AfterSlots(context.Context, time.Time) error            { return nil }
func (g *game) NextWake(context.Context, time.Time) (time.Time, error) { return time.Time{}, nil }

// ats are the instants the game was asked to run, in order.
func (g *game) ats() []time.Time {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []time.Time
	for _, d := range g.ran {
		out = append(out, d.At)
	}
	return out
}

func (g *game) keys() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []string
	for _, d := range g.ran {
		out = append(out, fmt.Sprintf("%s %s late=%v", d.Key.Job, d.Key.Slot, d.Late))
	}
	return out
}

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func timed(loc *time.Location, hh, mm int, since time.Time) Timed[string] {
	return Timed[string]{Channel: 1, Job: "question", Timetable: daily{hh, mm}, Loc: loc, Zone: loc.String(),
		Since: since, Meta: Meta[string]{Group: "slack", Log: []any{"channel", "C1"}, Target: "q"}}
}

func TestTickRunsEachSlotOnceAtItsInstant(t *testing.T) {
	ny := zone(t, "America/New_York")
	setUp := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name     string
		hh, mm   int
		tick     time.Time // local wall time of the tick, in ny
		want     []string
		wantAt   time.Time // the instant it is due
		wantNone bool
	}{
		// 02:30 does not happen on 2026-03-08 in New York: the slot is due at 03:30 EDT, once.
		{name: "spring-forward gap", hh: 2, mm: 30, tick: time.Date(2026, 3, 8, 3, 30, 0, 0, ny),
			want: []string{"question 2026-03-08T02:30 America/New_York late=false"}, wantAt: time.Date(2026, 3, 8, 7, 30, 0, 0, time.UTC)},
		{name: "before the gap's slot is due", hh: 2, mm: 30, tick: time.Date(2026, 3, 8, 3, 29, 0, 0, ny), wantNone: true},
		// 01:30 happens twice on 2026-11-01: one key, posted at its first occurrence.
		// The tick is at 01:30:30 EDT (05:30:30 UTC), in the first 01:30: time.Date could pick either.
		{name: "fall-back hour", hh: 1, mm: 30, tick: time.Date(2026, 11, 1, 5, 30, 30, 0, time.UTC),
			want: []string{"question 2026-11-01T01:30 America/New_York late=false"}, wantAt: time.Date(2026, 11, 1, 5, 30, 0, 0, time.UTC)},
		{name: "late within grace", hh: 9, mm: 0, tick: time.Date(2026, 3, 9, 10, 0, 0, 0, ny),
			want: []string{"question 2026-03-09T09:00 America/New_York late=true"}, wantAt: time.Date(2026, 3, 9, 13, 0, 0, 0, time.UTC)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			g := &game{plan: Plan[string]{Timed: []Timed[string]{timed(ny, c.hh, c.mm, setUp)}}}
			s := New(Config{Store: newMemStore()}, g)
			// The previous day's slot is long past: it is recorded as missed, not run.
			// A second tick (an hour on: the fall-back hour's second 01:30) runs nothing again.
			for _, at := range []time.Time{c.tick, c.tick.Add(time.Hour)} {
				if c.wantNone {
					at = c.tick
				}
				if err := s.Tick(context.Background(), at); err != nil {
					t.Fatal(err)
				}
			}
			got := g.keys()
			if c.wantNone {
				if len(got) != 0 {
					t.Fatalf("ran %v before the slot was due", got)
				}
				return
			}
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Fatalf("ran:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
			if at := g.ats()[0]; !at.Equal(c.wantAt) {
				t.Fatalf("the slot was due at %s, want %s", at.UTC(), c.wantAt)
			}
		})
	}
}

func TestMissedSlotsPastGraceAreSkippedAndLoggedOnce(t *testing.T) {
	var logs bytes.Buffer
	store := newMemStore()
	since := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	g := &game{plan: Plan[string]{Timed: []Timed[string]{timed(time.UTC, 9, 0, since)}}}
	s := New(Config{Store: store, Logger: slog.New(slog.NewTextHandler(&logs, nil))}, g)
	now := time.Date(2026, 5, 3, 15, 0, 0, 0, time.UTC) // 09:00 on the 1st, 2nd and 3rd all missed by > 3h
	for range 2 {
		if err := s.Tick(context.Background(), now); err != nil {
			t.Fatal(err)
		}
	}
	if len(g.keys()) != 0 {
		t.Fatalf("ran %v: every slot was older than the grace window", g.keys())
	}
	want := map[string]State{"question 2026-05-01T09:00 UTC": Skipped, "question 2026-05-02T09:00 UTC": Skipped, "question 2026-05-03T09:00 UTC": Skipped}
	if got := store.states(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("claims %v, want %v", got, want)
	}
	if n := strings.Count(logs.String(), "past the grace window"); n != 3 {
		t.Fatalf("logged %d skips, want 3 (one a slot, not one a tick):\n%s", n, logs.String())
	}
	if !strings.Contains(logs.String(), "channel=C1") {
		t.Fatalf("skip log lines lack the game's attributes:\n%s", logs.String())
	}
}

func TestTwoSchedulersOnOneStoreRunASlotOnce(t *testing.T) {
	store := newMemStore()
	plan := Plan[string]{Timed: []Timed[string]{timed(time.UTC, 9, 0, time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC))}}
	a, b := &game{plan: plan}, &game{plan: plan}
	sa, sb := New(Config{Store: store, Owner: "a"}, a), New(Config{Store: store, Owner: "b"}, b)
	now := time.Date(2026, 5, 4, 9, 0, 30, 0, time.UTC)
	var wg sync.WaitGroup
	for _, s := range []*Scheduler[string]{sa, sb} {
		wg.Go(func() {
			if err := s.Tick(context.Background(), now); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := len(a.keys()) + len(b.keys()); n != 1 {
		t.Fatalf("the slot ran %d times across two schedulers (a %v, b %v)", n, a.keys(), b.keys())
	}
}

func TestAFailedSlotIsRetriedAfterTheLeaseAndLoggedOnceAFailure(t *testing.T) {
	var logs bytes.Buffer
	store := newMemStore()
	g := &game{plan: Plan[string]{Timed: []Timed[string]{timed(time.UTC, 9, 0, time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC))}},
		fail: errors.New("platform refused the post")}
	s := New(Config{Store: store, Lease: 10 * time.Minute, Logger: slog.New(slog.NewTextHandler(&logs, nil))}, g)
	at := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	if err := s.Tick(context.Background(), at); err == nil || !strings.Contains(err.Error(), "platform refused") {
		t.Fatalf("Tick = %v, want the job's error", err)
	}
	if err := s.Tick(context.Background(), at.Add(5*time.Minute)); err != nil {
		t.Fatalf("a tick inside the lease retried: %v", err)
	}
	g.fail = nil
	if err := s.Tick(context.Background(), at.Add(11*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if got := g.keys(); len(got) != 2 || !strings.HasSuffix(got[1], "late=true") {
		t.Fatalf("ran %v, want the failed slot and one late retry after the lease", got)
	}
	if got := store.states()["question 2026-05-04T09:00 UTC"]; got != Posted {
		t.Fatalf("claim is %s after the retry, want posted", got)
	}
	if n := strings.Count(logs.String(), "platform refused"); n != 1 {
		t.Fatalf("the failure was logged %d times, want once:\n%s", n, logs.String())
	}
}

func TestOneOffSlots(t *testing.T) {
	store := newMemStore()
	posted := time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)
	hint := func(n int, at time.Time) Once[string] {
		return Once[string]{Key: Key{ChannelID: 1, Job: "hint", Slot: fmt.Sprintf("post 7 hint %d", n)}, At: at}
	}
	g := &game{plan: Plan[string]{Once: []Once[string]{hint(1, posted.Add(2*time.Hour)), hint(2, posted.Add(4*time.Hour))}}}
	s := New(Config{Store: store}, g)
	now := posted.Add(3 * time.Hour)
	if err := s.Tick(context.Background(), now); err != nil {
		t.Fatal(err)
	}
	if got := g.keys(); len(got) != 1 || got[0] != "hint post 7 hint 1 late=true" {
		t.Fatalf("ran %v, want hint 1 only (hint 2 is not due)", got)
	}
	next, ok, err := s.NextRun(context.Background(), now)
	if err != nil || !ok || !next.Equal(posted.Add(4*time.Hour)) {
		t.Fatalf("NextRun = %v %v %v, want hint 2's time", next, ok, err)
	}
	// Much later than the grace window: hint 2 is recorded as missed, not run.
	if err := s.Tick(context.Background(), posted.Add(10*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got := store.states()["hint post 7 hint 2"]; got != Skipped || len(g.keys()) != 1 {
		t.Fatalf("hint 2 is %q and ran %v, want skipped and not run", got, g.keys())
	}
}

// blockingGame holds every run until released, counting how many run at once.
type blockingGame struct {
	game
	release chan struct{}
	mu      sync.Mutex
	now     int
	most    int
	started chan struct{}
}

func (g *blockingGame) Run(ctx context.Context, d Due[string], c Claim) (State, string, error) {
	g.mu.Lock()
	g.now++
	g.most = max(g.most, g.now)
	g.mu.Unlock()
	g.started <- struct{}{}
	<-g.release
	g.mu.Lock()
	g.now--
	g.mu.Unlock()
	return g.game.Run(ctx, d, c)
}

func TestChannelsOfAGroupRunConcurrentlyUpToItsBound(t *testing.T) {
	since := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	g := &blockingGame{release: make(chan struct{}), started: make(chan struct{}, 10)}
	for ch := range int64(10) {
		j := timed(time.UTC, 9, 0, since)
		j.Channel = ch + 1
		g.plan.Timed = append(g.plan.Timed, j)
	}
	s := New(Config{Store: newMemStore(), Bound: func(group string) int { return 3 }}, g)
	done := make(chan error)
	go func() { done <- s.Tick(context.Background(), time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)) }()
	for range 3 { // three channels start without any finishing: they run at once
		<-g.started
	}
	select {
	case <-g.started:
		t.Fatal("a fourth channel started while three were running: the bound is 3")
	default:
	}
	close(g.release)
	for range 7 {
		<-g.started
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if g.most != 3 || len(g.keys()) != 10 {
		t.Fatalf("at most %d ran at once and %d ran in all, want 3 and 10", g.most, len(g.keys()))
	}
}

// fakeSleeper hands the run loop's timers to the test.
type fakeSleeper struct{ waits chan time.Duration }

func (f fakeSleeper) After(d time.Duration) <-chan time.Time {
	f.waits <- d
	c := make(chan time.Time, 1)
	if d == 0 {
		c <- time.Time{} // the loop's first tick is at once
	}
	return c // any other wait never ends: only Wake or the end of ctx moves the loop
}

func TestWakeMakesTheLoopTickAgain(t *testing.T) {
	store := newMemStore()
	now := time.Date(2026, 5, 4, 8, 59, 30, 0, time.UTC)
	g := &game{plan: Plan[string]{Timed: []Timed[string]{timed(time.UTC, 9, 0, now.Add(-time.Hour))}}}
	sl := fakeSleeper{waits: make(chan time.Duration)}
	clock := now
	var mu sync.Mutex
	s := New(Config{Store: store, Sleeper: sl, Now: func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }}, g)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- s.Run(ctx) }()
	<-sl.waits // the first wait (0) before the first tick
	if d := <-sl.waits; d != 30*time.Second {
		t.Fatalf("the loop waits %s for a slot 30 s away, want 30s", d)
	}
	mu.Lock()
	clock = now.Add(30 * time.Second)
	mu.Unlock()
	s.Wake()
	<-sl.waits // after the woken tick
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := g.keys(); len(got) != 1 {
		t.Fatalf("after Wake at 09:00 the loop ran %v, want the 09:00 slot", got)
	}
}

// The scheduler is part of the core: it must keep to the standard library.
func TestImportsOnlyTheStandardLibrary(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v: %s", err, out)
	}
	if deps := strings.TrimSpace(string(out)); deps != "github.com/pyqbot/pyqbot/bot/scheduler" {
		t.Fatalf("package scheduler depends on:\n%s", deps)
	}
}

// The run loop does not log a tick's slot failures again: the slot logged each where it failed.
func TestRunLogsAFailedSlotOnce(t *testing.T) {
	var logs syncbuf.Buffer // the run loop's goroutine writes it while the test reads
	now := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	g := &game{plan: Plan[string]{Timed: []Timed[string]{timed(time.UTC, 9, 0, now.Add(-time.Hour))}}, fail: errors.New("platform refused the post")}
	sl := fakeSleeper{waits: make(chan time.Duration)}
	s := New(Config{Store: newMemStore(), Sleeper: sl, Now: func() time.Time { return now },
		Logger: slog.New(slog.NewTextHandler(&logs, nil))}, g)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- s.Run(ctx) }()
	<-sl.waits // the first wait (0): the tick follows
	<-sl.waits // the wait after the tick: its logging is done
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(logs.String(), "platform refused"); n != 1 || len(g.keys()) != 1 {
		t.Fatalf("the failed slot ran %d times and was logged %d times, want once each:\n%s", len(g.keys()), n, logs.String())
	}
}
