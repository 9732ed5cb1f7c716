package storage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// quickCheckPages is the largest database (in pages, 16 MB at SQLite's default 4 KiB) whose
// PRAGMA quick_check runs before pyqbot serves. quick_check reads every page: at 500,000 answers
// (BenchmarkStartupCheck) it takes well over a second, so bigger files are checked in the
// background and a failure is reported through Health and the log instead of refusing to start.
const quickCheckPages = 4096

// sidecarEvery is how often a commit may rewrite the size record beside the database.
const sidecarEvery = time.Minute

// sidecar keeps PATH.last.json: what the database last held, so a start-up can tell that a file
// that had answers is now empty (truncated, replaced by a fresh one, a volume not mounted).
type sidecar struct {
	emptyFile bool // the file was 0 bytes when Open found it

	mu        sync.Mutex
	enabled   bool // Check ran: this process keeps the record
	hold      bool // the emptied warning stands: keep the old record until answers arrive
	writtenAt time.Time
	writing   bool
}

// sizeRecord is the content of PATH.last.json.
type sizeRecord struct {
	Answers int64     `json:"answers"`
	Posts   int64     `json:"posts"`
	At      time.Time `json:"at"`
}

func sidecarPath(path string) string { return path + ".last.json" }

func isEmptyFile(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular() && st.Size() == 0
}

// Check proves, before pyqbot serves, that the database can do its job: a write commits (the
// probe), the file is sound (quick_check now for small files, in the background for big ones) and
// it still holds what it held last time (PATH.last.json). It refuses with an error naming the path
// and what to do; a lock held by another process and an emptied database are warnings (logged,
// and in Health). From then on the store keeps PATH.last.json up to date.
func (d *DB) Check(ctx context.Context) error {
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	err := d.probeWrite(pctx)
	cancel()
	var f *Fault
	switch {
	case errors.As(err, &f) && f.Kind == FaultBusy:
		d.warn(err.Error(), f.Problem())
	case err != nil:
		return fmt.Errorf("start-up check: %w", err)
	}
	if d.dialect == postgresDialect {
		// The rest is about an SQLite file: its pages and its size record beside it. PostgreSQL
		// checksums its own pages, and one database is shared by replicas that come and go.
		return nil
	}
	var pages int64
	if err := d.db.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages); err != nil {
		return fmt.Errorf("start-up check: %w", explain(d.path, err))
	}
	if pages <= quickCheckPages {
		if err := d.quickCheck(ctx); err != nil {
			return fmt.Errorf("start-up check: %w", err)
		}
	} else {
		d.w.bg.Add(1)
		go func() {
			defer d.w.bg.Done()
			started := time.Now()
			err := d.quickCheck(d.w.stopCtx)
			var f *Fault
			if errors.As(err, &f) {
				d.w.mu.Lock()
				d.w.unsound = f
				d.w.mu.Unlock()
				d.w.log.Error("database integrity check failed", "path", d.path, "err", err)
			} else if err != nil && d.w.stopCtx.Err() == nil {
				d.w.log.Warn("database integrity check could not run", "path", d.path, "err", err)
			} else if err == nil {
				d.w.log.Info("database integrity check passed", "path", d.path, "pages", pages, "took", time.Since(started).Round(time.Millisecond))
			}
		}()
	}
	if err := d.compareSidecar(ctx); err != nil {
		return fmt.Errorf("start-up check: %w", err)
	}
	d.w.side.mu.Lock()
	d.w.side.enabled = true
	d.w.side.mu.Unlock()
	return nil
}

// quickCheck runs SQLite's PRAGMA quick_check (every page, no index contents) and returns a
// corrupt Fault with its first findings when the file is damaged.
func (d *DB) quickCheck(ctx context.Context) error {
	rows, err := d.db.QueryContext(ctx, `PRAGMA quick_check(5)`)
	if err != nil {
		return classify(d.path, err)
	}
	defer rows.Close()
	var found []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return classify(d.path, err)
		}
		if line != "ok" {
			found = append(found, line)
		}
	}
	if err := rows.Err(); err != nil {
		return classify(d.path, err)
	}
	if len(found) > 0 {
		return &Fault{Kind: FaultCorrupt, Path: d.path, Err: fmt.Errorf("quick_check: %s", found)}
	}
	return nil
}

// compareSidecar warns when the database holds no answers but its record says it had some, or
// when the file was 0 bytes (SQLite makes a new database of an empty file without a word).
func (d *DB) compareSidecar(ctx context.Context) error {
	var hasAnswers bool
	var posts int64
	if err := d.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM answers), (SELECT COUNT(*) FROM posts)`).
		Scan(&hasAnswers, &posts); err != nil {
		return explain(d.path, err)
	}
	if hasAnswers {
		return nil
	}
	side := sidecarPath(d.path)
	var last sizeRecord
	raw, err := os.ReadFile(side)
	switch {
	case err == nil:
		if err := json.Unmarshal(raw, &last); err != nil {
			d.w.log.Warn("the record of what the database held is unreadable; ignoring it", "file", side, "err", err)
			last = sizeRecord{}
		}
	case !errors.Is(err, os.ErrNotExist):
		d.w.log.Warn("cannot read the record of what the database held", "file", side, "err", err)
	}
	advice := fmt.Sprintf("if that was not meant, %s; to start afresh on purpose, delete %s", restoreAdvice(d.path), side)
	switch {
	case last.Answers > 0:
		d.w.side.mu.Lock()
		d.w.side.hold = true
		d.w.side.mu.Unlock()
		d.warn(fmt.Sprintf("the database %s holds 0 answers and %s, but when pyqbot last ran (%s) it held %s and %s (%s): it was emptied, truncated or replaced; %s",
			d.path, plural(posts, "post"), last.At.Format(time.RFC3339), plural(last.Answers, "answer"), plural(last.Posts, "post"), filepath.Base(side), advice),
			fmt.Sprintf("emptied: the database holds 0 answers but held %s and %s when pyqbot last ran; restore a backup if that was not meant (see the log)",
				plural(last.Answers, "answer"), plural(last.Posts, "post")))
	case d.w.side.emptyFile:
		d.warn(fmt.Sprintf("the database %s was an empty (0-byte) file, and pyqbot made a new, empty database of it: if it held data before (truncated?), %s", d.path, restoreAdvice(d.path)),
			"emptied: the database file was 0 bytes at start-up and is now a new, empty database; restore a backup if it held data (see the log)")
	}
	return nil
}

func plural(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// warn logs a start-up finding and keeps it for Health.
func (d *DB) warn(logText, healthText string) {
	d.w.log.Warn(logText)
	d.w.mu.Lock()
	d.w.warnings = append(d.w.warnings, healthText)
	d.w.mu.Unlock()
}

// committed rewrites the size record in the background, at most once per sidecarEvery.
func (d *DB) committed() {
	s := &d.w.side
	s.mu.Lock()
	due := s.enabled && !s.writing && (s.writtenAt.IsZero() || d.Now().Sub(s.writtenAt) >= sidecarEvery || d.Now().Before(s.writtenAt))
	if due {
		s.writing, s.writtenAt = true, d.Now()
	}
	s.mu.Unlock()
	if !due {
		return
	}
	d.w.bg.Add(1)
	go func() {
		defer d.w.bg.Done()
		if err := d.writeSidecar(d.w.stopCtx); err != nil && d.w.stopCtx.Err() == nil {
			d.w.log.Warn("cannot record what the database holds", "file", sidecarPath(d.path), "err", err)
		}
		s.mu.Lock()
		s.writing = false
		s.mu.Unlock()
	}()
}

// writeSidecar counts answers and posts and writes PATH.last.json atomically (temp file, rename),
// except while the emptied warning stands and the database is still empty.
func (d *DB) writeSidecar(ctx context.Context) error {
	if d.w.guard.refused() != nil {
		return nil // the file is gone: its last record is the best evidence left
	}
	rec := sizeRecord{At: d.Now().UTC()}
	if err := d.db.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM answers), (SELECT COUNT(*) FROM posts)`).
		Scan(&rec.Answers, &rec.Posts); err != nil {
		return err
	}
	s := &d.w.side
	s.mu.Lock()
	if s.hold && rec.Answers == 0 {
		s.mu.Unlock()
		return nil
	}
	s.hold = false
	s.mu.Unlock()
	raw, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	side := sidecarPath(d.path)
	tmp, err := os.CreateTemp(filepath.Dir(side), filepath.Base(side)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())              // after a successful rename there is nothing to remove
	if err := tmp.Chmod(0o644); err != nil { // CreateTemp makes it 0600; the database's own mode is the usual 0644
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(append(raw, '\n')); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), side)
}

// stopWatching ends background work and, when this process keeps the record, writes it a last
// time (called by Close).
func (d *DB) stopWatching() {
	d.w.stop()
	d.w.bg.Wait()
	d.w.side.mu.Lock()
	enabled := d.w.side.enabled
	d.w.side.mu.Unlock()
	if !enabled {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := d.writeSidecar(ctx); err != nil {
		d.w.log.Warn("cannot record what the database holds", "file", sidecarPath(d.path), "err", err)
	}
}
