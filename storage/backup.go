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
	return nil
}

// IntegrityCheck runs PRAGMA integrity_check and returns its verdict ("ok" when sound).
func (d *DB) IntegrityCheck(ctx context.Context) (string, error) {
	var verdict string
	err := d.db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&verdict)
	return verdict, err
}
