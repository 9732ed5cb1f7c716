package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"
)

// Config is the TOML configuration; config.example.toml documents every key.
type Config struct {
	Storage struct {
		Path string `toml:"path"`
	} `toml:"storage"`
	Bot struct {
		Timezone   string `toml:"timezone"`
		RevealTime string `toml:"reveal_time"`
	} `toml:"bot"`
	Content struct {
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
	} `toml:"http"`
	Slack struct {
		Enabled bool `toml:"enabled"`
	} `toml:"slack"`
	Discord struct {
		Enabled bool `toml:"enabled"`
	} `toml:"discord"`

	path        string
	revealHour  int
	revealMin   int
	defaultZone *time.Location
}

func defaultConfig() *Config {
	c := &Config{}
	c.Storage.Path = "./pyqbot.db"
	c.Bot.Timezone = "UTC"
	c.Bot.RevealTime = "17:00"
	c.Log.Level = "info"
	c.Log.Format = "text"
	c.HTTP.Listen = "127.0.0.1:8080"
	return c
}

// loadConfig reads path over the defaults (path may be empty: defaults only) and checks it.
// Errors name the file and line and say what to fix.
func loadConfig(path string) (*Config, error) {
	c := defaultConfig()
	c.path = path
	if path != "" {
		src, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("read config: %w (check the --config path)", err)
		}
		dec := toml.NewDecoder(bytes.NewReader(src)).DisallowUnknownFields()
		if err := dec.Decode(c); err != nil {
			return nil, configDecodeError(path, err)
		}
	}
	if err := c.check(); err != nil {
		return nil, err
	}
	return c, nil
}

func configDecodeError(path string, err error) error {
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

func (c *Config) where(key string) string {
	if c.path == "" {
		return key
	}
	return fmt.Sprintf("%s: %s", c.path, key)
}

func (c *Config) check() error {
	loc, err := time.LoadLocation(c.Bot.Timezone)
	if err != nil || c.Bot.Timezone == "" {
		return fmt.Errorf("%s = %q is not a time zone: use an IANA name such as \"Europe/Berlin\" or \"UTC\"", c.where("[bot] timezone"), c.Bot.Timezone)
	}
	c.defaultZone = loc
	t, err := time.Parse("15:04", c.Bot.RevealTime)
	if err != nil {
		return fmt.Errorf("%s = %q is not a time: use 24-hour HH:MM, such as \"17:00\"", c.where("[bot] reveal_time"), c.Bot.RevealTime)
	}
	c.revealHour, c.revealMin = t.Hour(), t.Minute()
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("%s = %q: use debug, info, warn or error", c.where("[log] level"), c.Log.Level)
	}
	switch c.Log.Format {
	case "text", "json":
	default:
		return fmt.Errorf("%s = %q: use text or json", c.where("[log] format"), c.Log.Format)
	}
	if c.Slack.Enabled {
		return fmt.Errorf("%s = true, but this build has no Slack adapter yet: set it to false, or use `pyqbot console`", c.where("[slack] enabled"))
	}
	if c.Discord.Enabled {
		return fmt.Errorf("%s = true, but this build has no Discord adapter yet: set it to false, or use `pyqbot console`", c.where("[discord] enabled"))
	}
	return nil
}
