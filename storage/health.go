package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Health is what the store knows about its ability to keep what users send.
type Health struct {
	// Problem is "" while an answer can be committed; otherwise the kind and the remedy, without
	// the path (for /healthz, which may be reachable from outside).
	Problem string
	// Err is the full error behind Problem, naming the path: for the log.
	Err error
	// Warnings are start-up findings that do not stop writes, e.g. a database that had answers
	// and is now empty.
	Warnings []string
}

const (
	// probeTTL is how long a probe's verdict stands, so a flood of health checks costs one write
	// transaction every few seconds.
	probeTTL = 2 * time.Second
	// probeBusyMillis is the probe connection's busy_timeout: a lock held by another process is
	// reported within a health check's time, not after the 10 s that users' writes wait.
	probeBusyMillis = 1000
)

// watch is what the store keeps about its own health: the file guard, the probe's connection and
// verdict, the last real write's outcome, start-up findings and the size record (startup.go).
type watch struct {
	log   *slog.Logger
	guard *guard
	// probe is a connection of the store's own, held for its life: it carries the short
	// busy_timeout and keeps the -wal file in place (see newGuard).
	probe *sql.Conn
	// queued is set while a probe that gave up still waits for writeMu, so health checks during a
	// long stall do not pile up goroutines.
	queued atomic.Bool

	probeMu  sync.Mutex // one probe at a time; callers behind it get its verdict
	probeAt  time.Time
	probeErr error

	mu       sync.Mutex
	lastFail *Fault // the last real write's fault, nil once a later write committed
	unsound  *Fault // a failed quick_check (run in the background on big databases)
	warnings []string

	side   sidecar
	closed atomic.Bool
	// stop ends background work (the integrity check, a size record being written) at Close.
	stopCtx context.Context
	stop    context.CancelFunc
	bg      sync.WaitGroup
}

func newWatch() *watch {
	ctx, cancel := context.WithCancel(context.Background())
	return &watch{log: slog.Default(), stopCtx: ctx, stop: cancel}
}

// SetLogger sets where the store reports what it finds by itself: a vanished file (once), a
// failed background integrity check, start-up warnings.
func (d *DB) SetLogger(log *slog.Logger) {
	d.w.log = log
	if g := d.w.guard; g != nil {
		g.mu.Lock()
		g.log = log
		g.mu.Unlock()
	}
}

// wrote records the outcome of a write transaction and turns a store failure into a *Fault.
func (d *DB) wrote(err error) error {
	err = classify(d.path, err)
	var f *Fault
	switch {
	case err == nil:
		d.w.mu.Lock()
		d.w.lastFail = nil
		d.w.mu.Unlock()
		// A failed probe's verdict no longer stands once a real write commits (space was freed,
		// a lock let go). An ok verdict is left to expire: this commit may have been the last
		// before a lock was taken elsewhere.
		d.w.probeMu.Lock()
		if d.w.probeErr != nil {
			d.w.probeAt = time.Time{}
		}
		d.w.probeMu.Unlock()
		d.committed()
	case errors.As(err, &f):
		d.w.mu.Lock()
		d.w.lastFail = f
		d.w.mu.Unlock()
	}
	return err
}

// Health proves that a write commits (a probe cached for probeTTL) and reports the last real
// write's fault, a vanished file, a failed integrity check and start-up warnings. Callers bound
// it with ctx; a write lock held elsewhere is reported within about a second.
func (d *DB) Health(ctx context.Context) Health {
	d.w.mu.Lock()
	h := Health{Warnings: append([]string(nil), d.w.warnings...)}
	unsound, lastFail := d.w.unsound, d.w.lastFail
	d.w.mu.Unlock()
	err := d.w.guard.refused()
	if err == nil && unsound != nil {
		err = unsound
	}
	if err == nil {
		err = d.probeCached(ctx)
	}
	if err == nil && lastFail != nil {
		err = lastFail
	}
	if err != nil {
		h.Err = err
		var f *Fault
		if errors.As(err, &f) {
			h.Problem = f.Problem()
		} else {
			h.Problem = "the database does not take writes (see the log)"
		}
	}
	return h
}

func (d *DB) probeCached(ctx context.Context) error {
	d.w.probeMu.Lock()
	defer d.w.probeMu.Unlock()
	if now := d.Now(); !d.w.probeAt.IsZero() && now.Sub(d.w.probeAt) < probeTTL && !now.Before(d.w.probeAt) {
		return d.w.probeErr
	}
	err := d.probeWrite(ctx)
	d.w.probeAt, d.w.probeErr = d.Now(), err
	if err == nil {
		// A probe that commits proves a lock held earlier is gone; it says nothing about room
		// for new pages (it rewrites one row in place) or damage elsewhere in the file.
		d.w.mu.Lock()
		if f := d.w.lastFail; f != nil && f.Kind != FaultFull && f.Kind != FaultCorrupt {
			d.w.lastFail = nil
		}
		d.w.mu.Unlock()
	}
	return err
}

// probeWrite commits one UPSERT in a write transaction, queued behind this process's writers but
// no longer than ctx allows, through the file guard like every write.
func (d *DB) probeWrite(ctx context.Context) error {
	if !d.w.queued.CompareAndSwap(false, true) {
		return &Fault{Kind: FaultBusy, Path: d.path, Err: errors.New("an earlier health probe is still waiting behind this process's writes")}
	}
	got := make(chan struct{})
	go func() { d.writeMu.Lock(); close(got) }()
	select {
	case <-got:
		d.w.queued.Store(false)
	case <-ctx.Done():
		go func() { <-got; d.writeMu.Unlock(); d.w.queued.Store(false) }()
		return &Fault{Kind: FaultBusy, Path: d.path, Err: fmt.Errorf("a write transaction held this process's write queue longer than the health check waits (%w)", ctx.Err())}
	}
	defer d.writeMu.Unlock()
	if err := d.w.guard.check(); err != nil {
		return err
	}
	var tx *sql.Tx
	var err error
	if d.w.probe != nil {
		tx, err = d.w.probe.BeginTx(ctx, nil)
	} else {
		tx, err = d.db.BeginTx(ctx, nil)
	}
	if err != nil {
		return d.probeFailed(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, d.db.b.bind(`INSERT INTO health_probe (id, written_at) VALUES (1, ?)
		ON CONFLICT (id) DO UPDATE SET written_at = excluded.written_at`), millis(d.Now())); err != nil {
		return d.probeFailed(err)
	}
	if err := d.w.guard.check(); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return d.probeFailed(err)
	}
	return d.w.guard.check()
}

func (d *DB) probeFailed(err error) error {
	err = classify(d.path, err)
	var f *Fault
	if !errors.As(err, &f) {
		return fmt.Errorf("health probe on %s: %w", d.path, err)
	}
	return err
}

// pinProbe takes the store's own connection for the probe (see watch.probe) and captures the
// file's identity for the guard. SQLite only.
func (d *DB) pinProbe(ctx context.Context) error {
	conn, err := d.db.Conn(ctx)
	if err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", probeBusyMillis)); err != nil {
		conn.Close()
		return err
	}
	g, err := newGuard(d.path, d.w.log)
	if err != nil {
		conn.Close()
		return err
	}
	d.w.probe, d.w.guard = conn, g
	return nil
}

// Ping runs the cheapest query that proves the database answers: a closed store, a file that went
// away or a lock held past busy_timeout all fail it. Callers bound it with ctx.
func (d *DB) Ping(ctx context.Context) error {
	var one int
	if err := d.db.QueryRowContext(ctx, `SELECT 1 FROM schema_version LIMIT 1`).Scan(&one); err != nil {
		return fmt.Errorf("database %s does not answer: %w", d.path, err)
	}
	return nil
}

// OpenPostCount is how many team questions are open, across every channel.
func (d *DB) OpenPostCount(ctx context.Context) (int, error) {
	var n int
	err := d.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM posts WHERE closed_at IS NULL`).Scan(&n)
	return n, err
}
