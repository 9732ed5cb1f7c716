package main

import (
	"context"
	"encoding/json"
	"errors"
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

// The database faults of issue 12, driven from outside against the built binary: a read-only
// file for a non-root user, the directory removed while running, a file truncated to 0 bytes and
// a write lock held by another process. Each test says what the user and the operator see.

var (
	questionPosted = regexp.MustCompile(`-- #1 · `)
	answerRecorded = regexp.MustCompile(`Recorded your answer`)
	notRecorded    = regexp.MustCompile(`Your answer was not recorded: the bot cannot save anything right now \(a storage problem, reported to the bot's admin\)\. Please try again later\.`)
)

// terminal is `pyqbot run` playing in the terminal (no platform enabled) with /healthz served,
// its output collected by service (ops_e2e_test.go).
type terminal struct {
	*service
	stdin io.WriteCloser
}

func startTerminal(t *testing.T, db string) *terminal {
	t.Helper()
	// level info: in the terminal the default is warn, and the test waits for the listening line.
	config := writeFile(t, "faults.toml", fmt.Sprintf("[storage]\npath = %q\n[log]\nlevel = \"info\"\n[http]\nenabled = true\nlisten = \"127.0.0.1:0\"\n", db))
	s := newService(t, "run", "--config", config, "--user", "lead")
	stdin, err := s.cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	s.start()
	return &terminal{service: s, stdin: stdin}
}

func (p *terminal) send(lines ...string) {
	p.t.Helper()
	if _, err := io.WriteString(p.stdin, strings.Join(lines, "\n")+"\n"); err != nil {
		p.t.Fatal(err)
	}
}

// stopAfterFailures ends a session in which n commands failed on pyqbot's side: it does not end
// with exit status 0, and says how many failed.
func (p *terminal) stopAfterFailures(n int) {
	p.t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	var exit *exec.ExitError
	if err := p.cmd.Wait(); !errors.As(err, &exit) || exit.ExitCode() != 1 {
		p.t.Errorf("pyqbot exit after SIGTERM: %v, want status 1 after %d failed commands", err, n)
	}
	if want := fmt.Sprintf("%d command(s) in this session failed and changed nothing", n); !strings.Contains(p.output(), want) {
		p.t.Errorf("the session's end does not say %q:\n%s", want, p.output())
	}
}

// health GETs /healthz and decodes it.
func (p *terminal) health() (int, healthBody, string) {
	p.t.Helper()
	code, raw := p.get("/healthz")
	var body healthBody
	if err := json.Unmarshal([]byte(raw), &body); err != nil {
		p.t.Fatalf("/healthz answered %d %q: %v", code, raw, err)
	}
	return code, body, strings.TrimSpace(raw)
}

// withOneAnswer starts the bot on db, posts an output question (so "A" answers it) and answers it.
func withOneAnswer(t *testing.T, db string) *terminal {
	t.Helper()
	p := startTerminal(t, db)
	p.send("/pyq filter kinds output", "/pyq today")
	p.waitFor(questionPosted, 1)
	p.send("/pyq answer A")
	p.waitFor(answerRecorded, 1)
	return p
}

func TestReadOnlyDatabaseIsRefusedAtStartUp(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "pyqbot.db")
	store, err := storage.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	store.Close()

	cmd := exec.Command(binary, "console", "--db", db)
	if os.Geteuid() == 0 {
		// Root writes any file, so run as nobody: the directory is theirs (SQLite creates the
		// -shm and -wal beside the file), the file stays root's and read-only to them.
		for _, d := range []string{filepath.Dir(binary), filepath.Dir(dir), dir} {
			if err := os.Chmod(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Chown(dir, 65534, 65534); err != nil {
			t.Fatal(err)
		}
		setpriv, err := exec.LookPath("setpriv")
		if err != nil {
			t.Fatalf("running as root, the test needs setpriv (util-linux) to run pyqbot as nobody: %v", err)
		}
		cmd = exec.Command(setpriv, "--reuid", "65534", "--regid", "65534", "--clear-groups", binary, "console", "--db", db)
	} else if err := os.Chmod(db, 0o444); err != nil {
		t.Fatal(err)
	}
	cmd.Stdin = strings.NewReader("/pyq today\n")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("pyqbot on a read-only database: %v, want exit 1\n%s", err, out)
	}
	want := "pyqbot: start-up check: the database " + db + " is read-only for this process: give the user running pyqbot write access to the file and its directory"
	if !strings.Contains(string(out), want) {
		t.Errorf("the refusal does not say %q:\n%s", want, out)
	}
	t.Logf("operator sees: %s", strings.TrimSpace(string(out)))
}

func TestDatabaseDirectoryRemovedWhileRunning(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	p := withOneAnswer(t, filepath.Join(dir, "pyqbot.db"))
	if code, _, raw := p.health(); code != 200 {
		t.Fatalf("/healthz before the fault: %d %s", code, raw)
	}

	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	p.send("/as Bob", "/pyq answer A")
	p.waitFor(notRecorded, 1)
	p.send("/as Cy", "/pyq answer A")
	p.waitFor(notRecorded, 2)
	if got := p.output(); strings.Count(got, "Recorded your answer") != 1 {
		t.Errorf("an answer was confirmed after the directory was removed:\n%s", got)
	}
	vanished := regexp.MustCompile(`level=ERROR msg="database file vanished: refusing every write from now on".*`)
	line := p.waitFor(vanished, 1)[0]
	if n := len(vanished.FindAllString(p.output(), -1)); n != 1 {
		t.Errorf("the vanished file was logged %d times, want once", n)
	}
	code, body, raw := p.health()
	if code != 503 || body.Status != "unavailable" || !strings.HasPrefix(body.Storage, "vanished: the database file was deleted, replaced or truncated while running") {
		t.Errorf("/healthz after the directory was removed: %d %s", code, raw)
	}
	t.Logf("user sees: %s\noperator sees: %s\n/healthz: %d %s", notRecorded.FindString(p.output()), line, code, raw)
	p.stopAfterFailures(2)
}

func TestTruncatedDatabaseWarnsAtStartUp(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "pyqbot.db")
	first := withOneAnswer(t, db)
	first.stop() // writes pyqbot.db.last.json: 1 answer, 1 post
	if err := os.Truncate(db, 0); err != nil {
		t.Fatal(err)
	}

	p := startTerminal(t, db)
	warning := regexp.MustCompile(`level=WARN msg=".*holds 0 answers and 0 posts, but when pyqbot last ran \(.*\) it held 1 answer and 1 post.*restore a backup.*`)
	line := p.waitFor(warning, 1)[0]
	if !strings.Contains(line, db) {
		t.Errorf("the warning does not name the database: %s", line)
	}
	code, body, raw := p.health()
	if code != 200 || body.Status != "ok" || len(body.Warnings) != 1 || !strings.HasPrefix(body.Warnings[0], "emptied: the database holds 0 answers but held 1 answer and 1 post") {
		t.Errorf("/healthz on the emptied database: %d %s, want 200 with the warning", code, raw)
	}
	t.Logf("operator sees: %s\n/healthz: %d %s", line, code, raw)
	p.stop()
}

func TestForeignWriteLockIsReportedAndRefused(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "pyqbot.db")
	p := withOneAnswer(t, db)

	// Another process (here: the test) takes the write lock.
	release := lockForWrites(t, db)
	// No /healthz before this one, so no earlier verdict of the probe stands.
	start := time.Now()
	code, body, raw := p.health()
	if took := time.Since(start); code != 503 || !strings.HasPrefix(body.Storage, "busy: another process holds the database's write lock") || took > healthTimeout+time.Second {
		t.Errorf("/healthz with the write lock held elsewhere: %d %s after %v, want 503 busy within %v", code, raw, took, healthTimeout)
	}

	p.send("/as Bob", "/pyq answer A") // waits busy_timeout (10 s), then refuses
	p.waitFor(notRecorded, 1)
	logged := regexp.MustCompile(`level=ERROR msg="record answer failed".*another process holds the write lock on .*`)
	line := p.waitFor(logged, 1)[0]

	release()
	p.send("/as Cy", "/pyq answer A")
	p.waitFor(answerRecorded, 2)
	if code, _, raw := p.health(); code != 200 {
		t.Errorf("/healthz after the lock was released and an answer committed: %d %s", code, raw)
	}
	t.Logf("user sees: %s\noperator sees: %s\n/healthz while locked: %s", notRecorded.FindString(p.output()), line, raw)
	p.stopAfterFailures(1) // Bob's answer, refused while the lock was held
}

// smallDisk mounts a tmpfs of size bytes, the one way to fill a disk for real without filling the
// machine's. It needs root (CAP_SYS_ADMIN), as in CI; elsewhere the test is skipped, and
// storage.TestFullDiskIsNamed still drives SQLITE_FULL through the store.
func smallDisk(t *testing.T, size int) string {
	t.Helper()
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, fmt.Sprintf("size=%d", size)); err != nil {
		t.Skipf("cannot mount a %d-byte tmpfs to fill (needs root with CAP_SYS_ADMIN): %v", size, err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	return dir
}

// fill writes a file on dir's disk until the disk is full and returns its path.
func fill(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	block := make([]byte, 4096)
	for {
		if _, err := f.Write(block); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("filling %s: %v", dir, err)
			}
			return path
		}
	}
}

func TestFullDiskWhileRunningAndAtStartUp(t *testing.T) {
	t.Parallel()
	disk := smallDisk(t, 4<<20)
	db := filepath.Join(disk, "pyqbot.db")
	p := withOneAnswer(t, db)
	filler := fill(t, disk)

	p.send("/as Bob", "/pyq answer A")
	p.waitFor(notRecorded, 1)
	logged := regexp.MustCompile(`level=ERROR msg="record answer failed".*the disk holding .* is full: free space on it.*`)
	line := p.waitFor(logged, 1)[0]
	code, body, raw := p.health()
	if code != 503 || !strings.HasPrefix(body.Storage, "disk full: the disk holding the database is full") {
		t.Errorf("/healthz on a full disk: %d %s", code, raw)
	}
	t.Logf("user sees: %s\noperator sees: %s\n/healthz: %d %s", notRecorded.FindString(p.output()), line, code, raw)

	// Room again: the next answer is recorded, and health follows.
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	p.send("/as Cy", "/pyq answer A")
	p.waitFor(answerRecorded, 2)
	if code, _, raw := p.health(); code != 200 {
		t.Errorf("/healthz after space was freed and an answer committed: %d %s", code, raw)
	}
	p.stopAfterFailures(1) // the answer refused while the disk was full

	// At start-up on a full disk, pyqbot refuses and says what is full.
	fill(t, disk)
	out, err := exec.Command(binary, "console", "--db", db).CombinedOutput()
	want := "the disk holding " + db + " is full: free space on it, then try again"
	if err == nil || !strings.Contains(string(out), want) {
		t.Errorf("start-up on a full disk: %v, want exit 1 saying %q:\n%s", err, want, out)
	}
	t.Logf("at start-up the operator sees: %s", strings.TrimSpace(string(out)))
}

func TestCorruptDataPagesAreRefusedAtStartUp(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "pyqbot.db")
	withOneAnswer(t, db).stop()
	// Damage the page that holds the answers (the table's root, a leaf at this size): the
	// schema still reads, so before the start-up check pyqbot started and failed every command.
	store, err := storage.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	var page int64
	if err := store.SQL().QueryRow(`SELECT rootpage FROM sqlite_master WHERE name = 'answers'`).Scan(&page); err != nil {
		t.Fatal(err)
	}
	store.Close()
	f, err := os.OpenFile(db, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte(strings.Repeat("\xa5", 4096)), (page-1)*4096); err != nil {
		t.Fatal(err)
	}
	f.Close()

	cmd := exec.Command(binary, "console", "--db", db)
	cmd.Stdin = strings.NewReader("/pyq today\n")
	out, err := cmd.CombinedOutput()
	want := "the database " + db + " is corrupt: restore a backup: stop pyqbot, copy the backup (made with `pyqbot backup`) over " + db
	if err == nil || !strings.Contains(string(out), want) {
		t.Errorf("start-up on a damaged file: %v, want exit 1 saying %q:\n%s", err, want, out)
	}
	t.Logf("operator sees: %s", strings.TrimSpace(string(out)))
}
