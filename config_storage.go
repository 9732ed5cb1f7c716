package main

import (
	"fmt"

	"github.com/pyqbot/pyqbot/storage"
)

// defaultDBPath is the SQLite file used when neither [storage] path nor [storage] url is set.
const defaultDBPath = "./pyqbot.db"

// checkStorage picks the store: [storage] url (PYQBOT_STORAGE_URL) is PostgreSQL, [storage] path
// (PYQBOT_STORAGE_PATH) SQLite. Both at once is an error naming both: guessing which one was meant
// could put a team's answers in a database nobody reads.
func (c *Config) checkStorage() error {
	switch {
	case c.Storage.URL != "" && c.Storage.Path != "":
		return fmt.Errorf("%s and [storage] path are both set (or PYQBOT_STORAGE_URL and PYQBOT_STORAGE_PATH): "+
			"set url for PostgreSQL or path for an SQLite file, not both", c.whereInFile("[storage] url"))
	case c.Storage.URL != "":
		if !storage.IsPostgresURL(c.Storage.URL) {
			// Not quoted back: the value may hold a password.
			return fmt.Errorf("%s must start with postgres:// or postgresql:// (for an SQLite file use [storage] path)", c.where("[storage] url"))
		}
		if _, _, err := storage.RedactURL(c.Storage.URL); err != nil {
			return fmt.Errorf("%s: %w", c.where("[storage] url"), err)
		}
	case c.Storage.Path == "":
		c.Storage.Path = defaultDBPath
	}
	return nil
}

// setDBFlag applies --db, which names an SQLite file: with [storage] url set it is refused, naming
// both, for the reason checkStorage gives.
func (c *Config) setDBFlag(path string) error {
	if path == "" {
		return nil
	}
	if c.Storage.URL != "" {
		return fmt.Errorf("--db %s names an SQLite file, but %s is set too: drop one of them", path, c.where("[storage] url"))
	}
	c.Storage.Path = path
	return nil
}

// storeTarget is what storage.Open takes: the PostgreSQL URL, else the SQLite path.
func (c *Config) storeTarget() string {
	if c.Storage.URL != "" {
		return c.Storage.URL
	}
	return c.Storage.Path
}

// storeShown names the store for logs and banners, never with a password.
func (c *Config) storeShown() string {
	if c.Storage.URL == "" {
		return c.Storage.Path
	}
	shown, _, err := storage.RedactURL(c.Storage.URL)
	if err != nil {
		return "(PostgreSQL URL)"
	}
	return shown
}
