package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/pelletier/go-toml/v2"

	"github.com/pyqbot/pyqbot/adapters/discord"
	"github.com/pyqbot/pyqbot/adapters/slack"
	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/tomlerr"
	"github.com/pyqbot/pyqbot/schedule"
)

// Config is the TOML configuration; config.example.toml documents every key.
// defaultRevealTime is [bot] reveal_time's default; any other value draws the deprecation warning.
const defaultRevealTime = "17:00"

type Config struct {
	// Warnings are problems that do not stop the bot (deprecated keys); run logs each once.
	Warnings []string `toml:"-"`
	Storage  struct {
		Path string `toml:"path"` // SQLite file; "./pyqbot.db" when neither path nor url is set
		URL  string `toml:"url"`  // postgres://… selects PostgreSQL (config_storage.go)
	} `toml:"storage"`
	Bot struct {
		Timezone   string `toml:"timezone"`
		RevealTime string `toml:"reveal_time"`
		Grace      string `toml:"grace"`
		// ShutdownGrace is how long a stop signal waits for work in flight; see supervise.go.
		ShutdownGrace string `toml:"shutdown_grace"`
	} `toml:"bot"`
	Schedule []ScheduleConfig `toml:"schedule"`
	Content  struct {
		Dirs    []string `toml:"dirs"`
		Exclude []string `toml:"exclude"`
	} `toml:"content"`
	Console struct {
		User string `toml:"user"`
	} `toml:"console"`
	Log struct {
		Level  string `toml:"level"`
		Format string `toml:"format"`
	} `toml:"log"`
	HTTP struct {
		Listen string `toml:"listen"`
		// Enabled says whether /healthz and /metrics are served: true always, false never, unset
		// (nil) when a Slack or Discord adapter runs, so a terminal session opens no port.
		Enabled *bool `toml:"enabled"`
	} `toml:"http"`
	Slack   slack.Config   `toml:"slack"`
	Discord discord.Config `toml:"discord"`

	path        string
	lines       map[string]int    // the line of each key in the file, by dotted key (tomlerr.Lines)
	fromEnv     map[string]string // the variable that set a key, by dotted key (applyEnv)
	revealHour  int
	revealMin   int
	defaultZone *time.Location
	grace       time.Duration
	shutdown    time.Duration
	schedules   []bot.Schedule
}

// ScheduleConfig is one [[schedule]] entry: a job every channel gets when the bot first sees it.
type ScheduleConfig struct {
	Job         string   `toml:"job"`
	Spec        string   `toml:"spec"`
	Zone        string   `toml:"zone"`
	Enabled     *bool    `toml:"enabled"`
	HintOffsets []string `toml:"hint_offsets"`
}

func defaultConfig() *Config {
	c := &Config{}
	c.Bot.Timezone = "UTC"
	c.Bot.RevealTime = defaultRevealTime
	c.Bot.Grace = "3h"
	c.Bot.ShutdownGrace = defaultShutdownGrace
	c.Log.Level = "" // info, or warn when the terminal is the only platform (see Main.logger)
	c.Log.Format = "text"
	c.HTTP.Listen = "127.0.0.1:8080"
	return c
}

// loadConfig reads path over the defaults (path may be empty: defaults only) and checks it.
// Errors name the file and line and say what to fix.
func loadConfig(path string) (*Config, error) { return loadConfigEnv(path, nil) }

// DefaultConfigPath is read when neither --config nor PYQBOT_CONFIG names a file and it exists:
// the container's place for a mounted config.
const DefaultConfigPath = "/etc/pyqbot/config.toml"

// configPath is the file to read: flagPath, else $PYQBOT_CONFIG, else DefaultConfigPath when it
// exists, else none (the defaults and the environment).
func configPath(flagPath string, getenv func(string) string) string {
	if flagPath != "" {
		return flagPath
	}
	if p := getenv("PYQBOT_CONFIG"); p != "" {
		return p
	}
	if st, err := os.Stat(DefaultConfigPath); err == nil && !st.IsDir() {
		return DefaultConfigPath
	}
	return ""
}

// loadConfigEnv is loadConfig with PYQBOT_SECTION_KEY environment variables applied over the
// file (see applyEnv); getenv may be nil.
func loadConfigEnv(path string, getenv func(string) string) (*Config, error) {
	var src []byte
	if path != "" {
		var err error
		if src, err = os.ReadFile(path); err != nil {
			return nil, fmt.Errorf("read config: %w (check the --config path)", err)
		}
	}
	return parseConfig(path, src, getenv)
}

// parseConfig is loadConfigEnv once the file is read: src is the file at path ("" for none).
func parseConfig(path string, src []byte, getenv func(string) string) (*Config, error) {
	c := defaultConfig()
	c.path = path
	if path != "" {
		dec := toml.NewDecoder(bytes.NewReader(src)).DisallowUnknownFields()
		if err := dec.Decode(c); err != nil {
			return nil, configDecodeError(path, err, c)
		}
		c.lines = tomlerr.Lines(src)
		c.Content.Dirs = resolveDirs(filepath.Dir(path), c.Content.Dirs)
	}
	if getenv != nil { // values from the environment stay relative to the working directory
		if err := c.applyEnv(getenv); err != nil {
			return nil, err
		}
	}
	if err := c.check(); err != nil {
		return nil, err
	}
	return c, nil
}

// resolveDirs makes the relative [content] dirs of a config file relative to the file's directory,
// so a config mounted at /etc/pyqbot/config.toml means what it says wherever pyqbot starts.
func resolveDirs(base string, dirs []string) []string {
	out := make([]string, len(dirs))
	for i, d := range dirs {
		if d != "" && !filepath.IsAbs(d) {
			d = filepath.Join(base, d)
		}
		out[i] = d
	}
	return out
}

// configExamples are what a right value looks like, for the keys whose type alone does not say.
var configExamples = tomlerr.Examples{
	"bot.timezone": `"Europe/Berlin"`, "bot.reveal_time": `"17:00"`, "bot.grace": `"3h"`,
	"bot.shutdown_grace": `"8s"`, "http.listen": `"127.0.0.1:8080"`, "log.level": `"info"`,
	"content.dirs": `["questions"]`, "schedule.spec": `"0 9 * * 1-5"`, "schedule.hint_offsets": `["2h", "4h"]`,
}

// configDecodeError is err (from decoding path into c) in users' words: a value of the wrong
// type says which key, what it should be and what it is, never the Go types it was decoded into.
func configDecodeError(path string, err error, c *Config) error {
	if line, msg, ok := tomlerr.Describe(err, c, configExamples); ok {
		return fmt.Errorf("%s:%d: %s", path, line, msg)
	}
	var strict *toml.StrictMissingError
	if errors.As(err, &strict) {
		var lines []string
		for _, e := range strict.Errors {
			line, _ := e.Position()
			lines = append(lines, fmt.Sprintf("%s:%d: unknown key %q: remove it or fix its spelling (config.example.toml lists every key)",
				path, line, strings.Join(e.Key(), ".")))
		}
		return errors.New(strings.Join(lines, "\n"))
	}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		line, _ := de.Position()
		return fmt.Errorf("%s:%d: %s", path, line, de.Error())
	}
	return fmt.Errorf("%s: %w", path, err)
}

// platforms are the adapters a run starts: the enabled chat platforms, else the terminal.
func (c *Config) platforms(forceConsole bool) []string {
	var out []string
	if !forceConsole && c.Slack.Enabled {
		out = append(out, slack.Platform)
	}
	if !forceConsole && c.Discord.Enabled {
		out = append(out, "discord")
	}
	if len(out) == 0 {
		out = append(out, "console")
	}
	return out
}

// where names a key for an error, as written in the file ("[bot] grace", "[[schedule]] entry 2"):
// after the environment variable that set it, or after the file and its line (the file alone when
// the key is not in it: a default).
func (c *Config) where(key string) string {
	if name := c.fromEnv[dottedKey(key)]; name != "" {
		return fmt.Sprintf("%s (%s)", name, key)
	}
	return c.whereInFile(key)
}

// whereInFile is where for a message that names the variables itself.
func (c *Config) whereInFile(key string) string {
	dotted := dottedKey(key)
	if c.path == "" {
		return key
	}
	if line := c.lines[dotted]; line > 0 {
		return fmt.Sprintf("%s:%d: %s", c.path, line, key)
	}
	return fmt.Sprintf("%s: %s", c.path, key)
}

// whereValue is where with the wrong value quoted, as the file has it. A value from the environment
// is not shown: one set in the wrong variable may be a token (see TestConfigErrorsNeverShowTheValue),
// and the variable's name says where to look. Nor is a value in the file shaped like a token,
// pasted under the wrong key.
func (c *Config) whereValue(key, value string) string {
	if c.fromEnv[dottedKey(key)] != "" {
		return c.where(key)
	}
	if tokenShaped(value) {
		return fmt.Sprintf("%s (a %d-character value, not shown: it looks like a token or secret; is it under the right key?)", c.where(key), len(value))
	}
	return fmt.Sprintf("%s = %q", c.where(key), value)
}

// tokenShaped reports a value that could be a credential: long, without spaces, with letters and
// digits (Slack's xoxb-… tokens, Discord's, a signing secret's hex). What these keys take (levels,
// durations, times, zone names, a player's name) is short, spaced or has no digits.
func tokenShaped(v string) bool {
	return len(v) > 16 && !strings.ContainsAny(v, " /") && strings.ContainsAny(v, "0123456789") &&
		strings.IndexFunc(v, unicode.IsLetter) >= 0
}

// dottedKey is "[bot] grace" as tomlerr.Lines keys it, "bot.grace"; "[[schedule]] entry 2" is
// "schedule.1", the entry's header.
func dottedKey(key string) string {
	section, name, _ := strings.Cut(key, " ")
	section = strings.Trim(section, "[]")
	if n, ok := strings.CutPrefix(name, "entry "); ok {
		if i, err := strconv.Atoi(n); err == nil {
			return fmt.Sprintf("%s.%d", section, i-1)
		}
	}
	return section + "." + name
}

func (c *Config) check() error {
	if c.Bot.Timezone == "" {
		return fmt.Errorf("%s is empty: use an IANA name such as \"Europe/Berlin\" or \"UTC\"", c.where("[bot] timezone"))
	}
	// The check schedules and /pyq schedule zone use: "Local" is refused as the server's, not a zone.
	if err := schedule.CheckZone(c.Bot.Timezone); err != nil {
		if c.fromEnv["bot.timezone"] != "" || tokenShaped(c.Bot.Timezone) { // CheckZone's message quotes the value: see whereValue
			return fmt.Errorf("%s is not a time zone pyqbot can use: use an IANA name such as \"Europe/Berlin\" or \"UTC\" "+
				"(not \"Local\", which is whatever the server is set to)", c.where("[bot] timezone"))
		}
		return fmt.Errorf("%s: %v", c.where("[bot] timezone"), err)
	}
	c.defaultZone, _ = time.LoadLocation(c.Bot.Timezone)
	t, err := time.Parse("15:04", c.Bot.RevealTime)
	if err != nil {
		return fmt.Errorf("%s is not a time: use 24-hour HH:MM, such as \"17:00\"", c.whereValue("[bot] reveal_time", c.Bot.RevealTime))
	}
	c.revealHour, c.revealMin = t.Hour(), t.Minute()
	if c.Bot.RevealTime != defaultRevealTime {
		// Kept loadable so existing configs start, but it no longer changes anything players see:
		// the channel's reveal job decides when a question is revealed, and that is what is shown.
		c.Warnings = append(c.Warnings, fmt.Sprintf("%s is deprecated and has no effect: questions are revealed, and players are told so, "+
			"when the channel's reveal job runs; set that with a [[schedule]] entry for job \"reveal\" (e.g. spec = \"0 %d * * 1-5\") "+
			"or /pyq schedule set reveal, and remove reveal_time", c.where("[bot] reveal_time"), c.revealHour))
	}
	if err := c.checkSchedules(); err != nil {
		return err
	}
	if c.shutdown, err = parseShutdownGrace(c.whereValue("[bot] shutdown_grace", c.Bot.ShutdownGrace), c.Bot.ShutdownGrace); err != nil {
		return err
	}
	if err := c.checkStorage(); err != nil {
		return err
	}
	switch c.Log.Level {
	case "", "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("%s is not a level: use debug, info, warn or error", c.whereValue("[log] level", c.Log.Level))
	}
	switch c.Log.Format {
	case "text", "json":
	default:
		return fmt.Errorf("%s is not a format: use text or json", c.whereValue("[log] format", c.Log.Format))
	}
	if err := c.checkConsoleUser(); err != nil {
		return err
	}
	return c.checkListen()
}

// checkSchedules reads [bot] grace and the [[schedule]] entries. No entries means the defaults of
// bot.DefaultSchedules. A bad spec, zone, job or offset names the file and the entry.
func (c *Config) checkSchedules() error {
	g, err := time.ParseDuration(c.Bot.Grace)
	if err != nil || g <= 0 {
		return fmt.Errorf("%s is not a positive duration: use Go's form, such as \"3h\" or \"90m\"", c.whereValue("[bot] grace", c.Bot.Grace))
	}
	c.grace = g
	if len(c.Schedule) == 0 {
		c.schedules = bot.DefaultSchedules()
		return nil
	}
	seen := map[bot.Job]int{}
	c.schedules = nil
	for i, e := range c.Schedule {
		where := c.where(fmt.Sprintf("[[schedule]] entry %d", i+1))
		job, err := bot.ParseJob(e.Job)
		if err != nil {
			return fmt.Errorf("%s: job: %v", where, err)
		}
		where += fmt.Sprintf(" (job %q)", job)
		if prev, dup := seen[job]; dup {
			return fmt.Errorf("%s: job %q is already scheduled by entry %d: a channel has one schedule per job", where, job, prev)
		}
		seen[job] = i + 1
		if _, err := schedule.Parse(e.Spec, e.Zone); err != nil {
			return fmt.Errorf("%s: %v", where, err)
		}
		s := bot.Schedule{Job: job, Spec: e.Spec, Zone: e.Zone, Enabled: e.Enabled == nil || *e.Enabled}
		if len(e.HintOffsets) > 0 && job != bot.JobDebug {
			return fmt.Errorf("%s: hint_offsets only apply to the debug job: remove them", where)
		}
		if job == bot.JobDebug {
			s.HintOffsets = append([]time.Duration(nil), bot.DefaultHintOffsets...)
			if e.HintOffsets != nil {
				s.HintOffsets = nil
				for j, o := range e.HintOffsets {
					d, err := time.ParseDuration(o)
					if err != nil || d <= 0 {
						return fmt.Errorf("%s: hint_offsets: offset %d (%q) is not a positive duration: use Go's form, such as \"2h\" or \"90m\"", where, j+1, o)
					}
					s.HintOffsets = append(s.HintOffsets, d)
				}
			}
		}
		c.schedules = append(c.schedules, s)
	}
	return nil
}
