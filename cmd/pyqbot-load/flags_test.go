package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Bad flags are refused before any server starts, with the flag package's exit status 2 and a
// message naming the flag; before, a bad -only ran the set-up and exited 1.
func TestBadFlagsExitTwoNamingTheFlag(t *testing.T) {
	if args, ok := os.LookupEnv("PYQBOT_LOAD_ARGS"); ok {
		os.Args = append([]string{"pyqbot-load"}, strings.Fields(args)...)
		main()
		os.Exit(0) // main returned: the flags were taken
	}
	t.Parallel()
	for _, tc := range []struct{ args, says string }{
		{"-only bogus", `-only "bogus": say slash, buttons or discord`},
		{"-only slash,,discord", `-only "": say slash, buttons or discord`},
		{"-rounds 0", "-rounds, -n and -c must be positive"},
		{"-c -1", "-rounds, -n and -c must be positive"},
		{"stray", "it takes no arguments"},
	} {
		t.Run(tc.args, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(os.Args[0], "-test.run=^TestBadFlagsExitTwoNamingTheFlag$")
			cmd.Env = append(os.Environ(), "PYQBOT_LOAD_ARGS="+tc.args)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			err := cmd.Run()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 2 {
				t.Fatalf("pyqbot-load %s: %v, want exit status 2; stderr: %s", tc.args, err, stderr.String())
			}
			if !strings.Contains(stderr.String(), tc.says) {
				t.Errorf("pyqbot-load %s said %q, want it to say %q", tc.args, stderr.String(), tc.says)
			}
		})
	}
}
