package storage

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Backup writes a consistent copy of the live database to path with VACUUM INTO, which reads one
// snapshot while the bot keeps writing (WAL readers never block writers). It refuses to overwrite.
func (d *DB) Backup(ctx context.Context, path string) error {
	if d.dialect == postgresDialect {
		return ErrBackupPostgres
	}
	if path == "" {
		return errors.New("say where to write the backup: pyqbot backup FILE")
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup %s: the file already exists; choose a new name (a backup never overwrites)", path)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("backup %s: %w", path, err)
	}
	if st, err := os.Stat(filepath.Dir(path)); err != nil || !st.IsDir() {
		return fmt.Errorf("backup %s: directory %s does not exist", path, filepath.Dir(path))
	}
	if _, err := d.db.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("backup %s: %w", path, explain(path, err))
	}
	if err := d.unchangedSince(); err != nil {
		os.Remove(path) // it may hold pages from before and after a write
		return fmt.Errorf("backup %s: %w", path, err)
	}
	return nil
}

// ErrBackupPostgres is Backup's answer on PostgreSQL: the server has its own consistent dump tool,
// and a copy written by pyqbot would be one more format to restore from.
var ErrBackupPostgres = errors.New("pyqbot backup copies an SQLite database; on PostgreSQL use pg_dump, which reads one " +
	"consistent snapshot while the bot runs: pg_dump --format=custom --file=pyqbot.dump \"$URL\"; restore into an " +
	"empty database with pg_restore --dbname=\"$URL\" pyqbot.dump (or, for a plain pg_dump without --format, psql \"$URL\" -f FILE)")

// IntegrityCheck runs PRAGMA integrity_check and returns its verdict ("ok" when sound). PostgreSQL
// has no such check in SQL (amcheck is an extension an operator runs): it answers "ok" when the
// server answers.
func (d *DB) IntegrityCheck(ctx context.Context) (string, error) {
	if d.dialect == postgresDialect {
		if err := d.Ping(ctx); err != nil {
			return "", err
		}
		return "ok", nil
	}
	var verdict string
	err := d.db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&verdict)
	return verdict, err
}
