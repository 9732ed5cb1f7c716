package storage

import (
	"context"
	"database/sql"
	"strings"
	"sync"
)

// stmtCache keeps one prepared statement per query text, so SQLite parses each of pyqbot's queries
// once per connection instead of on every call: parsing was a sixth of the CPU an answer cost
// under load (cmd/pyqbot-load -cpuprofile). database/sql prepares a *sql.Stmt lazily on each
// connection it runs on and reuses that inside transactions (Tx.StmtContext). PostgreSQL does not
// use it: pgx already caches prepared statements per connection.
type stmtCache struct {
	db *sql.DB
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

// maxCachedStmts bounds the cache; pyqbot has a few hundred distinct queries. Past it, queries are
// parsed per call as before.
const maxCachedStmts = 512

func newStmtCache(db *sql.DB) *stmtCache { return &stmtCache{db: db, m: map[string]*sql.Stmt{}} }

// cacheable leaves out scripts (several statements, as migrations run) and schema changes, which
// run once.
func cacheable(query string) bool {
	q := strings.TrimSpace(query)
	if strings.Contains(strings.TrimSuffix(q, ";"), ";") {
		return false
	}
	head, _, _ := strings.Cut(q, " ")
	switch strings.ToUpper(head) {
	case "SELECT", "INSERT", "UPDATE", "DELETE", "WITH":
		return true
	}
	return false
}

// get returns the statement for query, preparing it on first use; nil means "run it unprepared"
// (no cache, not cacheable, cache full, or the prepare failed: the plain call then reports the
// error where it belongs).
func (c *stmtCache) get(ctx context.Context, query string) *sql.Stmt {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	s, full := c.m[query], len(c.m) >= maxCachedStmts
	c.mu.Unlock()
	if s != nil || full || !cacheable(query) {
		return s
	}
	s, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.m[query]; old != nil {
		s.Close() // another caller prepared it first
		return old
	}
	c.m[query] = s
	return s
}

// close releases the statements; the store calls it before closing the pool.
func (c *stmtCache) close() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, s := range c.m {
		s.Close()
		delete(c.m, q)
	}
}
