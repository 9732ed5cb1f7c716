package main

import (
	"context"
	"fmt"
)

// dispatch picks the subcommand: the first argument that is not a flag, else run.
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
