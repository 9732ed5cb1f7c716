package scheduler

import (
	"testing"
	"time"
)

// NextRunAt passes over skip dates, consecutive ones too, reading them in the channel's zone
// (SkipDays.In), which may not be the job's; with none it is NextAt.
func TestNextRunAtPassesOverSkipDates(t *testing.T) {
	t.Parallel()
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	after := time.Date(2026, 12, 23, 8, 0, 0, 0, berlin)
	for _, tt := range []struct {
		name string
		job  *time.Location // the job's times are in this zone (Berlin 17:00 unless New York 23:00)
		skip []string       // read in Berlin, the channel's zone
		want time.Time
	}{
		{"no skip dates", berlin, nil, time.Date(2026, 12, 23, 17, 0, 0, 0, berlin)},
		{"today skipped", berlin, []string{"2026-12-23"}, time.Date(2026, 12, 24, 17, 0, 0, 0, berlin)},
		{"three days running", berlin, []string{"2026-12-25", "2026-12-23", "2026-12-24"}, time.Date(2026, 12, 26, 17, 0, 0, 0, berlin)},
		{"a later date only", berlin, []string{"2026-12-24"}, time.Date(2026, 12, 23, 17, 0, 0, 0, berlin)},
		// 17:00 in Berlin is 16:00 UTC: the date is the channel's, not UTC's.
		{"the zone's date", berlin, []string{"2026-12-22"}, time.Date(2026, 12, 23, 17, 0, 0, 0, berlin)},
		// 23:00 in New York on the 23rd is 05:00 on the 24th in Berlin: a day off on the 24th in the
		// channel passes over it, and the next run is New York's 24th, Berlin's 25th.
		{"a job in another zone", newYork, []string{"2026-12-24"}, time.Date(2026, 12, 24, 23, 0, 0, 0, newYork)},
		{"a job in another zone, its own date free", newYork, []string{"2026-12-23"}, time.Date(2026, 12, 23, 23, 0, 0, 0, newYork)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			skip := SkipDays{In: berlin, Dates: map[string]bool{}}
			for _, d := range tt.skip {
				skip.Dates[d] = true
			}
			tab, zone := Timetable(daily{17, 0}), "Europe/Berlin"
			if tt.job == newYork {
				tab, zone = daily{23, 0}, "America/New_York"
			}
			got, ok := NextRunAt(tab, tt.job, zone, after, skip)
			if !ok || !got.Equal(tt.want) {
				t.Errorf("NextRunAt = %v, %v; want %v", got.In(tt.job), ok, tt.want)
			}
		})
	}
}
