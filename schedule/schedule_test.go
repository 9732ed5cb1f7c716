package schedule

import (
	"strings"
	"testing"
	"time"
)

func TestParseAccepts(t *testing.T) {
	from := time.Date(2026, 3, 4, 8, 0, 0, 0, time.UTC) // a Wednesday, as a wall-clock time
	tests := []struct {
		spec, zone string
		wantZone   string
		wantNext   time.Time
		wallClock  bool
	}{
		{"0 9 * * 1-5", "", "", time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC), true},
		{"  30 2 * * *  ", "America/New_York", "America/New_York", time.Date(2026, 3, 5, 2, 30, 0, 0, time.UTC), true},
		{"CRON_TZ=Europe/Berlin 0 10 * * 3", "", "Europe/Berlin", time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC), true},
		{"TZ=Europe/Berlin 0 10 * * 3", "Europe/Berlin", "Europe/Berlin", time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC), true},
		{"@daily", "", "", time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC), true},
		{"@weekly", "UTC", "UTC", time.Date(2026, 3, 8, 0, 0, 0, 0, time.UTC), true},
		{"CRON_TZ=Asia/Tokyo @daily", "", "Asia/Tokyo", time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC), true},
		{"@every 1h", "", "", time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC), false},
		{"@every 90m", "", "", time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC), false},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			tab, err := Parse(tt.spec, tt.zone)
			if err != nil {
				t.Fatalf("Parse(%q, %q): %v", tt.spec, tt.zone, err)
			}
			if got := tab.Zone(); got != tt.wantZone {
				t.Errorf("Zone() = %q, want %q", got, tt.wantZone)
			}
			if got := tab.WallClock(); got != tt.wallClock {
				t.Errorf("WallClock() = %v, want %v", got, tt.wallClock)
			}
			if got := tab.Next(from); !got.Equal(tt.wantNext) {
				t.Errorf("Next(%v) = %v, want %v", from, got, tt.wantNext)
			}
		})
	}
}

func TestParseEveryIsAnchored(t *testing.T) {
	// Two processes asking from different moments must agree on the slots.
	tab, err := Parse("@every 1h", "")
	if err != nil {
		t.Fatal(err)
	}
	a := tab.Next(time.Date(2026, 1, 1, 10, 7, 13, 0, time.UTC))
	b := tab.Next(time.Date(2026, 1, 1, 10, 59, 0, 0, time.UTC))
	want := time.Date(2026, 1, 1, 11, 0, 0, 0, time.UTC)
	if !a.Equal(want) || !b.Equal(want) {
		t.Errorf("Next = %v and %v, want both %v", a, b, want)
	}
	if got := tab.Next(want); !got.Equal(want.Add(time.Hour)) {
		t.Errorf("Next(%v) = %v, want an hour later", want, got)
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct {
		spec, zone string
		wantIn     []string // every piece must be in the error
	}{
		{"", "", []string{"empty"}},
		{"TZ=", "", []string{`"TZ="`, "no time zone"}},
		{"TZ=0", "", []string{`"TZ=0"`}},
		{"CRON_TZ=UTC", "", []string{`"CRON_TZ=UTC"`, "no schedule after it"}},
		{"CRON_TZ=Mars/Base 0 9 * * *", "", []string{"Mars/Base", "not a time zone"}},
		{"TZ=0 0 9 * * *", "", []string{`"0"`, "not a time zone"}},
		{"CRON_TZ=UTC CRON_TZ=UTC 0 9 * * *", "", []string{"two time zone prefixes"}},
		{"CRON_TZ=Europe/Berlin 0 9 * * *", "America/New_York", []string{"give the zone once"}},
		{"0 9 * * *", "Mars/Base", []string{`"Mars/Base" is not a time zone`}},
		{"0 9 * * *", "Local", []string{"server"}},
		{"0 9 * *", "", []string{`"0 9 * *"`, "five fields"}},
		{"0 0 9 * * *", "", []string{`"0 0 9 * * *"`}},
		{"61 9 * * *", "", []string{`"61 9 * * *"`}},
		{"*/0 * * * *", "", []string{`"*/0 * * * *"`}},
		{"0 9 * * MON-", "", []string{`"0 9 * * MON-"`}},
		{"@fortnightly", "", []string{`"@fortnightly"`}},
		{"@every", "", []string{`"@every"`}},
		{"@every 10s", "", []string{"more often"}},
		{"@every -1h", "", []string{`"@every -1h"`}},
		{"0 0 30 2 *", "", []string{"never runs"}},
		{"TZ=", "UTC", []string{"no time zone"}},
	}
	for _, tt := range tests {
		t.Run(tt.spec+"|"+tt.zone, func(t *testing.T) {
			tab, err := Parse(tt.spec, tt.zone)
			if err == nil {
				t.Fatalf("Parse(%q, %q) = %v, want an error", tt.spec, tt.zone, tab)
			}
			for _, w := range tt.wantIn {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

// FuzzParse: whatever is typed in chat, Parse returns; it never panics.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"TZ=", "TZ=0", "CRON_TZ=UTC", "0 9 * * 1-5", "@every 1h", "CRON_TZ=UTC @daily", "TZ= 0 9 * * *"} {
		f.Add(s, "")
	}
	f.Fuzz(func(t *testing.T, spec, zone string) {
		tab, err := Parse(spec, zone)
		if err == nil && tab == nil {
			t.Fatal("nil timetable without error")
		}
	})
}
