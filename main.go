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
	m := &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, Environ: os.Environ}
	os.Exit(m.Run(ctx, os.Args[1:]))
}

// Main is the program with its world passed in, so tests can run it in-process.
type Main struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	// Environ lists the environment, to refuse misspelt PYQBOT_ variables; nil means none.
	Environ func() []string
}

// errUsage means the command line was wrong; the usage has been printed and the exit code is 2.
var errUsage = errors.New("usage")

// Run runs one command line and returns the process exit code.
func (m *Main) Run(ctx context.Context, args []string) int {
	err := m.dispatch(ctx, args)
	switch {
	case err == nil, errors.Is(err, errHelpShown):
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
