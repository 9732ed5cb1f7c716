package bot

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pyqbot/pyqbot/bot/scheduler"
)

// Job is something the scheduler does in a channel at the times of a cron spec. The scheduler
// (package scheduler) keys slots by it; the jobs and what they do are the game's.
type Job = scheduler.Job

const (
	JobQuestion    Job = "question"    // post the question of the day
	JobDebug       Job = "debug"       // post a threaded debugging challenge, with hints at offsets
	JobReveal      Job = "reveal"      // close what is open in the channel and reveal it in its thread
	JobLeaderboard Job = "leaderboard" // post the weekly team leaderboard
	// JobHint is not a schedule: it names the claims of a challenge's hints, which are slots too.
	JobHint Job = "hint"
)

// Jobs lists the schedulable jobs in the order `/pyq schedule` shows them.
var Jobs = []Job{JobQuestion, JobDebug, JobReveal, JobLeaderboard}

// DefaultHintOffsets are when a debugging challenge's hints go into its thread, after the post.
var DefaultHintOffsets = []time.Duration{2 * time.Hour, 4 * time.Hour}

// DefaultSchedules are the jobs a channel gets when the config has no [[schedule]] entries.
func DefaultSchedules() []Schedule {
	return []Schedule{
		{Job: JobQuestion, Spec: "0 9 * * 1-5", Enabled: true},
		{Job: JobDebug, Spec: "0 10 * * 3", Enabled: true, HintOffsets: append([]time.Duration(nil), DefaultHintOffsets...)},
		{Job: JobReveal, Spec: "0 17 * * 1-5", Enabled: true},
		{Job: JobLeaderboard, Spec: "0 16 * * 5", Enabled: true},
	}
}

// ParseJob reads a job name as typed in chat or config.
func ParseJob(s string) (Job, error) {
	j := Job(strings.ToLower(strings.TrimSpace(s)))
	for _, k := range Jobs {
		if j == k {
			return j, nil
		}
	}
	names := make([]string, len(Jobs))
	for i, k := range Jobs {
		names[i] = string(k)
	}
	if j == "" {
		return "", fmt.Errorf("say which job: %s", strings.Join(names, ", "))
	}
	return "", fmt.Errorf("there is no job %q: the jobs are %s", s, strings.Join(names, ", "))
}

// SortSchedules puts schedules in channel order and each channel's jobs in the order of Jobs (hint
// last): `/pyq schedule` lists them so, and jobs due at the same instant run so (a question before
// its reveal).
func SortSchedules(s []Schedule) {
	rank := func(j Job) int {
		if i := slices.Index(Jobs, j); i >= 0 {
			return i
		}
		return len(Jobs)
	}
	slices.SortStableFunc(s, func(a, b Schedule) int {
		return cmp.Or(cmp.Compare(a.ChannelID, b.ChannelID), cmp.Compare(rank(a.Job), rank(b.Job)), cmp.Compare(a.Job, b.Job))
	})
}

// Schedule is one job of one channel.
type Schedule struct {
	ChannelID   int64
	Job         Job
	Spec        string // five cron fields or a descriptor, maybe after CRON_TZ=Zone
	Zone        string // IANA zone; empty means the channel's zone (or the spec's CRON_TZ prefix)
	Enabled     bool
	HintOffsets []time.Duration // debug only: when each hint goes into the thread, after the post
	UpdatedAt   time.Time       // when it was created or last changed; no slot before it is "missed"
}

// Timetable is a parsed spec (see package scheduler). Package schedule implements it with
// robfig/cron; the core only needs this much, so it keeps to the standard library.
type Timetable = scheduler.Timetable

// SpecParser parses a spec with an optional separate zone. Errors name the spec or zone and say what
// to write instead; a parser never panics.
type SpecParser func(spec, zone string) (Timetable, error)
