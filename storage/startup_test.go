package storage

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit/fakeclock"
)

// checked opens path, sets a fake clock and a log buffer, and runs Check.
func checked(t *testing.T, path string) (*DB, *fakeclock.Clock, *bytes.Buffer, error) {
	t.Helper()
	d := mustOpenPath(t, path)
	clk := fakeclock.New(t0)
	d.Now = clk.Now
	var logs bytes.Buffer
	d.SetLogger(slog.New(slog.NewTextHandler(&logs, nil)))
	return d, clk, &logs, d.Check(context.Background())
}

// checkedFixture is a fixture on the database at path after a Check that passed, with its clock.
func checkedFixture(t *testing.T, path string) (*fixture, *fakeclock.Clock) {
	t.Helper()
	d, clk, _, err := checked(t, path)
	if err != nil {
		t.Fatalf("Check(%s): %v", path, err)
	}
	return &fixture{tb: t, ctx: context.Background(), db: d}, clk
}

func readSidecar(t *testing.T, path string) sizeRecord {
	t.Helper()
	raw, err := os.ReadFile(sidecarPath(path))
	if err != nil {
		t.Fatalf("the size record: %v", err)
	}
	var r sizeRecord
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("the size record %s: %v", raw, err)
	}
	return r
}

func TestCheckRefusesACorruptFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pyqbot.db")
	f := &fixture{tb: t, ctx: context.Background(), db: mustOpenPath(t, path)}
	p := f.post(f.channel("T1", "C1"), 0, bot.KindDesign, "closures")
	for i := range 300 {
		if _, err := f.db.RecordAnswer(f.ctx, bot.Answer{PostID: p.ID, User: bot.User{ID: fmt.Sprintf("U%d", i)},
			Text: strings.Repeat("words that fill pages ", 40), AnsweredAt: t0}); err != nil {
			t.Fatal(err)
		}
	}
	pages := f.count(`PRAGMA page_count`)
	f.db.Close()
	// Damage three data pages in the middle of the file; the schema (page 1 on) still reads, so
	// Open succeeds as it did before this check existed.
	file, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := file.WriteAt(bytes.Repeat([]byte{0xA5}, 3*4096), int64(pages/2)*4096); err != nil {
		t.Fatal(err)
	}
	file.Close()

	_, _, _, err = checked(t, path)
	var fault *Fault
	if !errors.As(err, &fault) || fault.Kind != FaultCorrupt {
		t.Fatalf("Check on a damaged file: %v, want a corrupt Fault", err)
	}
	for _, want := range []string{path, "is corrupt", "restore a backup: stop pyqbot, copy the backup", "quick_check"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the refusal does not say %q: %v", want, err)
		}
	}
}

func TestCheckRefusesADatabaseItCannotWrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pyqbot.db")
	mustOpenPath(t, path).Close()
	// query_only refuses writes as a read-only file does for a non-root user (SQLITE_READONLY);
	// faults_e2e_test.go runs the binary on a real one.
	testPragmas = []string{"query_only(1)"}
	t.Cleanup(func() { testPragmas = nil })
	// Open refuses (its migration transaction writes); Check's write probe would otherwise.
	d, err := Open(context.Background(), path)
	if err == nil {
		err = d.Check(context.Background())
		d.Close()
	}
	var fault *Fault
	if !errors.As(err, &fault) || fault.Kind != FaultReadOnly {
		t.Fatalf("Check: %v, want a read-only Fault", err)
	}
	if want := "the database " + path + " is read-only for this process: give the user running pyqbot write access"; !strings.Contains(err.Error(), want) {
		t.Errorf("the refusal %q does not say %q", err, want)
	}
}

func TestCheckWarnsWhenADatabaseThatHadAnswersIsEmpty(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pyqbot.db")
	f, _ := checkedFixture(t, path)
	p := f.post(f.channel("T1", "C1"), 0, bot.KindOutput, "closures")
	f.answer(p, "U1", "Ann", t0, "A")
	f.answer(p, "U2", "Bob", t0, "B")
	f.db.Close()
	if r := readSidecar(t, path); r.Answers != 2 || r.Posts != 1 {
		t.Fatalf("the size record after Close = %+v, want 2 answers and 1 post", r)
	}

	if err := os.Truncate(path, 0); err != nil {
		t.Fatal(err)
	}
	for run := 1; run <= 2; run++ { // the warning stands until answers arrive or the record is deleted
		d, _, logs, err := checked(t, path)
		if err != nil {
			t.Fatalf("run %d: Check refused an emptied database (it warns): %v", run, err)
		}
		for _, want := range []string{"level=WARN", path, "holds 0 answers and 0 posts", "it held 2 answers and 1 post", "restore a backup", "delete " + sidecarPath(path)} {
			if !strings.Contains(logs.String(), want) {
				t.Errorf("run %d: the log does not say %q:\n%s", run, want, logs)
			}
		}
		h := d.Health(context.Background())
		if h.Problem != "" || len(h.Warnings) != 1 || !strings.HasPrefix(h.Warnings[0], "emptied: the database holds 0 answers but held 2 answers") {
			t.Errorf("run %d: Health = %+v, want healthy with the emptied warning", run, h)
		}
		d.Close()
	}
	if r := readSidecar(t, path); r.Answers != 2 {
		t.Errorf("the record was overwritten while the warning stands: %+v", r)
	}
}

func TestCheckWarnsAboutAZeroByteFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pyqbot.db")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	d, _, logs, err := checked(t, path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "was an empty (0-byte) file") {
		t.Errorf("log:\n%s", logs)
	}
	if h := d.Health(context.Background()); len(h.Warnings) != 1 {
		t.Errorf("Health = %+v", h)
	}
	// A new database is no warning.
	d2, _, logs2, err := checked(t, filepath.Join(t.TempDir(), "new.db"))
	if err != nil || logs2.Len() != 0 || len(d2.Health(context.Background()).Warnings) != 0 {
		t.Errorf("a new database: %v, log %q", err, logs2)
	}
}

func TestSizeRecordIsWrittenAtMostOnceAMinute(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pyqbot.db")
	f, clk := checkedFixture(t, path)
	d := f.db
	ch := f.channel("T1", "C1")
	d.w.bg.Wait()
	if r := readSidecar(t, path); r.Posts != 0 || r.Answers != 0 || !r.At.Equal(t0) {
		t.Fatalf("after the first commit: %+v", r)
	}
	p := f.post(ch, 0, bot.KindOutput, "closures") // the same minute: no rewrite
	for i, step := range []struct {
		after   time.Duration
		answers int64 // what the record says after this answer
	}{{30 * time.Second, 0}, {29 * time.Second, 0}, {time.Second, 3}, {time.Second, 3}} {
		clk.Advance(step.after)
		f.answer(p, fmt.Sprintf("U%d", i), "u", t0, "A")
		d.w.bg.Wait()
		if r := readSidecar(t, path); r.Answers != step.answers {
			t.Errorf("answer %d, %v later: the record says %d answers, want %d", i+1, step.after, r.Answers, step.answers)
		}
	}
	if matches, _ := filepath.Glob(sidecarPath(path) + ".*.tmp"); len(matches) != 0 {
		t.Errorf("temporary files left behind: %v", matches)
	}
}

// BenchmarkStartupCheck times, on the 500,000-answer leaderboard fixture, Open followed by Check
// (what `pyqbot run` does before serving; quick_check goes to the background above
// quickCheckPages) and PRAGMA quick_check itself, the figure that decided it.
func BenchmarkStartupCheck(b *testing.B) {
	path := filepath.Join(b.TempDir(), "pyqbot.db")
	db := mustOpenPath(b, path)
	_, n := buildLeaderboardFixture(b, db)
	var pages int64
	db.SQL().QueryRow(`PRAGMA page_count`).Scan(&pages)
	b.Logf("fixture: %d answers, %d pages (%d MB)", n, pages, pages*4096>>20)
	db.Close()
	b.Run("open+check", func(b *testing.B) {
		for b.Loop() {
			d, err := Open(context.Background(), path)
			if err != nil {
				b.Fatal(err)
			}
			d.SetLogger(slog.New(slog.DiscardHandler))
			if err := d.Check(context.Background()); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			d.Close() // waits for the background quick_check, outside the timing
			b.StartTimer()
		}
	})
	b.Run("quick_check", func(b *testing.B) {
		d := mustOpenPath(b, path)
		for b.Loop() {
			if err := d.quickCheck(context.Background()); err != nil {
				b.Fatal(err)
			}
		}
	})
}
