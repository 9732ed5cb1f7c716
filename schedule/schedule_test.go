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
		{"@every", "", []string{`"@every"`, `@every needs an interval after it: write "@every 1h"`}},
		{"@every 10s", "", []string{"more often"}},
		{"@every -1h", "", []string{`"@every -1h" is not valid: -1h is not a positive interval`}},
		{"@every 0s", "", []string{"0s is not a positive interval"}},
		{"@every 5x", "", []string{`"5x" after @every is not an interval: write a number with a unit h, m or s`}},
		{"@every 1h 2", "", []string{`"1h 2" after @every is not an interval`}},
		{"0 0 30 2 *", "", []string{"never runs"}},
		{"TZ=", "UTC", []string{"no time zone"}},
		// Each field's mistake is named with what the field takes, not robfig's "end of range (25)
		// above maximum (23): 25".
		{"0 25 * * *", "", []string{`"0 25 * * *" is not valid: hour 25 is out of range 0–23; write an hour from 0 to 23, e.g. "0 17 * * 1-5"`}},
		{"61 9 * * *", "", []string{"minute 61 is out of range 0–59; write a minute from 0 to 59"}},
		{"0 9 32 * *", "", []string{"day of month 32 is out of range 1–31; write a day from 1 to 31"}},
		{"0 9 0 * *", "", []string{"day of month 0 is out of range 1–31"}},
		{"0 9 * 13 *", "", []string{"month 13 is out of range 1–12; write a month from 1 to 12 or JAN to DEC"}},
		{"0 9 * * 7", "", []string{"day of week 7 is out of range 0–6; write a day from 0 to 6 (0 is Sunday) or SUN to SAT"}},
		{"0 -1 * * *", "", []string{"hour -1 is out of range 0–23"}},
		{"0 9,20-25 * * *", "", []string{"hour 25 is out of range 0–23"}},
		{"0 9 * * 5-1", "", []string{"the day of week range 5-1 runs backwards (ranges do not wrap around): write it as two ranges, 5-6,0-1"}},
		{"0 22-2 * * *", "", []string{"the hour range 22-2 runs backwards (ranges do not wrap around): write it as two ranges, 22-23,0-2"}},
		{"0 9 * * SAT-MON", "", []string{"write it as two ranges, 6,0-1"}},
		{"0 9 * * MON-SUN", "", []string{"the day of week range MON-SUN runs backwards (ranges do not wrap around): MON-SUN covers every day of week, so write *"}},
		{"0 9 * * 6-0", "", []string{"write it as two ranges, 6,0;"}},
		// A step counts on across the wrap; "*" or two stepped ranges would not keep it.
		{"0 22-2/2 * * *", "", []string{"the hour range 22-2 runs backwards (ranges do not wrap around): write the values as a list, 22,0,2;"}},
		{"0 3-2/6 * * *", "", []string{"write the values as a list, 3,9,15,21;"}},
		{"0 9 * * mon-fry", "", []string{`the day of week "fry" is not a number or a name such as SUN`}},
		{"0 9 * * MON-", "", []string{`the day of week "MON-" is missing a value`}},
		{"x 9 * * *", "", []string{`the minute "x" is not a number; write a minute`}},
		{"*/0 * * * *", "", []string{`the step in the minute "*/0" must be a whole number of 1 or more, e.g. */15`}},
		{"0 9 * *", "", []string{"it has 4 fields, not five"}},
		{"0 0 9 * * *", "", []string{"it has 6 fields, not five (a first field of seconds is not taken)"}},
		{"@fortnightly", "", []string{"@fortnightly is not a descriptor: use one of @yearly", "@every 1h"}},
		{"@daily Europe/Berlin", "", []string{`@daily takes nothing after it: write "@daily" alone, give the time zone separately`}},
		{"@daily 9:00", "", []string{`for a time of day use five fields, e.g. "0 9 * * *" for 9:00`}},
		// robfig takes descriptors in lower case only; saying "write @Daily alone" would repeat
		// what was written.
		{"@Daily", "", []string{`"@Daily" is not valid: write descriptors in lower case: "@daily"`}},
		{"@DAILY Europe/Berlin", "", []string{`@DAILY takes nothing after it: write "@daily" alone`}},
		{"@Every 1h", "", []string{`"@Every 1h" is not valid: write @every in lower case: "@every 1h"`}},
		{"@Every -1h", "", []string{`write @every in lower case: "@every -1h"`}},
		{"@every  1h", "", []string{`"@every  1h" is not valid: write one space between @every and the interval: "@every 1h"`}},
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

// fieldProblem blames only what robfig refuses: for each field and each of these items, robfig
// refuses a spec with the item in that field (the others "*") exactly when fieldProblem names it.
func TestFieldProblemAgreesWithRobfig(t *testing.T) {
	items := []string{"*", "?", "0", "1", "5", "6", "7", "12", "13", "23", "24", "31", "32", "59", "60", "-1", "+5",
		"1-5", "5-1", "1-2-3", "*/0", "*/15", "*/x", "5/10", "1-5/2", "1/2/3", "*-5", "mon", "MON-FRI", "fri-mon", "jan",
		"JAN-DEC", "foo", "mon-", "-mon", "1,,2", ",5", "1,99", "", "x"}
	for i := range cronFields {
		for _, item := range items {
			if item == "" {
				continue
			}
			fields := []string{"*", "*", "*", "*", "*"}
			fields[i] = item
			spec := strings.Join(fields, " ")
			_, rerr := parser.Parse(spec)
			p := fieldProblem(spec)
			if (rerr != nil) != (p != "") {
				t.Errorf("%q: robfig says %v, fieldProblem says %q", spec, rerr, p)
			}
			if p != "" && !strings.Contains(p, cronFields[i].name) {
				t.Errorf("%q: %q does not name the %s", spec, p, cronFields[i].name)
			}
		}
	}
}

// TestBackwardsRangeAdviceKeepsTheMeaning follows the advice for a range that runs backwards and
// checks the schedule it gives fires at the wrap-around the user meant, not at the part of the
// field between the two ends (what "put the lower end first" used to give).
func TestBackwardsRangeAdviceKeepsTheMeaning(t *testing.T) {
	t.Parallel()
	tests := []struct {
		spec, rng string
		want      []int // the hours fired at in a day, or the weekdays at 9:00 in a week
		weekdays  bool
	}{
		{"0 22-2 * * *", "22-2", []int{22, 23, 0, 1, 2}, false},
		{"0 9 * * 5-1", "5-1", []int{5, 6, 0, 1}, true},
		{"0 9 * * SAT-MON", "SAT-MON", []int{6, 0, 1}, true},
		{"0 22-2/2 * * *", "22-2/2", []int{22, 0, 2}, false},
		{"0 3-2/6 * * *", "3-2/6", []int{3, 9, 15, 21}, false},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			_, err := Parse(tt.spec, "")
			if err == nil {
				t.Fatal("accepted")
			}
			_, advice, ok := strings.Cut(err.Error(), "two ranges, ")
			if !ok {
				_, advice, ok = strings.Cut(err.Error(), "as a list, ")
			}
			if !ok {
				t.Fatalf("no two-range or list advice in %q", err)
			}
			advice, _, _ = strings.Cut(advice, ";")
			fixed := strings.Replace(tt.spec, tt.rng, advice, 1)
			tab, err := Parse(fixed, "")
			if err != nil {
				t.Fatalf("the advice %q gives %q, which is refused: %v", advice, fixed, err)
			}
			got := map[int]bool{}
			// From a Sunday midnight, one week of firings.
			from := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC).Add(-time.Minute)
			for at := tab.Next(from); at.Before(from.AddDate(0, 0, 7)); at = tab.Next(at) {
				if tt.weekdays {
					got[int(at.Weekday())] = true
				} else {
					got[at.Hour()] = true
				}
			}
			if len(got) != len(tt.want) {
				t.Errorf("%q fires at %v, want %v", fixed, got, tt.want)
			}
			for _, w := range tt.want {
				if !got[w] {
					t.Errorf("%q does not fire at %d (fires at %v), want %v", fixed, w, got, tt.want)
				}
			}
		})
	}
}
