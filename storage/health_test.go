package storage

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit/fakeclock"
)

// holdWriteLock takes SQLite's write lock on path from a second pool, as another process would,
// and returns the function that lets it go.
func holdWriteLock(t *testing.T, path string) func() {
	t.Helper()
	other, err := sql.Open("sqlite", "file:"+path+"?_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	tx, err := other.Begin()
	if err != nil {
		t.Fatalf("BEGIN IMMEDIATE from a second connection: %v", err)
	}
	var once sync.Once
	release := func() { once.Do(func() { tx.Rollback(); other.Close() }) }
	t.Cleanup(release)
	return release
}

func TestHealthProvesAWriteCommits(t *testing.T) {
	for _, tt := range []struct {
		name  string
		fault func(t *testing.T, d *DB)
		want  string // Health.Problem's start; "" for healthy
	}{
		{"healthy", func(*testing.T, *DB) {}, ""},
		{"directory deleted", func(t *testing.T, d *DB) { os.RemoveAll(filepath.Dir(d.Path())) }, "vanished:"},
		{"file replaced", func(t *testing.T, d *DB) {
			other := d.Path() + ".restored"
			if err := os.WriteFile(other, nil, 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(other, d.Path()); err != nil {
				t.Fatal(err)
			}
		}, "vanished:"},
		{"-wal deleted", func(t *testing.T, d *DB) { os.Remove(d.Path() + "-wal") }, "vanished:"},
		// A read-only file only stops a non-root user (faults_e2e_test.go runs that); query_only
		// makes SQLite refuse the probe's write the same way (SQLITE_READONLY).
		{"read-only", func(t *testing.T, d *DB) {
			if _, err := d.w.probe.ExecContext(context.Background(), `PRAGMA query_only = 1`); err != nil {
				t.Fatal(err)
			}
		}, "read-only:"},
		{"foreign write lock", func(t *testing.T, d *DB) { holdWriteLock(t, d.Path()) }, "busy:"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data")
			os.Mkdir(dir, 0o755)
			d := mustOpenPath(t, filepath.Join(dir, "pyqbot.db"))
			clk := fakeclock.New(t0)
			d.Now = clk.Now
			if h := d.Health(context.Background()); h.Problem != "" {
				t.Fatalf("before the fault: %+v", h)
			}
			tt.fault(t, d)
			clk.Advance(probeTTL) // the verdict before the fault has expired
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			start := time.Now()
			h := d.Health(ctx)
			took := time.Since(start)
			if !strings.HasPrefix(h.Problem, tt.want) || (tt.want == "") != (h.Err == nil) {
				t.Fatalf("Health = %q (%v), want a problem starting %q", h.Problem, h.Err, tt.want)
			}
			if strings.Contains(h.Problem, d.Path()) {
				t.Errorf("the problem names the path (it is for /healthz): %q", h.Problem)
			}
			if h.Err != nil && !strings.Contains(h.Err.Error(), d.Path()) {
				t.Errorf("the error for the log does not name the path: %v", h.Err)
			}
			// Busy must be reported within the probe's busy_timeout, not users' 10 s.
			if took > 3*time.Second {
				t.Errorf("Health took %v", took)
			}
		})
	}
}

func TestHealthCachesTheProbe(t *testing.T) {
	d := mustOpen(t, sqliteBackend)
	clk := fakeclock.New(t0)
	d.Now = clk.Now
	d.Health(context.Background())
	release := holdWriteLock(t, d.Path())
	// Within probeTTL the verdict stands: a flood of checks costs no write.
	if h := d.Health(context.Background()); h.Problem != "" {
		t.Fatalf("within the probe's TTL: %+v", h)
	}
	clk.Advance(probeTTL)
	if h := d.Health(context.Background()); !strings.HasPrefix(h.Problem, "busy:") {
		t.Fatalf("after the TTL with the lock held elsewhere: %+v", h)
	}
	release()
	clk.Advance(probeTTL)
	if h := d.Health(context.Background()); h.Problem != "" {
		t.Fatalf("after the lock is released: %+v", h)
	}
}

// A write of this process waiting for a lock held elsewhere holds writeMu; the probe queues
// behind it only as long as the caller's deadline.
func TestHealthDoesNotHangBehindAStalledWrite(t *testing.T) {
	f := newFixture(t, sqliteBackend)
	p := f.post(f.channel("T1", "C1"), 0, bot.KindOutput, "closures")
	release := holdWriteLock(t, f.db.Path())
	done := make(chan error, 1)
	go func() {
		_, err := f.db.RecordAnswer(context.Background(), bot.Answer{PostID: p.ID, User: bot.User{ID: "U1"}, Keys: []string{"A"}, AnsweredAt: t0})
		done <- err
	}()
	// Wait until the answer holds writeMu (TryLock fails), without sleeping.
	for f.db.writeMu.TryLock() {
		f.db.writeMu.Unlock()
		select {
		case err := <-done:
			t.Fatalf("RecordAnswer finished while the lock was held: %v", err)
		default:
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	if h := f.db.Health(ctx); !strings.HasPrefix(h.Problem, "busy:") {
		t.Errorf("Health behind a stalled write = %+v, want busy", h)
	}
	release()
	if err := <-done; err != nil {
		t.Fatalf("RecordAnswer after the lock was released: %v", err)
	}
}

func TestWritesRefusedOnceTheFileVanishes(t *testing.T) {
	for _, tt := range []struct {
		name, detail string
		fault        func(t *testing.T, path string)
	}{
		{"directory deleted", "the file is gone", func(t *testing.T, path string) { os.RemoveAll(filepath.Dir(path)) }},
		{"file deleted", "the file is gone", func(t *testing.T, path string) { os.Remove(path) }},
		{"file replaced", "another file is at its path", func(t *testing.T, path string) {
			if err := os.WriteFile(path+".new", []byte("x"), 0o644); err != nil {
				t.Fatal(err)
			}
			os.Rename(path+".new", path)
		}},
		{"-wal deleted", "its -wal file is gone", func(t *testing.T, path string) { os.Remove(path + "-wal") }},
		{"file truncated", "the file was truncated to 0 bytes", func(t *testing.T, path string) { os.Truncate(path, 0) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data")
			os.Mkdir(dir, 0o755)
			f := &fixture{tb: t, ctx: context.Background(), db: mustOpenPath(t, filepath.Join(dir, "pyqbot.db"))}
			var logs bytes.Buffer
			f.db.SetLogger(slog.New(slog.NewTextHandler(&logs, nil)))
			p := f.post(f.channel("T1", "C1"), 0, bot.KindOutput, "closures")
			f.answer(p, "U1", "Ann", t0, "A")
			tt.fault(t, f.db.Path())

			for i, user := range []string{"U2", "U3", "U4"} {
				_, err := f.db.RecordAnswer(f.ctx, bot.Answer{PostID: p.ID, User: bot.User{ID: user}, Keys: []string{"B"}, AnsweredAt: t0})
				var fault *Fault
				if !errors.As(err, &fault) || fault.Kind != FaultVanished || !errors.Is(err, bot.ErrStoreUnavailable) {
					t.Fatalf("answer %d after the fault: %v, want a vanished Fault", i+2, err)
				}
				for _, want := range []string{f.db.Path(), tt.detail, "restart pyqbot", "pyqbot backup"} {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("the error does not say %q: %v", want, err)
					}
				}
			}
			// The open (unlinked) file still reads: the refused answers were rolled back.
			if n := f.count(`SELECT COUNT(*) FROM answers`); n != 1 {
				t.Errorf("%d answers in the open file, want the 1 from before the fault", n)
			}
			if n := strings.Count(logs.String(), "level=ERROR"); n != 1 || !strings.Contains(logs.String(), "database file vanished") {
				t.Errorf("logged %d ERROR lines, want the vanished file once:\n%s", n, logs.String())
			}
			if h := f.db.Health(f.ctx); !strings.HasPrefix(h.Problem, "vanished:") {
				t.Errorf("Health = %+v", h)
			}
		})
	}
}

func TestFullDiskIsNamed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pyqbot.db")
	f := &fixture{tb: t, ctx: context.Background(), db: mustOpenPath(t, path)}
	p := f.post(f.channel("T1", "C1"), 0, bot.KindDesign, "closures")
	pages := f.count(`PRAGMA page_count`)
	f.db.Close()

	// max_page_count at the current size: the next page SQLite needs fails with SQLITE_FULL,
	// "database or disk is full", as on a full disk.
	testPragmas = []string{fmt.Sprintf("max_page_count(%d)", pages)}
	t.Cleanup(func() { testPragmas = nil })
	d := mustOpenPath(t, path)
	clk := fakeclock.New(t0)
	d.Now = clk.Now
	_, err := d.RecordAnswer(context.Background(), bot.Answer{PostID: p.ID, User: bot.User{ID: "U1"},
		Text: strings.Repeat("a long design answer ", 2000), AnsweredAt: t0})
	var fault *Fault
	if !errors.As(err, &fault) || fault.Kind != FaultFull || !errors.Is(err, bot.ErrStoreUnavailable) {
		t.Fatalf("RecordAnswer on a full disk: %v, want a disk-full Fault", err)
	}
	if want := "the disk holding " + path + " is full: free space on it"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not say %q", err, want)
	}
	// The probe rewrites one row in place and still commits; the failed answer keeps health red
	// until a real write commits again.
	for range 2 {
		clk.Advance(probeTTL)
		if h := d.Health(context.Background()); !strings.HasPrefix(h.Problem, "disk full:") {
			t.Fatalf("Health after the failed answer = %+v", h)
		}
	}
	if _, err := d.RecordAnswer(context.Background(), bot.Answer{PostID: p.ID, User: bot.User{ID: "U1"}, Text: "short enough now", AnsweredAt: t0}); err != nil {
		t.Fatalf("a write that fits: %v", err)
	}
	if h := d.Health(context.Background()); h.Problem != "" {
		t.Errorf("Health after a write committed = %+v", h)
	}
}

func TestClassify(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want FaultKind
	}{
		{fmt.Errorf("open: %w", syscall.ENOSPC), FaultFull},
		{fmt.Errorf("open: %w", syscall.EROFS), FaultReadOnly},
		{bot.ErrClosed, ""},
		{context.Canceled, ""},
		{errors.New("UNIQUE constraint failed"), ""},
	} {
		var f *Fault
		got := FaultKind("")
		if errors.As(classify("/x.db", tt.err), &f) {
			got = f.Kind
		}
		if got != tt.want {
			t.Errorf("classify(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

// BenchmarkGuardCheck times the file guard's check, run twice per write transaction (before and
// after the commit): two stats, the file and its -wal.
func BenchmarkGuardCheck(b *testing.B) {
	d := mustOpen(b, sqliteBackend)
	for b.Loop() {
		if err := d.w.guard.check(); err != nil {
			b.Fatal(err)
		}
	}
}
