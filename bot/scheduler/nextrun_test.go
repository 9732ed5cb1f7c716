package scheduler

import (
	"testing"
	"time"
)

// NextRunAt passes over skip dates, in the job's zone, consecutive ones too; with none it is NextAt.
func TestNextRunAtPassesOverSkipDates(t *testing.T) {
	t.Parallel()
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	after := time.Date(2026, 12, 23, 8, 0, 0, 0, berlin)
	for _, tt := range []struct {
		name string
		skip []string
		want time.Time
	}{
		{"no skip dates", nil, time.Date(2026, 12, 23, 17, 0, 0, 0, berlin)},
		{"today skipped", []string{"2026-12-23"}, time.Date(2026, 12, 24, 17, 0, 0, 0, berlin)},
		{"three days running", []string{"2026-12-25", "2026-12-23", "2026-12-24"}, time.Date(2026, 12, 26, 17, 0, 0, 0, berlin)},
		{"a later date only", []string{"2026-12-24"}, time.Date(2026, 12, 23, 17, 0, 0, 0, berlin)},
		// 17:00 in Berlin is 16:00 UTC: the date is the job's, not UTC's.
		{"the zone's date", []string{"2026-12-22"}, time.Date(2026, 12, 23, 17, 0, 0, 0, berlin)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			skip := map[string]bool{}
			for _, d := range tt.skip {
				skip[d] = true
			}
			got, ok := NextRunAt(daily{17, 0}, berlin, "Europe/Berlin", after, skip)
			if !ok || !got.Equal(tt.want) {
				t.Errorf("NextRunAt = %v, %v; want %v", got.In(berlin), ok, tt.want)
			}
		})
	}
}
