package content

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/pyqbot/pyqbot/bot"
)

// Export writes files as a JSON array, ordered by id.
func Export(w io.Writer, files []File) error {
	out := make([]Exported, 0, len(files))
	for _, f := range files {
		q := f.Question
		e := Exported{
			ID: q.ID, Kind: string(q.Kind), Topic: q.Topic, Difficulty: string(q.Difficulty), Title: q.Title,
			Prompt: q.Prompt, Code: q.Code, Choices: []ExportedChoice{}, Answer: []string{}, Explanation: q.Explanation,
			Docs: q.Docs, MinPython: f.MinPython, ByVersion: f.AnswerByVersion, Symptom: q.Symptom, FixedCode: q.FixedCode, Check: q.Check, Hints: q.Hints,
			Proof: q.Proof, ProofOutput: q.ProofOutput, Rubric: q.Rubric, Source: f.Path,
		}
		for _, c := range q.Choices {
			e.Choices = append(e.Choices, ExportedChoice{Key: c.Key, Text: c.Text, Why: c.Why})
		}
		e.Answer = append(e.Answer, q.Answer...)
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// spread is how many questions a bank has per kind, per difficulty, and per topic by kind and by
// difficulty: what Stats prints and the bank's test holds to a minimum.
type spread struct {
	byKind       map[bot.Kind]int
	byDiff       map[bot.Difficulty]int
	byTopic      map[string]map[bot.Kind]int
	byTopicLevel map[string]map[bot.Difficulty]int
}

func spreadOf(files []File) spread {
	s := spread{byKind: map[bot.Kind]int{}, byDiff: map[bot.Difficulty]int{},
		byTopic: map[string]map[bot.Kind]int{}, byTopicLevel: map[string]map[bot.Difficulty]int{}}
	for _, f := range files {
		q := f.Question
		s.byKind[q.Kind]++
		s.byDiff[q.Difficulty]++
		if s.byTopic[q.Topic] == nil {
			s.byTopic[q.Topic] = map[bot.Kind]int{}
			s.byTopicLevel[q.Topic] = map[bot.Difficulty]int{}
		}
		s.byTopic[q.Topic][q.Kind]++
		s.byTopicLevel[q.Topic][q.Difficulty]++
	}
	return s
}

// Stats prints how many questions there are per kind, per topic (by kind) and per difficulty.
func Stats(w io.Writer, files []File) {
	s := spreadOf(files)
	byKind, byDiff, byTopic := s.byKind, s.byDiff, s.byTopic
	fmt.Fprintf(w, "%d questions\n\n", len(files))
	header := fmt.Sprintf("%-14s", "topic")
	for _, k := range bot.Kinds {
		header += fmt.Sprintf(" %8s", k)
	}
	fmt.Fprintln(w, header+"    total")
	topics := make([]string, 0, len(byTopic))
	for t := range byTopic {
		topics = append(topics, t)
	}
	sort.Strings(topics)
	for _, t := range topics {
		line, total := fmt.Sprintf("%-14s", t), 0
		for _, k := range bot.Kinds {
			line += fmt.Sprintf(" %8d", byTopic[t][k])
			total += byTopic[t][k]
		}
		fmt.Fprintf(w, "%s %8d\n", line, total)
	}
	line := fmt.Sprintf("%-14s", "all")
	for _, k := range bot.Kinds {
		line += fmt.Sprintf(" %8d", byKind[k])
	}
	fmt.Fprintf(w, "%s %8d\n\n", line, len(files))
	var diffs []string
	for _, d := range bot.Difficulties {
		diffs = append(diffs, fmt.Sprintf("%s %d", d, byDiff[d]))
	}
	fmt.Fprintln(w, "difficulty: "+strings.Join(diffs, ", "))
}
