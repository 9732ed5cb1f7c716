package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/content"
	"github.com/pyqbot/pyqbot/storage"
)

// A question answered by enough people that nearly nobody, or nearly everybody, gets right is
// probably at the wrong level (or has a wrong key): `pyqbot content report` lists it to re-level.
const (
	relevelMinAnswerers = 10
	relevelLowPercent   = 20 // under this % right: too hard for its level, or a wrong answer key
	relevelHighPercent  = 95 // over this: too easy for its level
)

// questionReport is one question's line: the database's figures with the bank's description.
type questionReport struct {
	storage.QuestionStat
	Title         string   `json:"title,omitempty"`
	Kind          string   `json:"kind,omitempty"`
	Topic         string   `json:"topic,omitempty"`
	Difficulty    string   `json:"difficulty,omitempty"`
	InBank        bool     `json:"in_bank"`
	PercentRight  *float64 `json:"percent_right"` // null without judged answers (design questions)
	MedianSeconds *float64 `json:"median_answer_seconds"`
}

// relevelCandidate is a question to move to another level, with why.
type relevelCandidate struct {
	QuestionID   string  `json:"question"`
	Difficulty   string  `json:"difficulty,omitempty"`
	Answerers    int     `json:"answerers"`
	PercentRight float64 `json:"percent_right"`
	Suggestion   string  `json:"suggestion"`
}

func (m *Main) contentReport(ctx context.Context, args []string) error {
	fs := m.newFlags("content report [--config FILE] [--db PATH] [--format text|json]",
		"Prints, from the database, how each question has fared as a team question across every\n"+
			"workspace: times asked, answers, % right, how the choices were picked, reports and the median\n"+
			"time to answer; then the questions to re-level: answered by at least 10 people with under 20%\n"+
			"or over 95% right. Practice answers are left out (practice picks questions for the person).")
	configPath, dbPath := fs.storeFlags("TOML config file (its [storage] path, and its [content] dirs for titles and levels)",
		"database to read (default [storage] path); it is never created")
	format := fs.String("format", "text", "text or json (one JSON object), in any case")
	if err := m.finishParse(fs, args); err != nil {
		return err
	}
	if err := m.checkFormat(fs, "content report", format, "text", "json"); err != nil {
		return err
	}
	cfg, err := m.config(*configPath)
	if err != nil {
		return err
	}
	store, err := m.openQueryStore(ctx, *configPath, *dbPath)
	if err != nil {
		return err
	}
	defer store.Close()
	stats, err := store.QuestionStats(ctx)
	if err != nil {
		return fmt.Errorf("read question statistics: %w", err)
	}
	if err := store.CheckUnchanged(); err != nil {
		return err
	}
	// The bank only describes the questions (title, level); its problems are lint's business, and a
	// question no longer in it still has its figures.
	files, _ := content.LoadAll(content.Options{Dirs: cfg.Content.Dirs})
	bank := map[string]bot.Question{}
	for _, f := range files {
		bank[f.Question.ID] = f.Question
	}
	lines, relevel := buildQuestionReport(stats, bank)
	if *format == "json" {
		enc := json.NewEncoder(m.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Questions []questionReport   `json:"questions"`
			Relevel   []relevelCandidate `json:"relevel"`
		}{lines, relevel})
	}
	writeQuestionReport(m.Stdout, lines, relevel)
	return nil
}

func buildQuestionReport(stats []storage.QuestionStat, bank map[string]bot.Question) ([]questionReport, []relevelCandidate) {
	lines := make([]questionReport, 0, len(stats))
	relevel := []relevelCandidate{}
	for _, s := range stats {
		r := questionReport{QuestionStat: s}
		if q, ok := bank[s.QuestionID]; ok {
			r.InBank, r.Title, r.Kind, r.Topic, r.Difficulty = true, q.Title, string(q.Kind), q.Topic, string(q.Difficulty)
		}
		if s.Judged > 0 {
			pct := 100 * float64(s.Right) / float64(s.Judged)
			r.PercentRight = &pct
			if s.Answerers >= relevelMinAnswerers && (pct < relevelLowPercent || pct > relevelHighPercent) {
				c := relevelCandidate{QuestionID: s.QuestionID, Difficulty: r.Difficulty, Answerers: s.Answerers, PercentRight: pct,
					Suggestion: "too easy for its level: move it up, or make the wrong choices more tempting"}
				if pct < relevelLowPercent {
					c.Suggestion = "too hard for its level: check the answer key, then move it down"
				}
				relevel = append(relevel, c)
			}
		}
		if s.Answers > 0 {
			sec := s.MedianAnswer.Seconds()
			r.MedianSeconds = &sec
		}
		lines = append(lines, r)
	}
	return lines, relevel
}

func writeQuestionReport(w io.Writer, lines []questionReport, relevel []relevelCandidate) {
	if len(lines) == 0 {
		fmt.Fprintln(w, "No question has been asked or reported in this database yet.")
		return
	}
	t := &bot.Table{Columns: []string{"Question", "Kind", "Level", "Asked", "Answers", "Right", "Choices", "Reports", "Median"}}
	for _, r := range lines {
		id := r.QuestionID
		if !r.InBank {
			id += " (not in the bank)"
		}
		right := "-"
		if r.PercentRight != nil {
			right = fmt.Sprintf("%.0f%%", *r.PercentRight)
		}
		reports := fmt.Sprint(r.Reports)
		if r.OpenReports > 0 {
			reports = fmt.Sprintf("%d (%d open)", r.Reports, r.OpenReports)
		}
		median := "-"
		if r.MedianSeconds != nil {
			median = shortDuration(r.MedianAnswer)
		}
		t.Rows = append(t.Rows, []string{id, r.Kind, r.Difficulty, fmt.Sprint(r.Asked), fmt.Sprint(r.Answers), right,
			choiceSpread(r.Choices), reports, median})
	}
	fmt.Fprintf(w, "Team questions in this database: %d (right: %% of graded answers to questions with a right answer; median: post to answer)\n", len(lines))
	io.WriteString(w, bot.TableText(t))
	fmt.Fprintf(w, "\nTo re-level (answered by at least %d people, under %d%% or over %d%% right): ", relevelMinAnswerers, relevelLowPercent, relevelHighPercent)
	if len(relevel) == 0 {
		fmt.Fprintln(w, "none.")
		return
	}
	fmt.Fprintln(w)
	for _, c := range relevel {
		level := c.Difficulty
		if level == "" {
			level = "not in the bank"
		}
		fmt.Fprintf(w, "- %s (%s): %.0f%% right of %d people — %s\n", c.QuestionID, level, c.PercentRight, c.Answerers, c.Suggestion)
	}
}

// choiceSpread is "A 3 · B 10 · C 0" in key order; "-" when nobody picked a choice (design).
func choiceSpread(choices map[string]int) string {
	if len(choices) == 0 {
		return "-"
	}
	keys := make([]string, 0, len(choices))
	for k := range choices {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, choices[k])
	}
	return strings.Join(parts, " · ")
}

// shortDuration is "45s", "12m", "3h 05m" or "2d 4h".
func shortDuration(d time.Duration) string {
	d = d.Round(time.Second)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh %02dm", int(d.Hours()), int(d.Minutes())%60)
	default:
		return fmt.Sprintf("%dd %dh", int(d.Hours())/24, int(d.Hours())%24)
	}
}
