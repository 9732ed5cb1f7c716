package main

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/pyqbot/pyqbot/content"
)

// contentCmd runs `pyqbot content lint|export|stats`: the tooling for question files.
func (m *Main) contentCmd(ctx context.Context, args []string) error {
	sub, args := commandWord(args, contentCommands)
	if sub == "" {
		if slices.Contains(args, "-h") || slices.Contains(args, "--help") {
			fmt.Fprint(m.Stdout, contentUsage)
			return nil
		}
		fmt.Fprintf(m.Stderr, "pyqbot content: say lint, export, stats or report\n\n%s", contentUsage)
		return errUsage
	}
	switch sub {
	case "lint":
		return m.contentLint(ctx, args)
	case "export":
		return m.withCleanBank("content export", "Prints the whole bank as a JSON array (schema in README.md).", args,
			func(files []content.File) error { return content.Export(m.Stdout, files) })
	case "report":
		return m.contentReport(ctx, args)
	case "stats":
		return m.withCleanBank("content stats", "Counts questions per kind, topic and difficulty.", args,
			func(files []content.File) error { content.Stats(m.Stdout, files); return nil })
	default:
		fmt.Fprintf(m.Stderr, "pyqbot content: unknown subcommand %q\n\n%s", sub, contentUsage)
		return errUsage
	}
}

var contentCommands = []string{"lint", "export", "stats", "report"}

const contentUsage = `Usage: pyqbot content lint|export|stats|report [flags]
The tooling for question files (the format is in content/FORMAT.md).

  pyqbot content lint [--config FILE] [--python PATH] [--no-run] [DIR…]
        check the bank the bot would load and prove answer keys with CPython
  pyqbot content export   the question bank as one JSON array on standard output
  pyqbot content stats    questions per kind, topic and difficulty
  pyqbot content report [--config FILE] [--db PATH] [--format text|json]
        how each question fared in the database, and the ones to re-level

` + "`pyqbot help content lint`" + ` (or ` + "`pyqbot content lint --help`" + `) shows a subcommand's flags.
`

func (m *Main) contentLint(ctx context.Context, args []string) error {
	fs := m.newFlags("content lint [--config FILE] [--python PATH] [--no-run] [DIR…]",
		"Checks the question files the bot loads (the built-in bank and the config's [content] dirs) and\n"+
			"proves every answer key by running the snippets with CPython. With DIRs, checks those too and\n"+
			"verifies only them and the config's dirs (the built-in bank is still read, for id clashes).")
	configFlag := fs.String("config", "", "TOML config file whose [content] dirs and exclude are checked (default $PYQBOT_CONFIG, else "+DefaultConfigPath+" when it exists)")
	python := fs.String("python", "", "verify with this interpreter only (default: $PYQBOT_PYTHON, else every CPython 3.10-3.13 found)")
	noRun := fs.Bool("no-run", false, "check the files only; run no snippets")
	if err := m.finishParse(fs, args); err != nil {
		return err
	}
	cfg, err := m.config(*configFlag)
	if err != nil {
		return err
	}
	start := time.Now()
	files, problems := content.LoadBuiltin()
	toVerify := files
	var dirs []string
	for _, d := range append(append([]string(nil), cfg.Content.Dirs...), fs.Args()...) {
		if d = filepath.Clean(d); !slices.Contains(dirs, d) {
			dirs = append(dirs, d)
		}
	}
	if len(dirs) > 0 {
		fmt.Fprintf(m.Stdout, "checking the built-in bank and %s\n", strings.Join(dirs, ", "))
	}
	var extra []content.File
	for _, dir := range dirs {
		dirFiles, ps := content.LoadDir(dir)
		files = content.Combine(files, dirFiles)
		extra = append(extra, dirFiles...)
		problems = append(problems, ps...)
	}
	if fs.NArg() > 0 {
		toVerify = extra
	} else {
		toVerify = files
	}
	problems = append(problems, content.Lint(files)...)
	problems = append(problems, content.CheckExclude(files, cfg.Content.Exclude, cfg.path)...)
	var reports []content.Report
	if !*noRun {
		pythons, err := m.lintPythons(ctx, *python)
		if err != nil {
			fmt.Fprintf(m.Stderr, "pyqbot content lint: %v; answer keys were not verified\n", err)
			return errFailed
		}
		reports = content.VerifyAll(ctx, pythons, toVerify)
		problems = append(problems, content.MergeReports(reports)...)
	}
	for _, p := range problems {
		fmt.Fprintln(m.Stdout, p)
	}
	for _, r := range reports {
		fmt.Fprintln(m.Stdout, r)
	}
	how := "checked (no snippets run)"
	if len(reports) > 0 {
		how = "checked and verified on " + content.Plural(len(reports), "interpreter")
	}
	errs := len(content.Errors(problems))
	fmt.Fprintf(m.Stdout, "%s %s in %.1fs: %s, %s\n", content.Plural(len(toVerify), "question"), how, time.Since(start).Seconds(),
		content.Plural(errs, "problem"), content.Plural(len(problems)-errs, "warning"))
	if errs > 0 {
		return errFailed
	}
	return nil
}

// lintPythons is the interpreter --python names, else every one FindPythons finds.
func (m *Main) lintPythons(ctx context.Context, flagPath string) ([]content.Python, error) {
	if flagPath == "" {
		return content.FindPythons(ctx)
	}
	py, err := content.ProbePython(ctx, flagPath)
	if err != nil {
		return nil, fmt.Errorf("--python: %w", err)
	}
	return []content.Python{py}, nil
}

// withCleanBank runs a content subcommand that takes no arguments on the whole built-in bank,
// refusing a bank with problems (the linter says which).
func (m *Main) withCleanBank(name, summary string, args []string, run func([]content.File) error) error {
	if err := m.parse(name, summary, args); err != nil {
		return err
	}
	files, problems := content.LoadAll(content.Options{})
	if problems = content.Errors(problems); len(problems) > 0 {
		return fmt.Errorf("the bank has problems; run `pyqbot content lint`:\n%w", content.Problems(problems))
	}
	return run(files)
}
