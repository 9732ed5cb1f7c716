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

// backupCmd copies the live database consistently while the bot keeps running.
func (m *Main) backupCmd(ctx context.Context, args []string) error {
	fs := m.newFlags("backup [--config FILE] [--db PATH] FILE",
		"Writes a consistent copy of the database to FILE while the bot runs (never overwrites).\n"+
			"Restore: stop pyqbot, put FILE in place of the database (and delete its -wal/-shm files), start pyqbot.")
	configPath := fs.String("config", "", "TOML config file")
	dbPath := fs.String("db", "", "database to back up (default [storage] path)")
	if err := m.finishParse(fs, args); err != nil {
		return ignoreHelp(err)
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(m.Stderr, "pyqbot backup: say where to write the copy: pyqbot backup FILE")
		fs.printUsage(m.Stderr)
		return errUsage
	}
	store, err := m.openStoreFor(ctx, *configPath, *dbPath)
	if err != nil {
		return err
	}
	defer store.Close()
	start := time.Now()
	if err := store.Backup(ctx, fs.Arg(0)); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "backed up %s to %s in %s\n", store.Path(), fs.Arg(0), time.Since(start).Round(time.Millisecond))
	return nil
}

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

// openStoreFor opens the database a maintenance command works on: --db, else the config's path.
func (m *Main) openStoreFor(ctx context.Context, configPath, dbPath string) (*storage.DB, error) {
	cfg, err := m.config(configPath)
	if err != nil {
		return nil, err
	}
	if dbPath != "" {
		cfg.Storage.Path = dbPath
	}
	return storage.Open(ctx, cfg.Storage.Path)
}
