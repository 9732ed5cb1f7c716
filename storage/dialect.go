package storage

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"sync"
)

// dialect is which SQL the store speaks. Queries are written once, in the subset SQLite and
// PostgreSQL share, with `?` placeholders; the few spots where the two differ (placeholders,
// index hints, the catalogue, backups, retrying a transaction) ask the dialect.
type dialect int

const (
	sqliteDialect dialect = iota
	postgresDialect
)

func (dl dialect) String() string {
	if dl == postgresDialect {
		return "postgres"
	}
	return "sqlite"
}

// indexedBy pins SQLite's planner to an index whose columns cover a query; PostgreSQL has no index
// hints (its planner picks the covering index from statistics).
func (dl dialect) indexedBy(index string) string {
	if dl == postgresDialect {
		return ""
	}
	return " INDEXED BY " + index
}

// binder rewrites `?` placeholders to PostgreSQL's `$1…` once per distinct query and keeps the
// result, so the hot path costs one map read.
type binder struct {
	dialect dialect
	stmts   *stmtCache // SQLite only; nil: every call is prepared by the driver
	cache   sync.Map   // query string -> rebound string
}

func (b *binder) bind(query string) string {
	if b.dialect != postgresDialect {
		return query
	}
	if q, ok := b.cache.Load(query); ok {
		return q.(string)
	}
	q := rebind(query)
	b.cache.Store(query, q)
	return q
}

// rebind numbers the `?` placeholders outside string literals and quoted identifiers.
func rebind(query string) string {
	var sb strings.Builder
	sb.Grow(len(query) + 8)
	n := 0
	var quote byte // the open quote character, 0 outside quotes
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0 // a doubled quote closes and reopens: the result is the same
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			sb.WriteByte('$')
			sb.WriteString(strconv.Itoa(n))
			continue
		}
		sb.WriteByte(c)
	}
	return sb.String()
}

// pool is the connection pool with placeholders rebound for the dialect.
type pool struct {
	*sql.DB
	b *binder
}

func (p *pool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	q := p.b.bind(query)
	if st := p.b.stmts.get(ctx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return p.DB.ExecContext(ctx, q, args...)
}

func (p *pool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	q := p.b.bind(query)
	if st := p.b.stmts.get(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return p.DB.QueryContext(ctx, q, args...)
}

func (p *pool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	q := p.b.bind(query)
	if st := p.b.stmts.get(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return p.DB.QueryRowContext(ctx, q, args...)
}

// txn is a transaction with placeholders rebound for the dialect.
type txn struct {
	tx *sql.Tx
	b  *binder
}

// stmt is the cached statement for q bound to this transaction, or nil.
func (t *txn) stmt(ctx context.Context, q string) *sql.Stmt {
	if st := t.b.stmts.get(ctx, q); st != nil {
		return t.tx.StmtContext(ctx, st)
	}
	return nil
}

func (t *txn) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	q := t.b.bind(query)
	if st := t.stmt(ctx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, q, args...)
}

func (t *txn) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	q := t.b.bind(query)
	if st := t.stmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, q, args...)
}

func (t *txn) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	q := t.b.bind(query)
	if st := t.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, q, args...)
}

// b2i stores a flag in an INTEGER column: SQLite takes a Go bool there, PostgreSQL does not.
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// title names the database system in messages.
func (dl dialect) title() string {
	if dl == postgresDialect {
		return "PostgreSQL"
	}
	return "SQLite"
}

// target is what an operator changes to point pyqbot elsewhere.
func (dl dialect) target() string {
	if dl == postgresDialect {
		return "database ([storage] url)"
	}
	return "path ([storage] path or --db)"
}

// bytewise follows an ORDER BY on text so both dialects order names the same way: SQLite compares
// bytes, PostgreSQL the database's locale (where "bob" sorts before "Carol") unless told "C".
func (dl dialect) bytewise() string {
	if dl == postgresDialect {
		return ` COLLATE "C"`
	}
	return ""
}
