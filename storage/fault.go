package storage

import (
	"context"
	"errors"
	"fmt"
	"syscall"

	"github.com/pyqbot/pyqbot/bot"
	"modernc.org/sqlite"
)

// FaultKind names what stops the database from taking writes.
type FaultKind string

const (
	FaultReadOnly FaultKind = "read-only"
	FaultFull     FaultKind = "disk full"
	FaultBusy     FaultKind = "busy"
	FaultCorrupt  FaultKind = "corrupt"
	FaultVanished FaultKind = "vanished"
	FaultIO       FaultKind = "i/o error"
)

// Fault is a store error that means the database cannot take writes: nothing of the failed
// transaction was kept. Error names the path and says what to do (for the log); Problem says the
// same without the path (for /healthz, which may be reachable from outside). It matches
// bot.ErrStoreUnavailable, so the user is told their action was not recorded.
type Fault struct {
	Kind FaultKind
	Path string
	Err  error
}

// restoreAdvice is how to put a backup in place; the README's backup section says the same.
func restoreAdvice(path string) string {
	return fmt.Sprintf("restore a backup: stop pyqbot, copy the backup (made with `pyqbot backup`) over %s, delete the -wal and -shm files beside it, start pyqbot again", path)
}

func (f *Fault) Error() string {
	p := f.Path
	var what string
	switch f.Kind {
	case FaultReadOnly:
		what = fmt.Sprintf("the database %s is read-only for this process: give the user running pyqbot write access to the file and its directory (or mount the volume read-write), then restart pyqbot", p)
	case FaultFull:
		what = fmt.Sprintf("the disk holding %s is full: free space on it, then try again (a running pyqbot writes again by itself once there is room)", p)
	case FaultBusy:
		what = fmt.Sprintf("another process holds the write lock on %s (a second pyqbot, the sqlite3 shell, a backup tool?): stop it or let it finish", p)
	case FaultCorrupt:
		what = fmt.Sprintf("the database %s is corrupt: %s", p, restoreAdvice(p))
	case FaultVanished:
		what = fmt.Sprintf("the database file %s was deleted, replaced or truncated while pyqbot was running, so pyqbot refuses every write (it would go to a file that no longer exists and be lost): restart pyqbot to open what is at that path now; if the file is gone, first %s", p, restoreAdvice(p))
	default:
		what = fmt.Sprintf("reading or writing the database %s failed: check the disk and the file", p)
	}
	if f.Err != nil {
		return what + " (" + f.Err.Error() + ")"
	}
	return what
}

// Problem is what /healthz says: the kind and the remedy, without the path or SQLite's text.
func (f *Fault) Problem() string {
	switch f.Kind {
	case FaultReadOnly:
		return "read-only: the database file cannot be written by pyqbot; fix its permissions (see the log)"
	case FaultFull:
		return "disk full: the disk holding the database is full; free space on it (see the log)"
	case FaultBusy:
		return "busy: another process holds the database's write lock, so writes wait and fail (see the log)"
	case FaultCorrupt:
		return "corrupt: the database file is damaged; restore a backup (see the log)"
	case FaultVanished:
		return "vanished: the database file was deleted, replaced or truncated while running; writes are refused; restart pyqbot, restoring a backup first if the file is gone (see the log)"
	}
	return "i/o error: reading or writing the database failed (see the log)"
}

func (f *Fault) Unwrap() error { return f.Err }

// Is makes a Fault match bot.ErrStoreUnavailable: the core's "not recorded, try again later".
func (f *Fault) Is(target error) bool { return target == bot.ErrStoreUnavailable }

// SQLite's primary result codes (sqlite3.h) that mean the store, not the request, is at fault.
const (
	sqliteBusy     = 5
	sqliteLocked   = 6
	sqliteReadOnly = 8
	sqliteIOErr    = 10
	sqliteCorrupt  = 11
	sqliteFull     = 13
	sqliteCantOpen = 14
	sqliteNotADB   = 26
	// sqliteIOErrShmSize is SQLITE_IOERR_SHMSIZE: the -shm file could not grow, which is what a
	// full disk looks like when a connection opens (sqlite3.h: "perhaps because the disk is full").
	sqliteIOErrShmSize = sqliteIOErr | 19<<8
)

// classify turns an error that means the database cannot take writes into a *Fault naming path;
// any other error (a domain error, a cancelled request, a bug) comes back unchanged.
func classify(path string, err error) error {
	if err == nil {
		return nil
	}
	var f *Fault
	if errors.As(err, &f) {
		return err
	}
	if errors.Is(err, syscall.ENOSPC) {
		return &Fault{Kind: FaultFull, Path: path, Err: err}
	}
	if errors.Is(err, syscall.EROFS) {
		return &Fault{Kind: FaultReadOnly, Path: path, Err: err}
	}
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return err
	}
	kind := FaultKind("")
	if se.Code() == sqliteIOErrShmSize {
		return &Fault{Kind: FaultFull, Path: path, Err: err}
	}
	switch se.Code() & 0xff {
	case sqliteBusy, sqliteLocked:
		kind = FaultBusy
	case sqliteReadOnly:
		kind = FaultReadOnly
	case sqliteFull:
		kind = FaultFull
	case sqliteCorrupt, sqliteNotADB:
		kind = FaultCorrupt
	case sqliteIOErr, sqliteCantOpen:
		kind = FaultIO
	default:
		return err
	}
	return &Fault{Kind: kind, Path: path, Err: err}
}

// isWriteFailure says whether a write transaction's error says something about the store (and so
// belongs in its health), rather than about the request: a question already closed, an answer
// already given, or a caller that gave up.
func isWriteFailure(ctx context.Context, err error) bool {
	switch {
	case err == nil, ctx.Err() != nil,
		errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, bot.ErrNotFound), errors.Is(err, bot.ErrAlreadyAnswered), errors.Is(err, bot.ErrClosed):
		return false
	}
	var ue *bot.UserError
	return !errors.As(err, &ue)
}
