package content

import (
	"fmt"

	"github.com/pyqbot/pyqbot/bot"
)

// Options adds a team's own question directories to the built-in bank and drops ids or topics.
type Options struct {
	Dirs    []string
	Exclude []string // question ids or topic names; one that matches neither is a problem
	Config  string   // the config file they came from, named in problems (optional)
}

// LoadAll reads the built-in bank and opts.Dirs and lints them together (so an id colliding with the
// built-in bank names both files). It runs no interpreter.
func LoadAll(opts Options) ([]File, []Problem) {
	files, problems := LoadBuiltin()
	for _, dir := range opts.Dirs {
		fs, ps := LoadDir(dir)
		files = Combine(files, fs)
		problems = append(problems, ps...)
	}
	problems = append(problems, Lint(files)...)
	problems = append(problems, CheckExclude(files, opts.Exclude, opts.Config)...)
	sortProblems(problems)
	return files, problems
}

// Bank loads, lints and indexes the questions the bot will ask. Any problem is an error listing them all.
func Bank(opts Options) (*bot.Bank, error) {
	files, problems := LoadAll(opts)
	if problems = Errors(problems); len(problems) > 0 {
		return nil, fmt.Errorf("the question bank has problems; run `pyqbot content lint` for details:\n%w", Problems(problems))
	}
	excluded := map[string]bool{}
	for _, x := range opts.Exclude {
		excluded[x] = true
	}
	var qs []bot.Question
	for _, f := range files {
		if excluded[f.Question.ID] || excluded[f.Question.Topic] {
			continue
		}
		qs = append(qs, f.Question)
	}
	if len(qs) == 0 {
		return nil, fmt.Errorf("no questions left after [content] exclude: remove some entries")
	}
	return bot.NewBank(qs)
}

// Combine adds extra files to base. A file in extra that is byte-for-byte a file of base (the built-in
// bank's own folder passed as a directory) replaces it rather than clashing with itself.
func Combine(base, extra []File) []File {
	same := map[string]bool{}
	for _, f := range extra {
		same[f.Question.ID+"\x00"+string(f.Src)] = true
	}
	out := make([]File, 0, len(base)+len(extra))
	for _, f := range base {
		if !same[f.Question.ID+"\x00"+string(f.Src)] {
			out = append(out, f)
		}
	}
	return append(out, extra...)
}
