package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/storage"
)

var recorded = regexp.MustCompile(`^Recorded your answer`)

// answerAs returns the console lines for user n answering question #1 with A (a valid choice for
// every kind: design questions take it as text).
func answerAs(n int) string { return fmt.Sprintf("/as u%03d\n/pyq answer #1 A", n) }

// storedUsers are the users with an answer to the first question in the database at path.
func storedUsers(t *testing.T, path string) map[string]bool { t.Helper(); return stored(t, path, 1) }

func TestBackupWhileRunning(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db, backup := filepath.Join(dir, "live.db"), filepath.Join(dir, "backup.db")
	s := startConsole(t, "--db", db, "--user", "lead")
	// An output question: "A" answers it (a design question wants three words, and hangs the test).
	s.send("/pyq filter kinds output", "/pyq today")
	s.until(regexp.MustCompile(`^-- #1 · `))
	for i := 0; i < 40; i++ {
		s.send(answerAs(i))
		s.until(recorded) // acknowledged before the backup starts
	}
	out, err := exec.Command(binary, "backup", "--db", db, backup).CombinedOutput()
	if err != nil {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	for i := 40; i < 80; i++ {
		s.send(answerAs(i))
		s.until(recorded)
	}
	s.finish()

	store, err := storage.Open(context.Background(), backup)
	if err != nil {
		t.Fatal(err)
	}
	verdict, err := store.IntegrityCheck(context.Background())
	store.Close()
	if err != nil || verdict != "ok" {
		t.Fatalf("integrity_check on the backup = %q, %v", verdict, err)
	}
	inBackup := storedUsers(t, backup)
	for i := 0; i < 40; i++ {
		if !inBackup[fmt.Sprintf("u%03d", i)] {
			t.Errorf("answer of u%03d was acknowledged before the backup but is not in it", i)
		}
	}
	if n := len(storedUsers(t, db)); n != 80 {
		t.Errorf("live database holds %d answers, want 80", n)
	}
	again, err := exec.Command(binary, "backup", "--db", db, backup).CombinedOutput()
	if err == nil || !strings.Contains(string(again), "already exists") {
		t.Errorf("a second backup to the same file: %v\n%s", err, again)
	}
}

func TestSIGTERMDuringBurstKeepsAcknowledgedAnswers(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "burst.db")
	s := startConsole(t, "--db", db, "--user", "lead")
	// An output question: "A" answers it (a design question wants three words, and hangs the test).
	s.send("/pyq filter kinds output", "/pyq today")
	s.until(regexp.MustCompile(`^-- #1 · `))

	var burst strings.Builder
	for i := 0; i < 400; i++ {
		burst.WriteString(answerAs(i) + "\n")
	}
	go io.WriteString(s.stdin, burst.String()) // the bot stops reading at the signal; the write may never finish

	acked := map[string]bool{}
	user := regexp.MustCompile(`^\(only (u\d+) can see this\)`)
	current := ""
	readAck := func(line string) {
		if m := user.FindStringSubmatch(line); m != nil {
			current = m[1]
		}
		if recorded.MatchString(line) {
			acked[current] = true
		}
	}
	for len(acked) < 25 {
		line, err := s.out.ReadString('\n')
		if err != nil {
			t.Fatalf("output ended after %d answers: %v\n%s", len(acked), err, s.stderr.String())
		}
		readAck(line)
	}
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	sent := time.Now()
	rest, _ := io.ReadAll(s.out)
	for _, line := range strings.SplitAfter(string(rest), "\n") {
		readAck(line)
	}
	exited := make(chan error, 1)
	go func() { exited <- s.cmd.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\nstderr: %s", err, s.stderr.String())
		}
	case <-time.After(15 * time.Second): // failure guard only
		t.Fatal("pyqbot did not exit within 15 s of SIGTERM")
	}
	if took := time.Since(sent); took > 10*time.Second {
		t.Errorf("exit took %s after SIGTERM, want under 10 s", took)
	}
	stored := storedUsers(t, db)
	for u := range acked {
		if !stored[u] {
			t.Errorf("answer of %s was acknowledged but is not in the database after restart", u)
		}
	}
	t.Logf("%d answers acknowledged before exit, %d stored", len(acked), len(stored))
}

func TestExportAnswers(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "x.db")
	// Output questions only: a design question (picked at random) would refuse a one-letter answer.
	run(t, "/pyq filter kinds output\n/pyq today\n/as Ann\n/pyq answer A\n/pyq reveal\n", "console", "--db", db)
	code, out, stderr := run(t, "", "export", "--db", db)
	if code != 0 {
		t.Fatalf("export: %s", stderr)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("export csv = %q (%v), want a header and one answer", out, err)
	}
	if got := strings.Join(rows[1][:3], " "); got != "console local general" || rows[1][9] != "Ann" || rows[1][12] != "true" {
		t.Errorf("exported row = %v", rows[1])
	}
	// The reason and the best-explanation bonus come after the original columns, which keep their places.
	if got := strings.Join(rows[0][14:], ","); got != "points,reason,bonus,bonus_at" || strings.Join(rows[1][15:], ",") != ",0," {
		t.Errorf("export header = %v, row = %v: want points, reason, bonus, bonus_at last, and no reason or bonus here", rows[0], rows[1])
	}
	code, out, _ = run(t, "", "export", "--db", db, "--format", "json")
	if code != 0 || !strings.Contains(out, `"user_name":"Ann"`) {
		t.Errorf("export json = %d %q", code, out)
	}
	if code, _, stderr := run(t, "", "export", "--db", db, "--format", "xml"); code != 2 || !strings.Contains(stderr, "csv or json") {
		t.Errorf("bad format: code %d, stderr %q", code, stderr)
	}
	if code, _, stderr := run(t, "", "backup", "--db", db); code != 2 || !strings.Contains(stderr, "pyqbot backup FILE") {
		t.Errorf("backup without FILE: code %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat(db); err != nil {
		t.Fatal(err)
	}
}
