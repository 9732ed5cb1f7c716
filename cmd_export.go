package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/pyqbot/pyqbot/storage"
)

// exportCmd writes every team answer with its score, for a team's own analysis.
func (m *Main) exportCmd(ctx context.Context, args []string) error {
	fs := m.newFlags("export [--config FILE] [--db PATH] [--format csv|json]",
		"Prints every team answer with where it was given, its reason and what it scored (points, and the\n"+
			"best-explanation bonus its reason won): CSV with a header row, or\n"+
			"one JSON array of objects (as `pyqbot content export` prints the bank). In CSV, a cell that a\n"+
			"spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return) gets a\n"+
			"leading ' so it shows as text.")
	configPath, dbPath := fs.storeFlags("TOML config file", "database to read (default [storage] path)")
	format := fs.String("format", "csv", "csv or json (one JSON array), in any case")
	if err := m.finishParse(fs, args); err != nil {
		return err
	}
	if err := m.checkFormat(fs, "export", format, "csv", "json"); err != nil {
		return err
	}
	store, err := m.openQueryStore(ctx, *configPath, *dbPath)
	if err != nil {
		return err
	}
	defer store.Close()
	if *format == "json" {
		if err := exportJSON(ctx, store, m.Stdout); err != nil {
			return err
		}
		return store.CheckUnchanged()
	}
	w := csv.NewWriter(m.Stdout)
	w.Write([]string{"platform", "workspace", "channel", "post", "question", "kind", "topic", "posted_at",
		"user_id", "user_name", "answer", "answered_at", "graded", "correct", "points", "reason", "bonus", "bonus_at"})
	err = store.ExportAnswers(ctx, func(a storage.ExportedAnswer) error {
		correct, bonusAt := "", ""
		if a.Correct != nil {
			correct = strconv.FormatBool(*a.Correct)
		}
		if a.BonusAt != nil {
			bonusAt = a.BonusAt.Format(time.RFC3339)
		}
		return w.Write(csvSafe(a.Platform, a.Workspace, a.Channel, strconv.FormatInt(a.PostID, 10), a.QuestionID,
			a.Kind, a.Topic, a.PostedAt.Format(time.RFC3339), a.UserID, a.UserName, a.Answer,
			a.AnsweredAt.Format(time.RFC3339), strconv.FormatBool(a.Graded), correct, strconv.Itoa(a.Points),
			a.Reason, strconv.Itoa(a.Bonus), bonusAt))
	})
	w.Flush()
	if err == nil {
		err = w.Error()
	}
	if err == nil {
		err = store.CheckUnchanged() // the rows are out, but the exit status says whether they hold
	}
	return err
}

// exportJSON streams the answers as one JSON array, an object per line, so a large history is
// never held in memory and the output is still one document `jq` or json.load reads whole.
func exportJSON(ctx context.Context, store *storage.DB, w io.Writer) error {
	bw := bufio.NewWriter(w)
	sep := "[\n"
	err := store.ExportAnswers(ctx, func(a storage.ExportedAnswer) error {
		b, err := json.Marshal(a)
		if err != nil {
			return err
		}
		bw.WriteString(sep)
		sep = ",\n"
		_, err = bw.Write(b)
		return err
	})
	if err != nil {
		bw.Flush()
		return err
	}
	if sep == "[\n" {
		bw.WriteString("[]\n")
	} else {
		bw.WriteString("\n]\n")
	}
	return bw.Flush()
}

// csvSafe neutralises formula injection (OWASP's CSV injection advice): a cell starting with one of
// = + - @ tab or carriage return is run as a formula by Excel, LibreOffice and Google Sheets
// (`=HYPERLINK(…)` in an answer), so it gets a leading ' and shows as the text it is.
func csvSafe(cells ...string) []string {
	for i, c := range cells {
		if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
			cells[i] = "'" + c
		}
	}
	return cells
}
