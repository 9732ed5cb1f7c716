package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// flagSet is a flag set whose usage can go to stdout (asked for with --help) or stderr (a mistake).
type flagSet struct {
	*flag.FlagSet
	name, summary string
}

// newFlags returns a flag set that reports errors through m and never exits by itself.
func (m *Main) newFlags(name, summary string) *flagSet {
	fs := &flagSet{FlagSet: flag.NewFlagSet(name, flag.ContinueOnError), name: name, summary: summary}
	fs.SetOutput(m.Stderr)
	fs.Usage = func() {} // finishParse prints it, to the right stream
	return fs
}

func (fs *flagSet) printUsage(w io.Writer) {
	fmt.Fprintf(w, "Usage: pyqbot %s\n%s\n", fs.name, fs.summary)
	out := fs.Output()
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(out)
}

// finishParse maps flag errors to exit codes: --help is success (usage on stdout), others are 2.
func (m *Main) finishParse(fs *flagSet, args []string) error {
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fs.printUsage(m.Stdout)
		return errHelpShown
	case err != nil:
		fs.printUsage(m.Stderr)
		return errUsage
	}
	return nil
}

// errHelpShown ends a command successfully after printing its help.
var errHelpShown = errors.New("help shown")

func (m *Main) parse(name, summary string, args []string) error {
	fs := m.newFlags(name, summary)
	if err := m.finishParse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(m.Stderr, "pyqbot %s takes no arguments, got %q\n", name, fs.Args())
		return errUsage
	}
	return nil
}

func ignoreHelp(err error) error {
	if errors.Is(err, errHelpShown) {
		return nil
	}
	return err
}
