// Package content loads, lints and verifies the question bank: one TOML file per question (see
// FORMAT.md), the built-in bank embedded in the binary plus a team's own directories.
package content

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/pelletier/go-toml/v2"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/internal/tomlerr"
)

//go:embed questions
var builtin embed.FS

// BuiltinRoot is where the embedded bank lives in the repository; sources are named from here.
const BuiltinRoot = "content/questions"

// File is a question as read from its file, with the source kept for line numbers, and what only
// verification needs: the Python versions its snippets are meant for.
type File struct {
	Question bot.Question
	Path     string // as shown in messages
	Src      []byte

	MinPython       string              // "3.11": verified on that version and newer, skipped below
	AnswerByVersion map[string][]string // output: the keyed choice where a version prints another

	decoded bool
}

// Parse reads one question file. Syntax errors, values of the wrong type and unknown keys come back as
// problems with lines. Unknown keys do not stop the rest of the file from being read, so that lint
// reports every problem in it at once; the file is then still returned for linting (see File.Decoded).
func Parse(name string, src []byte) (File, []Problem) {
	var raw map[string]any
	if err := toml.Unmarshal(src, &raw); err != nil {
		return File{Path: name, Src: src}, decodeProblems(name, err)
	}
	var fq Exported
	if err := toml.Unmarshal(src, &fq); err != nil {
		if line, msg, ok := tomlerr.Describe(err, &fq, questionExamples); ok {
			// The key, its type and what was found, not the Go struct it was decoded into.
			return File{Path: name, Src: src}, []Problem{{File: name, Line: line, Msg: msg + " (see content/FORMAT.md)"}}
		}
		return File{Path: name, Src: src}, decodeProblems(name, err)
	}
	problems := unknownKeys(name, src, raw)
	q := bot.Question{
		ID: fq.ID, Kind: bot.Kind(fq.Kind), Topic: fq.Topic, Difficulty: bot.Difficulty(fq.Difficulty),
		Title: fq.Title, Prompt: strings.TrimSpace(fq.Prompt), Code: fq.Code, Explanation: strings.TrimSpace(fq.Explanation),
		Docs: fq.Docs, Answer: fq.Answer, Symptom: fq.Symptom, FixedCode: fq.FixedCode,
		Check: fq.Check, Hints: fq.Hints, Proof: fq.Proof, ProofOutput: fq.ProofOutput, Rubric: fq.Rubric, Source: name,
	}
	for _, c := range fq.Choices {
		q.Choices = append(q.Choices, bot.Choice{Key: c.Key, Text: c.Text, Why: strings.TrimSpace(c.Why)})
	}
	return File{Question: q, Path: name, Src: src, MinPython: fq.MinPython, AnswerByVersion: fq.ByVersion, decoded: true}, problems
}

// questionExamples are what a right value looks like, where the type alone does not say.
var questionExamples = tomlerr.Examples{"id": `"dict-order"`, "answer": `["B"]`, "min_python": `"3.11"`}

// Decoded reports whether the file was read into a question (despite unknown keys, if any).
func (f File) Decoded() bool { return f.decoded }

func decodeProblems(name string, err error) []Problem {
	var de *toml.DecodeError
	if errors.As(err, &de) {
		line, _ := de.Position()
		return []Problem{{File: name, Line: line, Msg: "invalid TOML: " + de.Error()}}
	}
	return []Problem{{File: name, Msg: "cannot read question: " + err.Error()}}
}

// MaxFileSize bounds a question file. Decoding a TOML table costs time quadratic in its keys
// (go-toml checks each key against those before it), so a file that is not a question, or a
// paste gone wrong, could hold the start-up and lint for minutes; at this size the worst case
// takes a tenth of a second.
const MaxFileSize = 32 << 10

// LoadFS reads every *.toml question under root in fsys, naming files prefix/relative-path. A file
// over MaxFileSize is reported, not read.
func LoadFS(fsys fs.FS, root, prefix string) ([]File, []Problem) {
	var files []File
	var problems []Problem
	seen := 0
	err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(p, ".toml") {
			return nil
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(p, root), "/")
		name := path.Join(prefix, rel)
		seen++
		if info, err := d.Info(); err == nil && info.Size() > MaxFileSize {
			problems = append(problems, Problem{File: name, Msg: fmt.Sprintf(
				"the file is %d bytes; a question file is at most %d KiB (%d bytes; the largest built-in one is under 6 KiB): is it a question?", info.Size(), MaxFileSize>>10, MaxFileSize)})
			return nil
		}
		src, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		f, ps := Parse(name, src)
		problems = append(problems, ps...)
		if f.Decoded() {
			files = append(files, f) // linted too, so one mistake does not hide the others
		}
		return nil
	})
	switch {
	case err != nil:
		problems = append(problems, Problem{File: prefix, Msg: "cannot read question directory: " + err.Error()})
	case seen == 0:
		problems = append(problems, Problem{File: prefix, Msg: "no question files (*.toml) in this directory: check the path, or add questions (see content/FORMAT.md)"})
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files, problems
}

// LoadBuiltin reads the bank embedded in the binary.
func LoadBuiltin() ([]File, []Problem) { return LoadFS(builtin, "questions", BuiltinRoot) }

// LoadDir reads a team's own question directory from disk.
func LoadDir(dir string) ([]File, []Problem) {
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, []Problem{{File: dir, Msg: "question directory does not exist: fix [content] dirs in the config"}}
	}
	return LoadFS(os.DirFS(dir), ".", filepath.ToSlash(filepath.Clean(dir)))
}

// lineOf finds the line where key is assigned (the n-th time, from 0), or 0.
func lineOf(src []byte, key string, n int) int {
	re := regexp.MustCompile(`^\s*` + regexp.QuoteMeta(key) + `\s*=`)
	if strings.HasPrefix(key, "[[") {
		re = regexp.MustCompile(`^\s*` + regexp.QuoteMeta(key))
	}
	seen := 0
	for i, line := range strings.Split(string(src), "\n") {
		if re.MatchString(line) {
			if seen == n {
				return i + 1
			}
			seen++
		}
	}
	return 0
}
