package main

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// A wrong practice answer comes back as a review on the right day, through the built binary: not
// the same day (practice serves a new question), and the next day (the clock shifted 24 h with
// PYQBOT_TEST_CLOCK_SHIFT) `/pyq me` counts it due and `/pyq practice` serves it first, titled with
// the day it was missed.
func TestConsoleWrongPracticeComesBackAsAReviewNextDay(t *testing.T) {
	t.Parallel()
	db := t.TempDir() + "/team.db"
	s := startConsole(t, "--db", db, "--user", "ann")
	stop := time.AfterFunc(time.Minute, func() { s.cmd.Process.Kill() })
	defer stop.Stop()
	title := regexp.MustCompile(`^== Practice: (.*) ==`)
	// A review question (pick every problem) asks "Pick all that apply"; "A" answers it too.
	ref := regexp.MustCompile(`^(?:Answer with:|Pick all that apply, e\.g\.) /pyq answer (p[0-9]+) `)
	// A review question answered with one of its problems is "Partly right", which is not right:
	// it comes back as a review like a miss.
	verdict := regexp.MustCompile(`^== p[0-9]+ (Right!|Not quite\.|Partly right)`)
	missed, missedPost := "", ""
	for range 12 { // "A" is wrong three times in four; design questions (no choices) are passed over
		mark := s.seen.Len()
		s.send("/pyq practice new")
		name := title.FindStringSubmatch(s.until(title))[1]
		line := s.until(ref)
		p := ref.FindStringSubmatch(line)[1]
		if strings.Contains(line, "<your answer>") {
			continue // a design question: no right choice to miss
		}
		s.send("/pyq answer " + p + " A")
		if !strings.Contains(s.until(verdict), "Right!") {
			missed, missedPost = name, s.seen.String()[mark:]
			break
		}
	}
	if missed == "" {
		t.Fatal("twelve practice questions all had A right")
	}
	s.send("/pyq me")
	if line := s.until(regexp.MustCompile(`^Reviews: `)); !strings.HasPrefix(line, "Reviews: 0 due today, 1 waiting") {
		t.Errorf("/pyq me right after the miss: %s", line)
	}
	s.send("/pyq practice")
	if line := s.until(regexp.MustCompile(`^== (Practice|Review)`)); !strings.HasPrefix(line, "== Practice: ") || strings.Contains(line, missed) {
		t.Errorf("the same day, practice served %q, want a new question (missed: %q)", line, missed)
	}
	s.finish()

	next := startConsoleEnv(t, []string{"PYQBOT_TEST_CLOCK_SHIFT=24h"}, "--db", db, "--user", "ann")
	stop2 := time.AfterFunc(time.Minute, func() { next.cmd.Process.Kill() })
	defer stop2.Stop()
	next.send("/pyq me")
	if line := next.until(regexp.MustCompile(`^Reviews: `)); !strings.HasPrefix(line, "Reviews: 1 due today") {
		t.Errorf("/pyq me the next day: %s", line)
	}
	next.send("/pyq practice")
	day := time.Now().UTC().Format("Mon 2 Jan")
	want := "== Review: you missed this on " + day
	if line := next.until(regexp.MustCompile(`^== `)); !strings.HasPrefix(line, want) {
		t.Errorf("the next day, practice served %q, want %q…", line, want)
	}
	// A review keeps the question's text under its own title.
	if prompt := next.until(regexp.MustCompile(`\S`)); !strings.Contains(missedPost, prompt) {
		t.Errorf("the review is not the missed question %q: it asks %q", missed, prompt)
	}
	next.finish()
	if !strings.Contains(next.stderr.String(), "the clock is shifted for a test") {
		t.Errorf("the shifted clock was not logged:\n%s", next.stderr.String())
	}
}
