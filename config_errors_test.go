package main

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Bad config values are refused with the place to fix (file:line, or the environment variable), the
// key as written in the file, what it takes and, for a value from the file, the value: never the Go
// types the file was decoded into (before: "toml: cannot decode TOML integer into struct field
// struct { Timezone string …}.Grace of type string"), and never without the line.
func TestConfigErrorsSayWhereAndWhat(t *testing.T) {
	t.Parallel()
	const zoneHelp = `use an IANA name such as "Europe/Berlin", "America/New_York" or "UTC"`
	for _, tc := range []struct {
		name, toml string
		env        map[string]string
		want       string // the whole error; P is the file's path
	}{
		{name: "integer for a string", toml: "[bot]\ngrace = 3\n",
			want: `P:2: [bot] grace must be a string like "3h" (it is an integer)`},
		{name: "string for a list", toml: "# mine\n[content]\ndirs = \"../q3\"\n",
			want: `P:3: [content] dirs must be a list of strings like ["questions"] (it is a string)`},
		{name: "integer in a list", toml: "[content]\nexclude = [\"a\", 3]\n",
			want: `P:2: [content] exclude must be a list of strings (it has an integer in it)`},
		{name: "string for a bool in a schedule entry", toml: "[[schedule]]\njob = \"question\"\nspec = \"0 9 * * *\"\nenabled = \"no\"\n",
			want: `P:4: [[schedule]] enabled must be true or false (it is a string)`},
		{name: "string for an optional bool", toml: "[http]\nenabled = \"yes\"\n",
			want: `P:2: [http] enabled must be true or false (it is a string)`},
		{name: "value for a table", toml: "bot = 3\n", want: `P:1: bot must be a table (it is an integer)`},
		{name: "unknown zone", toml: "[bot]\n\ntimezone = \"Mars/Base\"\n",
			want: `P:3: [bot] timezone: "Mars/Base" is not a time zone: ` + zoneHelp},
		{name: "the server's zone", toml: "[bot]\ntimezone = \"Local\"\n",
			want: `P:2: [bot] timezone: time zone "Local" depends on the server's settings: use an IANA name such as "Europe/Berlin" or "UTC"`},
		{name: "the server's zone from the environment", env: map[string]string{"PYQBOT_BOT_TIMEZONE": "Local"},
			want: `PYQBOT_BOT_TIMEZONE ([bot] timezone) is not a time zone pyqbot can use: use an IANA name such as "Europe/Berlin" or "UTC" (not "Local", which is whatever the server is set to)`},
		{name: "env over the file names the variable", toml: "[bot]\ntimezone = \"UTC\"\n", env: map[string]string{"PYQBOT_BOT_TIMEZONE": "Mars/Base"},
			want: `PYQBOT_BOT_TIMEZONE ([bot] timezone) is not a time zone pyqbot can use: use an IANA name such as "Europe/Berlin" or "UTC" (not "Local", which is whatever the server is set to)`},
		{name: "bad grace", toml: "[bot]\ngrace = \"forever\"\n",
			want: `P:2: [bot] grace = "forever" is not a positive duration: use Go's form, such as "3h" or "90m"`},
		{name: "bad grace from the environment", env: map[string]string{"PYQBOT_BOT_GRACE": "forever"},
			want: `PYQBOT_BOT_GRACE ([bot] grace) is not a positive duration: use Go's form, such as "3h" or "90m"`},
		{name: "bad level", toml: "[log]\nformat = \"text\"\nlevel = \"verbose\"\n",
			want: `P:3: [log] level = "verbose" is not a level: use debug, info, warn or error`},
		{name: "bad reveal time", toml: "[bot]\nreveal_time = \"5pm\"\n",
			want: `P:2: [bot] reveal_time = "5pm" is not a time: use 24-hour HH:MM, such as "17:00"`},
		{name: "blank console user", toml: "[console]\nuser = \"  \"\n",
			want: `P:2: [console] user = "  " cannot name a player: ` + consoleUserHelp},
		{name: "console user with a control character", toml: "[console]\nuser = \"a\\u0001b\"\n",
			want: `P:2: [console] user = "a\x01b" cannot name a player: ` + consoleUserHelp},
		{name: "console user from the environment", env: map[string]string{"PYQBOT_CONSOLE_USER": "a\x01b"},
			want: `PYQBOT_CONSOLE_USER ([console] user) cannot name a player: ` + consoleUserHelp},
		{name: "empty console user is unset", toml: "[console]\nuser = \"\"\n"},
		{name: "listen not an address", toml: "[http]\nenabled = true\nlisten = \"nope\"\n",
			want: `P:3: [http] listen is not a host:port address: use e.g. "127.0.0.1:8080" or ":8080"`},
		{name: "listen from the environment", env: map[string]string{"PYQBOT_HTTP_LISTEN": "nope"},
			want: `PYQBOT_HTTP_LISTEN ([http] listen) is not a host:port address: use e.g. "127.0.0.1:8080" or ":8080"`},
		{name: "schedule entry on its header's line", toml: "[[schedule]]\njob = \"question\"\nspec = \"0 9 * * *\"\n\n[[schedule]]\njob = \"reveal\"\nspec = \"0 17 * * *\"\nzone = \"Mars/Base\"\n",
			want: `P:5: [[schedule]] entry 2 (job "reveal"): "Mars/Base" is not a time zone: ` + zoneHelp},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "pyqbot.toml")
			if err := os.WriteFile(path, []byte(tc.toml), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := loadConfigEnv(path, func(k string) string { return tc.env[k] })
			switch want := strings.ReplaceAll(tc.want, "P:", path+":"); {
			case want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case want != "" && (err == nil || err.Error() != want):
				t.Fatalf("error\n %v\nwant\n %s", err, want)
			}
		})
	}
}

// A console user the engine would refuse as every command's sender stops the start, before the
// banner: before, the session started and replied "I could not tell who sent that command" (or "an
// identifier pyqbot cannot use") to everything, then exited 0. A bad listen address or a busy port
// is found before the banner too, naming the file and line. Flags exit 2, the config 1.
func TestStartUpRefusesWhatWouldFailLater(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "x.db")
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { busy.Close() })
	blank := writeFile(t, "user.toml", "[console]\nuser = \"  \"\n")
	nope := writeFile(t, "nope.toml", "[http]\nenabled = true\nlisten = \"nope\"\n")
	taken := writeFile(t, "busy.toml", "[http]\nenabled = true\nlisten = \""+busy.Addr().String()+"\"\n")
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		code int
		want string // the whole of stderr
	}{
		{name: "control character in --user", args: []string{"console", "--db", db, "--user", "a\x01b"}, code: 2,
			want: `pyqbot console: --user "a\x01b" cannot name a player: ` + consoleUserHelp + "\n"},
		{name: "blank --user", args: []string{"run", "--db", db, "--user", "  "}, code: 2,
			want: `pyqbot run: --user "  " cannot name a player: ` + consoleUserHelp + "\n"},
		{name: "blank [console] user", args: []string{"console", "--db", db, "--config", blank}, code: 1,
			want: "pyqbot: " + blank + `:2: [console] user = "  " cannot name a player: ` + consoleUserHelp + "\n"},
		{name: "PYQBOT_CONSOLE_USER", args: []string{"console", "--db", db}, env: map[string]string{"PYQBOT_CONSOLE_USER": "a\x01b"}, code: 1,
			want: "pyqbot: PYQBOT_CONSOLE_USER ([console] user) cannot name a player: " + consoleUserHelp + "\n"},
		{name: "listen not an address", args: []string{"console", "--db", db, "--config", nope}, code: 1,
			want: "pyqbot: " + nope + `:3: [http] listen is not a host:port address: use e.g. "127.0.0.1:8080" or ":8080"` + "\n"},
		{name: "port in use", args: []string{"console", "--db", db, "--config", taken}, code: 1,
			want: "pyqbot: " + taken + ":3: [http] listen: cannot listen on " + busy.Addr().String() +
				": bind: address already in use (stop what uses it or change the address)\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			m := &Main{Stdin: strings.NewReader("/pyq help\n"), Stdout: &stdout, Stderr: &stderr, Getenv: func(k string) string { return tc.env[k] }}
			code := m.Run(context.Background(), tc.args)
			if code != tc.code || stderr.String() != tc.want {
				t.Errorf("exit %d, stderr\n %q\nwant exit %d, stderr\n %q", code, stderr.String(), tc.code, tc.want)
			}
			if stdout.Len() != 0 {
				t.Errorf("started before refusing: stdout %q", stdout.String())
			}
		})
	}
}

// An empty console user falls back to $USER, then "you"; a $USER the engine cannot use is skipped.
func TestConsoleUserFallsBack(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ flag, config, env, want string }{
		{want: "you"},
		{env: "ann", want: "ann"},
		{env: " ", want: "you"},
		{config: "bo", env: "ann", want: "bo"},
		{flag: "cy", config: "bo", env: "ann", want: "cy"},
	} {
		m := &Main{Getenv: func(k string) string {
			if k == "USER" {
				return tc.env
			}
			return ""
		}}
		cfg := defaultConfig()
		cfg.Console.User = tc.config
		if got := m.consoleUser(cfg, tc.flag); got != tc.want {
			t.Errorf("%+v: user %q, want %q", tc, got, tc.want)
		}
	}
}
