package main

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// The terminal prints a reminder through the built binary: a question open today, the reveal job on
// (every 12 h, so the reveal is at most 12 h away and a 12 h lead makes the reminder due at once),
// `/pyq remind 12h` wakes the scheduler, and the reminder is printed marked private, once; `/pyq me`
// states the setting and a bad duration is refused.
func TestConsolePrintsAReminderOnce(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := writeFile(t, "remind.toml", `[[schedule]]
job = "question"
spec = "@daily"
enabled = false
[[schedule]]
job = "reveal"
spec = "@every 12h"
`)
	s := startConsole(t, "--config", cfg, "--db", dir+"/team.db", "--user", "lead")
	// A reminder that never comes must fail the test, not hang it: the kill ends the output, and
	// until reports what was printed.
	stop := time.AfterFunc(time.Minute, func() { s.cmd.Process.Kill() })
	defer stop.Stop()
	s.send("/pyq remind 5m", "/pyq today")
	s.until(regexp.MustCompile(`^-- #1 · `))
	s.send("/pyq remind 12h")
	s.until(regexp.MustCompile(`^\[private to lead\]`))
	s.send("/pyq me")
	s.until(regexp.MustCompile(`Reminders are on, 12h before the reveal`))
	out := s.finish()
	for _, want := range []string{
		"`5m` is too short", "Nothing was changed",
		"Reminder: #1 is revealed in", "/pyq answer #1 CHOICE", "/pyq remind off",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "[private to lead]"); n != 1 {
		t.Errorf("%d reminders printed, want 1:\n%s", n, out)
	}
}
