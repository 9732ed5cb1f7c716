package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/pyqbot/pyqbot/storage"
)

// exportCmd writes every team answer with its score, for a team's own analysis.
func (m *Main) exportCmd(ctx context.Context, args []string) error {
	fs := m.newFlags("export [--config FILE] [--db PATH] [--format csv|json]",
		"Prints every team answer with where it was given and what it scored.")
	configPath := fs.String("config", "", "TOML config file")
	dbPath := fs.String("db", "", "database to read (default [storage] path)")
	format := fs.String("format", "csv", "csv or json (one JSON object per line)")
	if err := m.finishParse(fs, args); err != nil {
		return ignoreHelp(err)
	}
	if fs.NArg() > 0 || (*format != "csv" && *format != "json") {
		fmt.Fprintf(m.Stderr, "pyqbot export: --format is csv or json, and there are no arguments\n")
		fs.printUsage(m.Stderr)
		return errUsage
	}
	store, err := m.openStoreFor(ctx, *configPath, *dbPath)
	if err != nil {
		return err
	}
	defer store.Close()
	if *format == "json" {
		enc := json.NewEncoder(m.Stdout)
		return store.ExportAnswers(ctx, func(a storage.ExportedAnswer) error { return enc.Encode(a) })
	}
	w := csv.NewWriter(m.Stdout)
	w.Write([]string{"platform", "workspace", "channel", "post", "question", "kind", "topic", "posted_at",
		"user_id", "user_name", "answer", "answered_at", "graded", "correct", "points"})
	err = store.ExportAnswers(ctx, func(a storage.ExportedAnswer) error {
		correct := ""
		if a.Correct != nil {
			correct = strconv.FormatBool(*a.Correct)
		}
		return w.Write([]string{a.Platform, a.Workspace, a.Channel, strconv.FormatInt(a.PostID, 10), a.QuestionID,
			a.Kind, a.Topic, a.PostedAt.Format(time.RFC3339), a.UserID, a.UserName, a.Answer,
			a.AnsweredAt.Format(time.RFC3339), strconv.FormatBool(a.Graded), correct, strconv.Itoa(a.Points)})
	})
	w.Flush()
	if err != nil {
		return err
	}
	return w.Error()
}
