//go:build linux

package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// openPTY opens a pseudo-terminal pair with the kernel's /dev/ptmx interface (no library): what
// a person's terminal gives pyqbot as standard input.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	var unlock int32
	var n uint32
	for _, c := range []struct {
		req uintptr
		arg unsafe.Pointer
	}{{syscall.TIOCSPTLCK, unsafe.Pointer(&unlock)}, {syscall.TIOCGPTN, unsafe.Pointer(&n)}} {
		if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), c.req, uintptr(c.arg)); errno != 0 {
			m.Close()
			t.Fatalf("ioctl on /dev/ptmx: %v", errno)
		}
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		m.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(); m.Close() })
	return m, s
}

// At a terminal, `pyqbot` (run, no platform) prints a one-line banner and a "> " prompt, so a
// newcomer knows it waits for /pyq commands (item 11). Standard input is a real pseudo-terminal.
func TestTerminalShowsBannerAndPrompt(t *testing.T) {
	t.Parallel()
	master, slave := openPTY(t)
	cmd := exec.Command(binary, "--db", filepath.Join(t.TempDir(), "x.db"), "--user", "ann")
	cmd.Stdin = slave
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	go func() { bufio.NewReader(master).WriteTo(discard{}) }() // the terminal's echo of what is typed

	out := bufio.NewReader(stdout)
	banner, err := out.ReadString('\n')
	if err != nil || !strings.Contains(banner, "in the terminal") || !strings.Contains(banner, "/pyq help") {
		t.Fatalf("first line %q (%v), want the banner; stderr: %s", banner, err, stderr.String())
	}
	prompt := make([]byte, 2)
	if _, err := out.Read(prompt); err != nil || string(prompt) != "> " {
		t.Fatalf("after the banner: %q (%v), want the prompt \"> \"", prompt, err)
	}
	if _, err := master.WriteString("/pyq me\n/quit\n"); err != nil {
		t.Fatal(err)
	}
	rest := make(chan string, 1)
	go func() { b, _ := readAll(out); rest <- b }()
	select {
	case r := <-rest:
		if !strings.Contains(r, "Your record, ann") || !strings.HasSuffix(r, "> ") {
			t.Errorf("after /pyq me: %q, want the record and a new prompt", r)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("pyqbot did not exit after /quit")
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("pyqbot: %v\nstderr: %s", err, stderr.String())
	}
	if strings.Contains(stderr.String(), "level=INFO") {
		t.Errorf("INFO log lines in the terminal: %s", stderr.String())
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func readAll(r *bufio.Reader) (string, error) {
	var b strings.Builder
	_, err := r.WriteTo(&b)
	return b.String(), err
}
