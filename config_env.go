package main

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/pyqbot/pyqbot/bot"
)

// applyEnv sets keys from the environment over the file: PYQBOT_<SECTION>_<KEY>, such as
// PYQBOT_SLACK_ENABLED=true, PYQBOT_HTTP_LISTEN=0.0.0.0:8080 or PYQBOT_STORAGE_PATH=/data/pyqbot.db,
// so a container needs no config file. Strings, booleans (true/false) and lists (comma-separated)
// can be set; [[schedule]] entries only in a file. An empty variable counts as unset.
func (c *Config) applyEnv(getenv func(string) string) error {
	v := reflect.ValueOf(c).Elem()
	for _, k := range envKeys() {
		raw := strings.TrimSpace(getenv(k.name))
		if raw == "" {
			continue
		}
		if err := setFromEnv(v.Field(k.section).Field(k.field), k.name, raw); err != nil {
			return err
		}
		if c.fromEnv == nil {
			c.fromEnv = map[string]string{}
		}
		c.fromEnv[k.key] = k.name // so an error about the value names the variable, not the file
	}
	return nil
}

// envKey is one config key settable from the environment: its variable and where it lives in Config.
type envKey struct {
	name           string
	key            string // dotted, as Config.where looks it up: "bot.grace"
	section, field int
}

// envKeys lists every PYQBOT_<SECTION>_<KEY> variable, read off Config's toml tags.
func envKeys() []envKey {
	t := reflect.TypeFor[Config]()
	var keys []envKey
	for i := range t.NumField() {
		sec := t.Field(i)
		section := tomlKey(sec)
		if section == "" || sec.Type.Kind() != reflect.Struct {
			continue // [[schedule]] entries are a list of tables: a file only
		}
		for j := range sec.Type.NumField() {
			if key := tomlKey(sec.Type.Field(j)); key != "" {
				keys = append(keys, envKey{name: "PYQBOT_" + strings.ToUpper(section+"_"+key), key: section + "." + key, section: i, field: j})
			}
		}
	}
	return keys
}

// otherEnv are the PYQBOT_ variables that are not config keys; README.md's "Environment
// variables" lists them. PYQBOT_TEST_ is a prefix left to tests.
var otherEnv = []string{"PYQBOT_CONFIG", "PYQBOT_PYTHON", "PYQBOT_REQUIRE_PYTHON", "PYQBOT_REQUIRE_POSTGRES"}

const testEnvPrefix = "PYQBOT_TEST_"

// checkEnvNames refuses PYQBOT_ variables that pyqbot does not read: PYQBOT_SLAK_ENABLED=true
// was ignored, and the bot played in the terminal instead of joining Slack. Each unknown name gets
// the nearest known one as a suggestion. Values are never shown: they may be secrets.
func checkEnvNames(environ []string) error {
	known := slices.Clone(otherEnv)
	for _, k := range envKeys() {
		known = append(known, k.name)
	}
	var problems []string
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, "PYQBOT_") || slices.Contains(known, name) || strings.HasPrefix(name, testEnvPrefix) {
			continue
		}
		msg := fmt.Sprintf("environment variable %s is not a pyqbot setting", name)
		if strings.HasPrefix(name, "PYQBOT_SCHEDULE_") {
			msg += ": [[schedule]] entries can only be set in a config file"
		} else if near, d := nearest(name, known); d <= 3 {
			msg += fmt.Sprintf(": did you mean %s?", near)
		} else {
			msg += ": the variables are PYQBOT_<SECTION>_<KEY> for the keys in config.example.toml, and " + strings.Join(otherEnv, ", ")
		}
		problems = append(problems, msg+" (unset it or fix its name)")
	}
	if len(problems) == 0 {
		return nil
	}
	slices.Sort(problems)
	return errors.New(strings.Join(problems, "\n"))
}

// nearest is the name in names closest to name by edit distance, and that distance.
func nearest(name string, names []string) (string, int) {
	best, bestD := "", -1
	for _, n := range names {
		if d := bot.EditDistance(name, n); bestD < 0 || d < bestD {
			best, bestD = n, d
		}
	}
	return best, bestD
}

func tomlKey(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
	if name == "-" || !f.IsExported() {
		return ""
	}
	return name
}

func setFromEnv(fv reflect.Value, name, raw string) error {
	parseBool := func() (bool, error) {
		b, err := strconv.ParseBool(raw)
		if err != nil {
			// The value is not shown: a token pasted into the wrong variable would land in the log.
			return false, fmt.Errorf("environment variable %s is not true or false: set it to one of them", name)
		}
		return b, nil
	}
	switch {
	case fv.Kind() == reflect.String:
		fv.SetString(raw)
	case fv.Kind() == reflect.Bool:
		b, err := parseBool()
		if err != nil {
			return err
		}
		fv.SetBool(b)
	case fv.Kind() == reflect.Pointer && fv.Type().Elem().Kind() == reflect.Bool:
		b, err := parseBool()
		if err != nil {
			return err
		}
		fv.Set(reflect.ValueOf(&b))
	case fv.Kind() == reflect.Slice && fv.Type().Elem().Kind() == reflect.String:
		var items []string
		for _, s := range strings.Split(raw, ",") {
			if s = strings.TrimSpace(s); s != "" {
				items = append(items, s)
			}
		}
		fv.Set(reflect.ValueOf(items))
	}
	return nil
}
