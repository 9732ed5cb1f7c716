package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/testkit"
)

// TestConfigSchedules: [[schedule]] entries become the channels' default jobs; a bad spec, zone, job
// or offset stops start-up with an error naming the file and the entry.
func TestConfigSchedules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, toml string
		wantErr    []string
		check      func(t *testing.T, c *Config)
	}{
		{name: "no entries: the issue's defaults", toml: "", check: func(t *testing.T, c *Config) {
			if len(c.schedules) != 4 || c.grace != 3*time.Hour {
				t.Errorf("schedules = %+v, grace %s", c.schedules, c.grace)
			}
		}},
		{name: "entries replace the defaults", toml: `
[bot]
grace = "90m"
[[schedule]]
job = "question"
spec = "CRON_TZ=Europe/Berlin 30 8 * * 1-5"
[[schedule]]
job = "debug"
spec = "0 11 * * 4"
zone = "America/New_York"
hint_offsets = ["1h", "3h30m"]
[[schedule]]
job = "leaderboard"
spec = "@weekly"
enabled = false
`, check: func(t *testing.T, c *Config) {
			if c.grace != 90*time.Minute {
				t.Errorf("grace = %s", c.grace)
			}
			want := []bot.Schedule{
				{Job: bot.JobQuestion, Spec: "CRON_TZ=Europe/Berlin 30 8 * * 1-5", Enabled: true},
				{Job: bot.JobDebug, Spec: "0 11 * * 4", Zone: "America/New_York", Enabled: true, HintOffsets: []time.Duration{time.Hour, 210 * time.Minute}},
				{Job: bot.JobLeaderboard, Spec: "@weekly"},
			}
			if len(c.schedules) != len(want) {
				t.Fatalf("schedules = %+v", c.schedules)
			}
			for i, w := range want {
				g := c.schedules[i]
				if g.Job != w.Job || g.Spec != w.Spec || g.Zone != w.Zone || g.Enabled != w.Enabled || len(g.HintOffsets) != len(w.HintOffsets) {
					t.Errorf("schedule %d = %+v, want %+v", i, g, w)
				}
			}
		}},
		{name: "spec out of range", toml: "[[schedule]]\njob = \"reveal\"\nspec = \"0 25 * * 1-5\"\n", wantErr: []string{"entry 1", `"reveal"`, "hour 25 is out of range 0–23; write an hour from 0 to 23"}},
		{name: "panicking spec", toml: "[[schedule]]\njob = \"question\"\nspec = \"TZ=\"\n", wantErr: []string{"[[schedule]] entry 1", `"question"`, `"TZ="`}},
		{name: "zone with no fields", toml: "[[schedule]]\njob = \"reveal\"\nspec = \"CRON_TZ=UTC\"\n", wantErr: []string{"entry 1", `"CRON_TZ=UTC"`}},
		{name: "bad zone", toml: "[[schedule]]\njob = \"question\"\nspec = \"0 9 * * *\"\n[[schedule]]\njob = \"reveal\"\nspec = \"0 17 * * *\"\nzone = \"Mars/Base\"\n", wantErr: []string{"entry 2", `"reveal"`, "Mars/Base"}},
		{name: "bad job", toml: "[[schedule]]\njob = \"quiz\"\nspec = \"0 9 * * *\"\n", wantErr: []string{"entry 1", `"quiz"`}},
		{name: "job twice", toml: "[[schedule]]\njob = \"question\"\nspec = \"0 9 * * *\"\n[[schedule]]\njob = \"question\"\nspec = \"0 10 * * *\"\n", wantErr: []string{"entry 2", "already scheduled by entry 1"}},
		{name: "bad offset", toml: "[[schedule]]\njob = \"debug\"\nspec = \"0 10 * * 3\"\nhint_offsets = [\"2 hours\"]\n", wantErr: []string{"entry 1", `hint_offsets: offset 1 ("2 hours") is not a positive duration`}},
		{name: "offsets on the wrong job", toml: "[[schedule]]\njob = \"question\"\nspec = \"0 9 * * *\"\nhint_offsets = [\"2h\"]\n", wantErr: []string{"only apply to the debug job"}},
		{name: "bad grace", toml: "[bot]\ngrace = \"soon\"\n", wantErr: []string{`:2: [bot] grace = "soon" is not a positive duration`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "pyqbot.toml")
			if err := os.WriteFile(path, []byte(tt.toml), 0o644); err != nil {
				t.Fatal(err)
			}
			c, err := loadConfig(path)
			want := tt.wantErr
			if len(want) > 0 {
				want = append(want, path) // every config error names the file
			}
			if testkit.WantError(t, err, want...) {
				return
			}
			tt.check(t, c)
		})
	}
}

// TestConfigExampleSchedulesLoad: the documented example config is valid as written.
func TestConfigExampleSchedulesLoad(t *testing.T) {
	t.Parallel()
	c, err := loadConfig("config.example.toml")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.schedules) != 4 || c.schedules[1].Job != bot.JobDebug || len(c.schedules[1].HintOffsets) != 2 {
		t.Errorf("example schedules = %+v", c.schedules)
	}
}

// reveal_time no longer changes anything, so setting it warns (naming the key and what to use) but an
// existing config still starts.
func TestRevealTimeIsDeprecatedNotFatal(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "pyqbot.toml")
	if err := os.WriteFile(path, []byte("[bot]\nreveal_time = \"18:00\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := loadConfig(path)
	if err != nil {
		t.Fatalf("a config with reveal_time must still load: %v", err)
	}
	if len(c.Warnings) != 1 || !strings.Contains(c.Warnings[0], "[bot] reveal_time is deprecated") || !strings.Contains(c.Warnings[0], `job \"reveal\"`) && !strings.Contains(c.Warnings[0], `job "reveal"`) {
		t.Errorf("warnings = %q", c.Warnings)
	}
	if c, _ := loadConfig("config.example.toml"); len(c.Warnings) != 0 {
		t.Errorf("the example config warns: %q", c.Warnings)
	}
}
