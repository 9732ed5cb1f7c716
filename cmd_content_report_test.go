package main

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pyqbot/pyqbot/bot"
	"github.com/pyqbot/pyqbot/content"
	"github.com/pyqbot/pyqbot/storage"
)

// seedReportDB plays team questions into a real database: an easy question everyone gets right
// (asked in two workspaces), a hard one nearly nobody does, one answered by too few to judge, a
// design question, and a question that left the bank; plus reports, open and cleared.
func seedReportDB(t *testing.T) (path string, easy, hard, few, design bot.Question) {
	t.Helper()
	files, _ := content.LoadBuiltin()
	var outputs []bot.Question
	for _, f := range files {
		switch q := f.Question; {
		case q.Kind == bot.KindOutput && len(q.Answer) == 1:
			outputs = append(outputs, q)
		case q.Kind == bot.KindDesign && design.ID == "":
			design = q
		}
	}
	if len(outputs) < 3 || design.ID == "" {
		t.Fatalf("the built-in bank has %d single-answer output questions and design %q", len(outputs), design.ID)
	}
	easy, hard, few = outputs[0], outputs[1], outputs[2]
	wrongKey := func(q bot.Question) string {
		for _, c := range q.Choices {
			if c.Key != q.Answer[0] {
				return c.Key
			}
		}
		t.Fatalf("%s has no wrong choice", q.ID)
		return ""
	}

	ctx := context.Background()
	path = filepath.Join(t.TempDir(), "pyqbot.db")
	db, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	t0 := time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return t0 }
	day := 0
	play := func(workspace string, q bot.Question, answers []string) {
		t.Helper()
		ch, err := db.EnsureChannel(ctx, bot.Conversation{Platform: "slack", Workspace: workspace, Channel: "C1"}, "UTC")
		if err != nil {
			t.Fatal(err)
		}
		posted := t0.AddDate(0, 0, day)
		day++
		p, err := db.CreatePost(ctx, bot.PostedQuestion{ChannelID: ch.ID, WorkspaceID: ch.WorkspaceID, QuestionID: q.ID,
			Kind: q.Kind, Topic: q.Topic, PostedAt: posted, Day: bot.LocalDay(posted, time.UTC), RevealAt: posted.Add(8 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		for i, a := range answers {
			ans := bot.Answer{PostID: p.ID, User: bot.User{ID: "U" + string(rune('a'+i)), Name: "user"},
				AnsweredAt: posted.Add(time.Duration(i+1) * time.Minute)}
			if q.FreeText() {
				ans.Text = a
			} else {
				ans.Keys = []string{a}
			}
			if _, err := db.RecordAnswer(ctx, ans); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.CloseAndGrade(ctx, p.ID, posted.Add(8*time.Hour), func(a bot.Answer, streak int) bot.Grade {
			return bot.Score(&q, a.Keys, a.Text, streak)
		}); err != nil {
			t.Fatal(err)
		}
	}
	repeat := func(key string, n int) []string { return slices.Repeat([]string{key}, n) }
	play("T1", easy, repeat(easy.Answer[0], 7))
	play("T2", easy, repeat(easy.Answer[0], 5)) // 12 people over two workspaces, all right
	play("T1", hard, append(repeat(wrongKey(hard), 9), hard.Answer[0]))
	play("T1", few, repeat(wrongKey(few), 5))
	play("T1", design, []string{"a queue with a bound", "threads for the blocking calls"})
	gone := bot.Question{ID: "gone-from-bank", Kind: bot.KindOutput, Choices: easy.Choices, Answer: easy.Answer}
	play("T1", gone, repeat(easy.Answer[0], 2))

	ws, err := db.EnsureChannel(ctx, bot.Conversation{Platform: "slack", Workspace: "T1", Channel: "C1"}, "UTC")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []bot.Report{
		{QuestionID: hard.ID, User: bot.User{ID: "Ua"}, Text: "the key looks wrong", CreatedAt: t0},
		{QuestionID: hard.ID, User: bot.User{ID: "Ub"}, Text: "unclear", CreatedAt: t0},
		{QuestionID: "practice-only", User: bot.User{ID: "Ua"}, Text: "typo", CreatedAt: t0},
	} {
		if _, err := db.CreateReport(ctx, ws.WorkspaceID, r); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.ClearReport(ctx, ws.WorkspaceID, 2, "Uadmin", t0); err != nil {
		t.Fatal(err)
	}
	return path, easy, hard, few, design
}

func TestContentReportText(t *testing.T) {
	t.Parallel()
	path, easy, hard, few, design := seedReportDB(t)
	code, out, errOut := runEnv(t, nil, "content", "report", "--db", path)
	if code != 0 {
		t.Fatalf("content report exited %d: %s", code, errOut)
	}
	line := func(id string) string {
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(l, id+" ") {
				return strings.Join(strings.Fields(l), " ")
			}
		}
		t.Fatalf("no line for %s in:\n%s", id, out)
		return ""
	}
	// asked, answers, % right, the spread, reports, the median of 1..12 minutes after the post.
	mustContain(t, line(easy.ID), "output "+string(easy.Difficulty)+" 2 12 100% "+easy.Answer[0]+" 12 0 3m") // 7 answers at 1..7 minutes and 5 at 1..5: the median is 3m30s
	mustContain(t, line(hard.ID), "1 10 10%", "2 (1 open) 5m")
	mustContain(t, line(few.ID), "1 5 0%", " 3m")
	mustContain(t, line(design.ID), "design", "1 2 - - 0 1m")
	mustContain(t, line("gone-from-bank"), "(not in the bank)", "1 2 100%")
	mustContain(t, line("practice-only"), "0 0 - - 1 (1 open) -")
	mustContain(t, out, "To re-level (answered by at least 10 people, under 20% or over 95% right):",
		"- "+easy.ID+" ("+string(easy.Difficulty)+"): 100% right of 12 people — too easy",
		"- "+hard.ID+" ("+string(hard.Difficulty)+"): 10% right of 10 people — too hard")
	if strings.Contains(out, "- "+few.ID) {
		t.Errorf("%s has 5 answerers and is listed to re-level:\n%s", few.ID, out)
	}
}

func TestContentReportJSON(t *testing.T) {
	t.Parallel()
	path, easy, hard, _, design := seedReportDB(t)
	code, out, errOut := runEnv(t, nil, "content", "report", "--db", path, "--format", "JSON")
	if code != 0 {
		t.Fatalf("content report --format json exited %d: %s", code, errOut)
	}
	var doc struct {
		Questions []struct {
			Question      string         `json:"question"`
			Asked         int            `json:"asked"`
			Answers       int            `json:"answers"`
			Answerers     int            `json:"answerers"`
			Choices       map[string]int `json:"choices"`
			Reports       int            `json:"reports"`
			OpenReports   int            `json:"open_reports"`
			InBank        bool           `json:"in_bank"`
			PercentRight  *float64       `json:"percent_right"`
			MedianSeconds *float64       `json:"median_answer_seconds"`
		} `json:"questions"`
		Relevel []struct {
			Question     string  `json:"question"`
			PercentRight float64 `json:"percent_right"`
		} `json:"relevel"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("output is not one JSON document: %v\n%s", err, out)
	}
	byID := map[string]int{}
	for i, q := range doc.Questions {
		byID[q.Question] = i
	}
	e := doc.Questions[byID[easy.ID]]
	if e.Asked != 2 || e.Answers != 12 || e.Answerers != 12 || !e.InBank || e.PercentRight == nil || *e.PercentRight != 100 ||
		e.Choices[easy.Answer[0]] != 12 || e.MedianSeconds == nil || *e.MedianSeconds != 210 {
		t.Errorf("easy question = %+v", e)
	}
	h := doc.Questions[byID[hard.ID]]
	if h.Reports != 2 || h.OpenReports != 1 || *h.PercentRight != 10 {
		t.Errorf("hard question = %+v", h)
	}
	if d := doc.Questions[byID[design.ID]]; d.PercentRight != nil || len(d.Choices) != 0 {
		t.Errorf("design question = %+v, want no %% right and no spread", d)
	}
	if len(doc.Relevel) != 2 || doc.Relevel[0].Question != min(easy.ID, hard.ID) {
		t.Errorf("relevel = %+v, want %s and %s", doc.Relevel, easy.ID, hard.ID)
	}
}

// The report reads a database and never creates one; a bad --format is a usage error.
func TestContentReportRefusals(t *testing.T) {
	t.Parallel()
	missing := filepath.Join(t.TempDir(), "nope.db")
	code, out, errOut := runEnv(t, nil, "content", "report", "--db", missing)
	if code == 0 || !strings.Contains(errOut, "database "+missing+" does not exist") {
		t.Errorf("missing database: exit %d, stdout %q, stderr %q; want an error naming it", code, out, errOut)
	}
	if _, err := os.Stat(missing); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("content report created %s (stat: %v)", missing, err)
	}
	path := filepath.Join(t.TempDir(), "pyqbot.db")
	db, err := storage.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if code, out, _ := runEnv(t, nil, "content", "report", "--db", path); code != 0 || !strings.Contains(out, "No question has been asked") {
		t.Errorf("empty database: exit %d, %q", code, out)
	}
	if code, _, errOut := runEnv(t, nil, "content", "report", "--db", path, "--format", "csv"); code == 0 || !strings.Contains(errOut, "--format is text or json") {
		t.Errorf("--format csv: exit %d, stderr %q", code, errOut)
	}
}

func mustContain(t *testing.T, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("missing %q in:\n%s", w, got)
		}
	}
}
