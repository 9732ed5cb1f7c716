package main

import (
	"context"
	"fmt"
	"slices"
)

// commands are the root's subcommands, for finding the command word among flags.
var commands = []string{"run", "console", "content", "backup", "export", "migrate-store", "healthcheck", "version", "help"}

// dispatch picks the subcommand: the first argument naming one (flags may come before it, as in
// `pyqbot --db x.db console`), else run.
func (m *Main) dispatch(ctx context.Context, args []string) error {
	name, args := commandWord(args, commands)
	if name == "" {
		name = "run"
		if len(args) == 1 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprint(m.Stdout, usage) // a bare `pyqbot --help` asks about pyqbot, not run
			return nil
		}
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
	case "migrate-store":
		return m.migrateStoreCmd(ctx, args)
	case "healthcheck":
		return m.healthcheckCmd(ctx, args)
	case "version":
		if err := m.parse("version", "Prints the version.", args); err != nil {
			return err
		}
		fmt.Fprintln(m.Stdout, "pyqbot", version)
		return nil
	case "help":
		return m.helpCmd(ctx, args)
	default:
		fmt.Fprintf(m.Stderr, "pyqbot: unknown command %q\n\n%s", name, usage)
		return errUsage
	}
}

// helpCmd prints the usage of the command its arguments name (`pyqbot help content lint`), its
// own with `pyqbot help help`, and the overview with no arguments.
func (m *Main) helpCmd(ctx context.Context, args []string) error {
	fs := m.newFlags("help [COMMAND [SUBCOMMAND]]",
		"Prints the overview of every command, or the usage and flags of the one named, e.g.\n"+
			"`pyqbot help backup` or `pyqbot help content lint` (the same as `pyqbot backup --help`).")
	if err := m.finishParse(fs, args); err != nil {
		return err
	}
	switch {
	case fs.NArg() == 0:
		fmt.Fprint(m.Stdout, usage)
		return nil
	case fs.Arg(0) == "help":
		fs.printUsage(m.Stdout)
		return nil
	case !slices.Contains(commands, fs.Arg(0)):
		fmt.Fprintf(m.Stderr, "pyqbot help: unknown command %q\n\n%s", fs.Arg(0), usage)
		return errUsage
	}
	return m.dispatch(ctx, append(fs.Args(), "--help"))
}

const usage = `pyqbot — a daily practical-Python drill for Slack, Discord and the terminal.

Usage:
  pyqbot [run] [--config FILE] [--db PATH]   run the bot (the terminal when no platform is enabled)
  pyqbot console [--config FILE] [--db PATH] [--user NAME]
                                            play in the terminal even when platforms are configured
  pyqbot content lint [--python PATH] [DIR…] check question files and prove answer keys with CPython
  pyqbot content export                      the question bank as one JSON array on standard output
  pyqbot content stats                       questions per kind, topic and difficulty
  pyqbot content report [--db PATH] [--format text|json]
                                            how each question fared, and the ones to re-level
  pyqbot backup [--db PATH] FILE             copy the live database consistently (never overwrites)
  pyqbot export [--db PATH] [--format csv|json]
                                            every team answer with its score (json: one array)
  pyqbot migrate-store --from sqlite:PATH --to postgres://…
                                            copy an SQLite database into an empty PostgreSQL one
  pyqbot healthcheck [--url URL]            exit 0 when a running pyqbot's /healthz says ok, else 1
  pyqbot version                             print the version
  pyqbot help [COMMAND [SUBCOMMAND]]         this text, or a command's usage and flags

Flags may come before or after arguments, and before the command: ` + "`pyqbot --db x.db console`" + `.

In the terminal, type /pyq commands as in Slack or Discord (/pyq help lists them),
/as NAME to switch who is typing, and /quit or end of input to leave.
`
