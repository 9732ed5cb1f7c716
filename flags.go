package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
)

// flagSet is a flag set whose usage can go to stdout (asked for with --help) or stderr (a mistake).
// It parses interspersed: flags may come before, between or after the positional arguments, as
// people type them (`pyqbot backup out.db --db pyqbot.db`). The standard library's flag package
// stops at the first positional; rather than take a CLI library (cobra, urfave/cli) for one loop,
// finishParse parses, sets the positional aside and resumes. `--` still ends the flags.
type flagSet struct {
	*flag.FlagSet
	name, summary string
	positional    []string
}

// newFlags returns a flag set that reports errors through m and never exits by itself.
func (m *Main) newFlags(name, summary string) *flagSet {
	fs := &flagSet{FlagSet: flag.NewFlagSet(name, flag.ContinueOnError), name: name, summary: summary}
	fs.SetOutput(m.Stderr)
	fs.Usage = func() {} // finishParse prints it, to the right stream
	return fs
}

// Args, NArg and Arg are the positional arguments wherever they stood among the flags.
func (fs *flagSet) Args() []string { return fs.positional }
func (fs *flagSet) NArg() int      { return len(fs.positional) }
func (fs *flagSet) Arg(i int) string {
	if i < 0 || i >= len(fs.positional) {
		return ""
	}
	return fs.positional[i]
}

func (fs *flagSet) printUsage(w io.Writer) {
	fmt.Fprintf(w, "Usage: pyqbot %s\n%s\n", fs.name, fs.summary)
	out := fs.Output()
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(out)
}

// parseInterspersed runs flag parsing to the end of args, collecting positionals on the way. A
// flag given twice is refused (see onceValue).
func (fs *flagSet) parseInterspersed(args []string) error {
	fs.positional = nil
	defer fs.refuseRepeats()()
	for {
		if err := fs.FlagSet.Parse(args); err != nil {
			return err
		}
		rest := fs.FlagSet.Args()
		if len(rest) == 0 {
			return nil
		}
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			fs.positional = append(fs.positional, rest...) // after --, everything is an argument
			return nil
		}
		fs.positional = append(fs.positional, rest[0])
		args = rest[1:]
	}
}

// refuseRepeats makes each flag refuse a second value until the returned function puts the flags'
// own values back (before usage is printed, which reads them).
func (fs *flagSet) refuseRepeats() (restore func()) {
	var flags []*flag.Flag
	fs.VisitAll(func(f *flag.Flag) {
		flags = append(flags, f)
		f.Value = &onceValue{Value: f.Value}
	})
	return func() {
		for _, f := range flags {
			f.Value = f.Value.(*onceValue).Value
		}
	}
}

// onceValue is a flag's value that takes one setting: with the flag package's own rule the last
// one wins, so `--config a.toml --config b.toml` dropped a.toml without a word. The same value
// again drops nothing and is let be.
type onceValue struct {
	flag.Value
	given bool
	first string
}

func (v *onceValue) Set(s string) error {
	if v.given && s != v.first {
		return fmt.Errorf("it is given twice (first %q): give it once", v.first)
	}
	v.given, v.first = true, s
	return v.Value.Set(s)
}

// IsBoolFlag keeps a switch a switch (the flag package asks the value).
func (v *onceValue) IsBoolFlag() bool {
	b, ok := v.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// finishParse maps flag errors to exit codes: --help is success (usage on stdout), others are 2.
func (m *Main) finishParse(fs *flagSet, args []string) error {
	err := fs.parseInterspersed(args)
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

// storeFlags adds the --config and --db flags of a command that works on the database.
func (fs *flagSet) storeFlags(configHelp, dbHelp string) (configPath, dbPath *string) {
	return fs.String("config", "", configHelp), fs.String("db", "", dbHelp)
}

// checkFormat lower-cases *format and refuses a value not in allowed, or any positional argument,
// saying both and printing the usage: the rule of every command with a --format and no arguments.
func (m *Main) checkFormat(fs *flagSet, command string, format *string, allowed ...string) error {
	*format = strings.ToLower(*format)
	if fs.NArg() > 0 || !slices.Contains(allowed, *format) {
		fmt.Fprintf(m.Stderr, "pyqbot %s: --format is %s, and there are no arguments\n", command, strings.Join(allowed, " or "))
		fs.printUsage(m.Stderr)
		return errUsage
	}
	return nil
}

// errHelpShown ends a command after printing its help: Run exits 0 for it, as for no error.
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

// commandWord finds the (sub)command among args, which may start with flags meant for it
// (`pyqbot --db x.db console`): the first argument naming one of commands, provided everything
// before it is a flag or a flag's value. It returns "" and args unchanged when there is none, and
// the word and the other arguments otherwise. An argument that is neither a command nor a flag's
// value comes back as the word, so the caller can call it unknown.
func commandWord(args []string, commands []string) (string, []string) {
	for i, a := range args {
		switch {
		case a == "--":
			return "", args
		case strings.HasPrefix(a, "-"):
			continue
		case slices.Contains(commands, a):
		case i > 0 && isValueSlot(args[i-1]):
			continue // the value of the flag before it, e.g. x.db in --db x.db
		}
		return a, append(slices.Clone(args[:i]), args[i+1:]...)
	}
	return "", args
}

// isValueSlot says whether the argument after a is a's value: a is a flag without "=" that is not
// a switch. Every pyqbot flag takes a value except these.
func isValueSlot(a string) bool {
	if !strings.HasPrefix(a, "-") || a == "--" || strings.Contains(a, "=") {
		return false
	}
	return !slices.Contains(switchFlags, strings.TrimLeft(a, "-"))
}

// switchFlags are the boolean flags of every command; TestSwitchFlagsAreComplete keeps the list true.
var switchFlags = []string{"h", "help", "no-run"}
