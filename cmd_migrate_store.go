package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/pyqbot/pyqbot/storage"
)

// migrateStoreCmd copies a team's SQLite history into an empty PostgreSQL database, then proves
// the copy: every table's row count on both sides, and every workspace's leaderboards compared.
func (m *Main) migrateStoreCmd(ctx context.Context, args []string) error {
	fs := m.newFlags("migrate-store --from sqlite:PATH --to postgres://…",
		"Copies every row of an SQLite database into an empty PostgreSQL database (one transaction: a\n"+
			"failure keeps nothing), then prints each table's row count on both sides and compares every\n"+
			"workspace's leaderboards. Stop pyqbot first: answers given during the copy would be left behind.")
	from := fs.String("from", "", "the SQLite database: sqlite:PATH (or just PATH)")
	to := fs.String("to", "", "the PostgreSQL database: postgres://user:password@host:5432/db (or $PYQBOT_STORAGE_URL)")
	if err := m.finishParse(fs, args); err != nil {
		return err
	}
	if *to == "" {
		*to = m.Getenv("PYQBOT_STORAGE_URL")
	}
	src := strings.TrimPrefix(*from, "sqlite:")
	switch {
	case fs.NArg() > 0 || src == "" || *to == "":
		fmt.Fprintln(m.Stderr, "pyqbot migrate-store: say where from and where to: --from sqlite:PATH --to postgres://…")
		fs.printUsage(m.Stderr)
		return errUsage
	case storage.IsPostgresURL(src):
		return fmt.Errorf("--from names a PostgreSQL database: migrate-store copies from an SQLite file (--from sqlite:PATH)")
	case !storage.IsPostgresURL(*to):
		return fmt.Errorf("--to must be a postgres:// or postgresql:// URL (migrate-store copies into PostgreSQL)")
	}
	if err := mustExist(src); err != nil {
		return err
	}
	source, err := storage.Open(ctx, src)
	if err != nil {
		return err
	}
	defer source.Close()
	target, err := storage.Open(ctx, *to)
	if err != nil {
		return err
	}
	defer target.Close()
	start := time.Now()
	res, err := storage.Copy(ctx, source, target)
	if len(res.Tables) > 0 {
		w := tabwriter.NewWriter(m.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(w, "table\tsqlite\tpostgres\t")
		for _, c := range res.Tables {
			fmt.Fprintf(w, "%s\t%d\t%d\t\n", c.Table, c.Source, c.Target)
		}
		w.Flush()
	}
	if err != nil {
		return fmt.Errorf("migrate-store: %w", err)
	}
	fmt.Fprintf(m.Stdout, "leaderboards: %d compared (all time, 7 and 30 days, per workspace), all identical\n", res.Leaderboards)
	fmt.Fprintf(m.Stdout, "copied %s to %s in %s: set [storage] url (or PYQBOT_STORAGE_URL) to it and remove [storage] path\n",
		source.Path(), target.Path(), time.Since(start).Round(time.Millisecond))
	return nil
}
