package content

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// FuzzParse loads and lints arbitrary question TOML: it must never panic, every problem must point
// inside the file, and a file that parses and lints clean must export (JSON) exactly what was read.
// Seeds: every file of the built-in bank and of content/testdata.
func FuzzParse(f *testing.F) {
	builtinFiles, _ := LoadBuiltin()
	for _, bf := range builtinFiles {
		f.Add(bf.Src)
	}
	_ = filepath.WalkDir("testdata", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".toml") {
			if src, err := os.ReadFile(p); err == nil {
				f.Add(src)
			}
		}
		return nil
	})
	f.Fuzz(func(t *testing.T, src []byte) {
		file, problems := Parse("fuzz.toml", src)
		if file.Decoded() {
			// Name it as lint wants (a team file: any topic), so clean files reach the export check.
			q := file.Question
			if idPattern.MatchString(q.ID) && q.Topic != "" && !strings.ContainsAny(q.Topic, "/\\") {
				file.Path = path.Join("team", q.Topic, q.ID+".toml")
			}
			problems = append(problems, Lint([]File{file})...)
		}
		lines := bytes.Count(src, []byte("\n")) + 1
		for _, p := range problems {
			if p.Line < 0 || p.Line > lines {
				t.Fatalf("problem at line %d of a %d-line file: %v", p.Line, lines, p)
			}
			if p.Msg == "" {
				t.Fatalf("problem without a message: %#v", p)
			}
		}
		if !file.Decoded() || len(Errors(problems)) > 0 {
			return
		}
		var out bytes.Buffer
		if err := Export(&out, []File{file}); err != nil {
			t.Fatalf("a clean file does not export: %v", err)
		}
		var got []Exported
		if err := json.Unmarshal(out.Bytes(), &got); err != nil || len(got) != 1 {
			t.Fatalf("export is not one JSON object (%v): %s", err, out.String())
		}
		if want := exported(file); !reflect.DeepEqual(got[0], want) {
			t.Fatalf("export differs from what was read:\ngot  %#v\nwant %#v", got[0], want)
		}
		again, _ := Parse("fuzz.toml", src)
		again.Path = file.Path
		if !reflect.DeepEqual(again.Question, file.Question) {
			t.Fatalf("parsing the same file twice gives two questions")
		}
	})
}

// exported is what Export must write for f, built field by field from the parsed question (and as
// JSON decoding gives it back: empty lists where Export writes them, nil where it omits them).
func exported(f File) Exported {
	q := f.Question
	e := Exported{ID: q.ID, Kind: string(q.Kind), Topic: q.Topic, Difficulty: string(q.Difficulty), Title: q.Title,
		Prompt: q.Prompt, Code: q.Code, Choices: []ExportedChoice{}, Answer: []string{}, Explanation: q.Explanation,
		Docs: q.Docs, MinPython: f.MinPython, Symptom: q.Symptom, FixedCode: q.FixedCode, Check: q.Check,
		Proof: q.Proof, ProofOutput: q.ProofOutput, Source: f.Path}
	for _, c := range q.Choices {
		e.Choices = append(e.Choices, ExportedChoice{Key: c.Key, Text: c.Text, Why: c.Why})
	}
	e.Answer = append(e.Answer, q.Answer...)
	if len(q.Hints) > 0 {
		e.Hints = q.Hints
	}
	if len(q.Rubric) > 0 {
		e.Rubric = q.Rubric
	}
	if len(f.AnswerByVersion) > 0 {
		e.ByVersion = f.AnswerByVersion
	}
	return e
}
