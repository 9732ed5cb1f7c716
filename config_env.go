package main

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// applyEnv sets keys from the environment over the file: PYQBOT_<SECTION>_<KEY>, such as
// PYQBOT_SLACK_ENABLED=true, PYQBOT_HTTP_LISTEN=0.0.0.0:8080 or PYQBOT_STORAGE_PATH=/data/pyqbot.db,
// so a container needs no config file. Strings, booleans (true/false) and lists (comma-separated)
// can be set; [[schedule]] entries only in a file. An empty variable counts as unset.
func (c *Config) applyEnv(getenv func(string) string) error {
	v := reflect.ValueOf(c).Elem()
	for i := range v.NumField() {
		sec := v.Type().Field(i)
		section := tomlKey(sec)
		if section == "" || sec.Type.Kind() != reflect.Struct {
			continue
		}
		for j := range sec.Type.NumField() {
			f := sec.Type.Field(j)
			key := tomlKey(f)
			if key == "" {
				continue
			}
			name := "PYQBOT_" + strings.ToUpper(section+"_"+key)
			raw := strings.TrimSpace(getenv(name))
			if raw == "" {
				continue
			}
			if err := setFromEnv(v.Field(i).Field(j), name, raw); err != nil {
				return err
			}
		}
	}
	return nil
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
			return false, fmt.Errorf("environment variable %s = %q: use true or false", name, raw)
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
