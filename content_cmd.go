package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/pyqbot/pyqbot/content"
)

// contentCmd runs `pyqbot content lint|export|stats`: the tooling for question files.
func (m *Main) contentCmd(ctx context.Context, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprint(m.Stdout, usage)
			return nil
		}
		fmt.Fprintf(m.Stderr, "pyqbot content: say lint, export or stats\n\n%s", usage)
		return errUsage
	}
	sub, args := args[0], args[1:]
	switch sub {
	case "lint":
		return ignoreHelp(m.contentLint(ctx, args))
	case "export":
		if err := m.parse("content export", "Prints the whole bank as a JSON array (schema in README.md).", args); err != nil {
			return ignoreHelp(err)
		}
		files, problems := content.LoadAll(content.Options{})
		if problems = content.Errors(problems); len(problems) > 0 {
			return fmt.Errorf("the bank has problems; run `pyqbot content lint`:\n%w", content.Problems(problems))
		}
		return content.Export(m.Stdout, files)
	case "stats":
		if err := m.parse("content stats", "Counts questions per kind, topic and difficulty.", args); err != nil {
			return ignoreHelp(err)
		}
		files, problems := content.LoadAll(content.Options{})
		if problems = content.Errors(problems); len(problems) > 0 {
			return fmt.Errorf("the bank has problems; run `pyqbot content lint`:\n%w", content.Problems(problems))
		}
		content.Stats(m.Stdout, files)
		return nil
	default:
		fmt.Fprintf(m.Stderr, "pyqbot content: unknown subcommand %q (lint, export or stats)\n", sub)
		return errUsage
	}
}

func (m *Main) contentLint(ctx context.Context, args []string) error {
	fs := m.newFlags("content lint [--python PATH] [--no-run] [DIR…]",
		"Checks question files (the built-in bank, or the DIRs together with it for id clashes) and\n"+
			"proves every answer key by running the snippets with CPython.")
	python := fs.String("python", "", "interpreter to verify with (default $PYQBOT_PYTHON, else python3 on PATH)")
	noRun := fs.Bool("no-run", false, "check the files only; run no snippets")
	if err := m.finishParse(fs, args); err != nil {
		return err
	}
	start := time.Now()
	var files, toVerify []content.File
	var problems []content.Problem
	files, problems = content.LoadBuiltin()
	toVerify = files
	if fs.NArg() > 0 {
		toVerify = nil
		for _, dir := range fs.Args() {
			fsFiles, ps := content.LoadDir(dir)
			files = content.Combine(files, fsFiles)
			toVerify = append(toVerify, fsFiles...)
			problems = append(problems, ps...)
		}
	}
	problems = append(problems, content.Lint(files)...)
	verified := false
	if !*noRun {
		interp := *python
		if interp == "" {
			var err error
			if interp, err = content.FindPython(); err != nil {
				fmt.Fprintln(m.Stderr, "pyqbot content lint: no python3 found, so answer keys were not verified: install python3 or pass --python PATH")
				return errFailed
			}
		}
		problems = append(problems, content.Verify(ctx, interp, toVerify)...)
		verified = true
	}
	for _, p := range problems {
		fmt.Fprintln(m.Stdout, p)
	}
	how := "checked"
	if verified {
		how = "checked and verified with CPython"
	}
	errs := len(content.Errors(problems))
	fmt.Fprintf(m.Stdout, "%d questions %s in %.1fs: %d problems, %d warnings\n", len(toVerify), how, time.Since(start).Seconds(), errs, len(problems)-errs)
	if errs > 0 {
		return errFailed
	}
	return nil
}
