package storage

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"sync"
	"syscall"
)

// guard notices that the database file pyqbot has open is no longer the one at its path: the
// directory or the file was deleted, or another file was moved over it (a restore done while
// running). SQLite keeps writing to the open, unlinked file without an error, so every answer
// would be confirmed and then lost at exit. One stat of the file and one of its -wal per commit
// (a few microseconds) compared with what was open at start-up closes that hole.
type guard struct {
	path string
	db   fileID
	wal  fileID // zero when there was no -wal file to capture

	mu     sync.Mutex
	broken *Fault // sticky: once the file is gone, every later write is refused
	log    *slog.Logger
}

type fileID struct{ dev, ino uint64 }

func (id fileID) zero() bool { return id == fileID{} }

// statID returns the file's identity and size.
func statID(path string) (fileID, int64, error) {
	st, err := os.Stat(path)
	if err != nil {
		return fileID{}, 0, err
	}
	sys, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return fileID{}, st.Size(), nil // no inode on this platform: the guard checks that the file exists
	}
	return fileID{dev: uint64(sys.Dev), ino: uint64(sys.Ino)}, st.Size(), nil
}

// newGuard captures the identity of path and path-wal. It runs after the store holds a
// connection of its own, so SQLite does not delete and recreate the -wal file (it does that when
// the last connection closes) and a new -wal inode means someone else's doing.
func newGuard(path string, log *slog.Logger) (*guard, error) {
	id, _, err := statID(path)
	if err != nil {
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	g := &guard{path: path, db: id, log: log}
	if wal, _, err := statID(path + "-wal"); err == nil {
		g.wal = wal
	}
	return g, nil
}

// refused is the sticky fault, or nil while the file is still the one at the path.
func (g *guard) refused() error {
	if g == nil {
		return nil
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.broken != nil {
		return g.broken
	}
	return nil
}

// check stats the file and its -wal and compares them with what was opened. Only an absent file
// or another file in its place counts: a stat refused for another reason (a directory made
// unreadable) leaves the open file as sound as it was.
func (g *guard) check() error {
	if g == nil {
		return nil
	}
	if err := g.refused(); err != nil {
		return err
	}
	what := ""
	// A database pyqbot has opened is never 0 bytes (migrations wrote its schema, and pyqbot
	// never runs VACUUM): 0 bytes is `truncate` or `> file` on the live file, which SQLite would
	// go on writing into at offsets past the end.
	if id, size, err := statID(g.path); isGone(err) {
		what = "the file is gone"
	} else if err == nil && !g.db.zero() && id != g.db {
		what = "another file is at its path"
	} else if err == nil && size == 0 {
		what = "the file was truncated to 0 bytes"
	} else if !g.wal.zero() {
		if id, _, err := statID(g.path + "-wal"); isGone(err) {
			what = "its -wal file is gone"
		} else if err == nil && id != g.wal {
			what = "another -wal file is at its path"
		}
	}
	if what == "" {
		return nil
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.broken == nil {
		g.broken = &Fault{Kind: FaultVanished, Path: g.path, Err: errors.New(what)}
		// Logged once here; every refused write after this says so in its own error.
		g.log.Error("database file vanished: refusing every write from now on", "path", g.path, "detail", what, "err", g.broken.Error())
	}
	return g.broken
}

func isGone(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}
