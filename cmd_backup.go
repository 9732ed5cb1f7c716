package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/pyqbot/pyqbot/storage"
)

// backupCmd copies the live database consistently while the bot keeps running.
func (m *Main) backupCmd(ctx context.Context, args []string) error {
	fs := m.newFlags("backup [--config FILE] [--db PATH] FILE",
		"Writes a consistent copy of the database to FILE while the bot runs (never overwrites).\n"+
			"Restore: stop pyqbot, put FILE in place of the database (and delete its -wal/-shm files), start pyqbot.")
	configPath, dbPath := fs.storeFlags("TOML config file", "database to back up (default [storage] path)")
	if err := m.finishParse(fs, args); err != nil {
		return err
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

// openStoreFor opens, read-only, the database a maintenance command reads: --db, else the
// config's path. It must already exist (a backup or export of a typo must not report success),
// and it is never migrated or written: storage.OpenReadOnly refuses an empty file and a newer
// schema, and opens an older one as it is (Backup copies it; queries check RequireCurrentSchema).
func (m *Main) openStoreFor(ctx context.Context, configPath, dbPath string) (*storage.DB, error) {
	cfg, err := m.config(configPath)
	if err != nil {
		return nil, err
	}
	if err := cfg.setDBFlag(dbPath); err != nil {
		return nil, err
	}
	if err := mustExist(cfg.storeTarget()); err != nil {
		return nil, err
	}
	return storage.OpenReadOnly(ctx, cfg.storeTarget())
}

// openQueryStore is openStoreFor for a command that queries the database (export, content report):
// their queries are written for this build's schema, so an older one is refused (the error says
// how to bring it up to date) and closed again.
func (m *Main) openQueryStore(ctx context.Context, configPath, dbPath string) (*storage.DB, error) {
	store, err := m.openStoreFor(ctx, configPath, dbPath)
	if err != nil {
		return nil, err
	}
	if err := store.RequireCurrentSchema(); err != nil {
		store.Close()
		return nil, err
	}
	return store, nil
}

// mustExist refuses a database path that names no file (or names a directory), saying which path
// and where it came from. A checked-then-opened race only matters if the file vanishes in between,
// which a running bot never does to its own database.
func mustExist(path string) error {
	if strings.Contains(path, "://") {
		return nil // a server URL, not a file
	}
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("database %s does not exist: check --db or [storage] path (this command reads a database and never creates one)", path)
	case err != nil:
		return fmt.Errorf("database %s: %w", path, err)
	case st.IsDir():
		return fmt.Errorf("database %s is a directory: name the database file", path)
	}
	return nil
}
