package main

import (
	"os"
	"strings"
	"testing"
)

// FuzzConfig feeds the config parser arbitrary TOML and PYQBOT_ environment variables. It must
// never panic, must be deterministic, a config it accepts must be usable (a zone, a positive
// grace, schedules), and no variable's value is ever in an error (it may be a token).
// Run: go test -run XXX -fuzz FuzzConfig -fuzztime 30s .
func FuzzConfig(f *testing.F) {
	example, err := os.ReadFile("config.example.toml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(example), "")
	f.Add("", "PYQBOT_SLACK_ENABLED=true\nPYQBOT_SLACK_BOT_TOKEN=xoxb-1")
	f.Add("[bot]\ntimezone = \"Europe/Berlin\"\ngrace = \"90m\"\n", "PYQBOT_SLAK_ENABLED=true")
	f.Add("[[schedule]]\njob = \"post\"\nspec = \"0 9 * * 1-5\"\n[[schedule]]\njob = \"debug\"\nspec = \"0 10 * * 3\"\nhint_offsets = [\"2h\"]\n",
		"PYQBOT_CONTENT_DIRS=a, b,,c\nPYQBOT_HTTP_ENABLED=maybe")
	f.Add("[log]\nlevel = \"warn\"\nformat = \"json\"\n[storage]\npath = 3\n", "PYQBOT_LOG_LEVEL=loud\nPYQBOT_SCHEDULE_JOB=x")
	f.Fuzz(func(t *testing.T, src, envText string) {
		env := map[string]string{}
		var environ []string
		for _, line := range strings.Split(envText, "\n") {
			name, value, ok := strings.Cut(line, "=")
			if !ok || name == "" {
				continue
			}
			if !strings.HasPrefix(name, "PYQBOT_") {
				name = "PYQBOT_" + name
			}
			env[name] = value
			environ = append(environ, name+"="+value)
		}
		getenv := func(k string) string { return env[k] }
		// A value that is also part of a variable's name (PYQBOT_loud=… and PYQBOT_LOG_LEVEL=loud)
		// may be shown as that name.
		var names strings.Builder
		for name := range env {
			names.WriteString(name + " ")
		}
		inNames := func(v string) bool { return strings.Contains(names.String(), v) }
		c, err := parseConfig("fuzz.toml", []byte(src), getenv)
		again, err2 := parseConfig("fuzz.toml", []byte(src), getenv)
		if (err == nil) != (err2 == nil) || (err != nil && err.Error() != err2.Error()) {
			t.Fatalf("not deterministic: %v, then %v", err, err2)
		}
		if err == nil {
			if c.defaultZone == nil || c.grace <= 0 || len(c.schedules) == 0 || again.Storage.Path != c.Storage.Path {
				t.Fatalf("accepted an unusable config: zone %v, grace %v, %d schedules", c.defaultZone, c.grace, len(c.schedules))
			}
		}
		if err != nil {
			// Values from the environment are never repeated (a token set in the wrong variable);
			// a value the file also holds may be the file's, which is shown with its line.
			for name, value := range env {
				if len(value) >= 8 && !strings.Contains(src, value) && !inNames(value) &&
					!strings.Contains(knownText, value) && strings.Contains(err.Error(), value) {
					t.Fatalf("the error shows the value of %s: %v", name, err)
				}
			}
		}
		if err := checkEnvNames(environ); err != nil {
			for name, value := range env {
				if len(value) >= 4 && !inNames(value) && strings.Contains(err.Error(), value) && !strings.Contains(knownText, value) {
					t.Fatalf("the error shows the value of %s: %v", name, err)
				}
			}
		}
	})
}

// knownText is every name the error may print, so a value that happens to be part of one (say
// "SLACK") is not taken for a leaked value.
var knownText = func() string {
	var b strings.Builder
	for _, k := range envKeys() {
		b.WriteString(k.name + " ")
	}
	return b.String() + strings.Join(otherEnv, " ") + " environment variable is not a pyqbot setting: did you mean ? " +
		"[[schedule]] entries can only be set in a config file the variables are PYQBOT_<SECTION>_<KEY> for the keys in config.example.toml, and  (unset it or fix its name)"
}()
