// Command pyqbot runs the Python interview-prep bot: `pyqbot` plays in the terminal until a chat
// platform is configured. `pyqbot help` lists the subcommands.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // channel zones must load in a minimal container without /usr/share/zoneinfo
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The first SIGINT/SIGTERM stops new work and lets what is in flight finish (an answer being
	// recorded is committed or refused, never half-written); a second one exits at once.
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	go func() {
		sig := <-signals
		fmt.Fprintf(os.Stderr, "pyqbot: %s: finishing what is in flight (send it again to exit at once)\n", sig)
		cancel()
		<-signals
		fmt.Fprintln(os.Stderr, "pyqbot: exiting at once")
		os.Exit(1)
	}()
	m := &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
	os.Exit(m.Run(ctx, os.Args[1:]))
}

// Main is the program with its world passed in, so tests can run it in-process.
type Main struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
}

// errUsage means the command line was wrong; the usage has been printed and the exit code is 2.
var errUsage = errors.New("usage")

// Run runs one command line and returns the process exit code.
func (m *Main) Run(ctx context.Context, args []string) int {
	err := m.dispatch(ctx, args)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errUsage):
		return 2
	case errors.Is(err, errFailed):
		return 1
	default:
		fmt.Fprintln(m.Stderr, "pyqbot:", err)
		return 1
	}
}

// errFailed means the command already reported its failure (e.g. lint problems); exit 1 quietly.
var errFailed = errors.New("failed")

func (m *Main) dispatch(ctx context.Context, args []string) error {
	name := "run"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		name, args = args[0], args[1:]
	}
	switch name {
	case "run":
		return m.runCmd(ctx, args, false)
	case "console":
		return m.runCmd(ctx, args, true)
	case "content":
		return m.contentCmd(ctx, args)
	case "backup":
		return m.backupCmd(ctx, args)
	case "export":
		return m.exportCmd(ctx, args)
	case "healthcheck":
		return m.healthcheckCmd(ctx, args)
	case "version":
		if err := m.parse("version", "Prints the version.", args); err != nil {
			return ignoreHelp(err)
		}
		fmt.Fprintln(m.Stdout, "pyqbot", version)
		return nil
	case "help":
		if len(args) > 0 {
			return m.dispatch(ctx, []string{args[0], "--help"})
		}
		fmt.Fprint(m.Stdout, usage)
		return nil
	case "-h", "--help":
		fmt.Fprint(m.Stdout, usage)
		return nil
	default:
		fmt.Fprintf(m.Stderr, "pyqbot: unknown command %q\n\n%s", name, usage)
		return errUsage
	}
}

const usage = `pyqbot — a daily practical-Python drill for Slack, Discord and the terminal.

Usage:
  pyqbot [run] [--config FILE] [--db PATH]   run the bot (the terminal when no platform is enabled)
  pyqbot console [--config FILE] [--db PATH] [--user NAME]
                                            play in the terminal even when platforms are configured
  pyqbot content lint [--python PATH] [DIR…] check question files and prove answer keys with CPython
  pyqbot content export                      the question bank as JSON on standard output
  pyqbot content stats                       questions per kind, topic and difficulty
  pyqbot backup [--db PATH] FILE             copy the live database consistently (never overwrites)
  pyqbot export [--db PATH] [--format csv|json]
                                            every team answer with its score
  pyqbot healthcheck [--url URL]            exit 0 when a running pyqbot's /healthz says ok, else 1
  pyqbot version                             print the version
  pyqbot help [COMMAND]                      this text, or a command's flags

In the terminal, type /pyq commands as in Slack or Discord (/pyq help lists them),
/as NAME to switch who is typing, and /quit or end of input to leave.
`
