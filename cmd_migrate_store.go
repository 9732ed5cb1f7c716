package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
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
			"workspace's leaderboards. The SQLite file is only read (an older schema is brought up to date\n"+
			"in a temporary copy). Stop pyqbot first: answers given during the copy would be left behind.")
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
	source, cleanup, err := m.openMigrateSource(ctx, src)
	if err != nil {
		return err
	}
	defer cleanup()
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
		src, target.Path(), time.Since(start).Round(time.Millisecond))
	return nil
}

// openMigrateSource opens the SQLite database to copy without writing it: migrate-store is asked
// to read it, and a team keeps it as its way back. One with an older schema than this pyqbot's is
// brought up to date in a temporary copy (a backup of it, migrated), which is what gets copied.
func (m *Main) openMigrateSource(ctx context.Context, path string) (*storage.DB, func(), error) {
	source, err := storage.OpenReadOnly(ctx, path)
	if err != nil {
		return nil, nil, err
	}
	if source.RequireCurrentSchema() == nil {
		return source, func() { source.Close() }, nil
	}
	dir, err := os.MkdirTemp("", "pyqbot-migrate-store-")
	if err != nil {
		source.Close()
		return nil, nil, fmt.Errorf("%s has an older schema than this pyqbot's and needs an up-to-date temporary copy: %w (set TMPDIR to a directory with room for it)", path, err)
	}
	cleanup := func() { os.RemoveAll(dir) }
	copyPath := filepath.Join(dir, "pyqbot.db")
	fmt.Fprintf(m.Stderr, "pyqbot migrate-store: %s has an older schema than this pyqbot's; copying from an up-to-date temporary copy in %s (%s itself is not changed)\n", path, dir, path)
	err = source.Backup(ctx, copyPath)
	source.Close()
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	upgraded, err := storage.Open(ctx, copyPath)
	if err != nil {
		cleanup()
		return nil, nil, fmt.Errorf("bring the temporary copy of %s up to date: %w", path, err)
	}
	return upgraded, func() { upgraded.Close(); cleanup() }, nil
}
