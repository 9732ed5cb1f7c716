package storage

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// Migrations: migrations/NNNN_name.sql is SQLite's form of version NNNN and, when its text has a
// line "-- pyqbot: portable", PostgreSQL's too. migrations/postgres/NNNN_name.sql (or
// migrations/sqlite/…) replaces it for that dialect. A version with no form for a dialect fails
// Open on that dialect, and TestEveryMigrationHasAFormForEveryDialect fails the build.
//
//go:embed migrations
var migrationFiles embed.FS

const portableMarker = "-- pyqbot: portable"

type migration struct {
	version int
	name    string // the file it came from, e.g. "postgres/0001_init.sql"
	sql     string
}

// readMigrations lists dir's NNNN_*.sql files by version.
func readMigrations(dir string) (map[int]migration, error) {
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return map[int]migration{}, nil
		}
		return nil, err
	}
	out := map[int]migration{}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		n, err := strconv.Atoi(strings.SplitN(e.Name(), "_", 2)[0])
		if err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number", path.Join(dir, e.Name()))
		}
		body, err := fs.ReadFile(migrationFiles, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		name := strings.TrimPrefix(path.Join(dir, e.Name()), "migrations/")
		if prev, ok := out[n]; ok {
			return nil, fmt.Errorf("migrations %s and %s share version %d: renumber one", prev.name, name, n)
		}
		out[n] = migration{version: n, name: name, sql: string(body)}
	}
	return out, nil
}

// migrationsFor returns dl's form of every version, oldest first.
func migrationsFor(dl dialect) ([]migration, error) {
	shared, err := readMigrations("migrations")
	if err != nil {
		return nil, err
	}
	own, err := readMigrations("migrations/" + dl.String())
	if err != nil {
		return nil, err
	}
	versions := map[int]bool{}
	for v := range shared {
		versions[v] = true
	}
	for v := range own {
		versions[v] = true
	}
	var out []migration
	for v := range versions {
		m, ok := own[v]
		if !ok {
			m = shared[v]
			if dl != sqliteDialect && !strings.Contains(m.sql, portableMarker) {
				return nil, fmt.Errorf("migration %s has no %s form: add migrations/%s/%s, or write it in SQL both accept and mark it %q",
					m.name, dl, dl, m.name, portableMarker)
			}
		}
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// SchemaVersion is the newest migration this build knows.
func SchemaVersion() int {
	ms, _ := migrationsFor(sqliteDialect)
	if len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].version
}

// migrate applies pending migrations in one transaction. On PostgreSQL an advisory lock makes two
// replicas starting at once take turns; SQLite's write lock does that for it.
func (d *DB) migrate(ctx context.Context) error {
	ms, err := migrationsFor(d.dialect)
	if err != nil {
		return err
	}
	sqltx, err := d.db.DB.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	tx := &txn{tx: sqltx, b: d.db.b}
	defer sqltx.Rollback()
	if d.dialect == postgresDialect {
		// 1887007085 is 0x7079716d, "pyqm": one lock id for pyqbot's migrations.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(1887007085)`); err != nil {
			return err
		}
	}
	// A database with tables but no schema_version belongs to another program: a mistyped --db must
	// not turn someone's invoices database into a pyqbot one.
	ours, tables, err := catalogue(ctx, tx, d.dialect)
	if err != nil {
		return err
	}
	if !ours && tables > 0 {
		return foreignSchema(d.dialect, tables)
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`); err != nil {
		return err
	}
	// Every migration not yet applied runs, not only those above the newest applied: migrations are
	// numbered by the branch that wrote them, so 0008 can reach main after 0010 and a database
	// already at 10 still needs it.
	applied, current, err := appliedVersions(ctx, tx)
	if err != nil {
		return err
	}
	if latest := ms[len(ms)-1].version; current > latest {
		return newerSchema(current, latest)
	}
	for _, m := range ms {
		if applied[m.version] {
			continue
		}
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version) VALUES (?)`, m.version); err != nil {
			return err
		}
	}
	return sqltx.Commit()
}

// catalogue counts the database's own tables and says whether schema_version is one of them.
func catalogue(ctx context.Context, q querier, dl dialect) (ours bool, tables int, err error) {
	query := `SELECT
		COUNT(*) FILTER (WHERE name = 'schema_version'),
		COUNT(*) FILTER (WHERE name NOT LIKE 'sqlite_%')
		FROM sqlite_master WHERE type = 'table'`
	if dl == postgresDialect {
		query = `SELECT
			COUNT(*) FILTER (WHERE table_name = 'schema_version'), COUNT(*)
			FROM information_schema.tables WHERE table_schema = current_schema()`
	}
	var n int
	err = q.QueryRowContext(ctx, query).Scan(&n, &tables)
	return n > 0, tables, err
}

// appliedVersions reads schema_version: every version applied, and the newest.
func appliedVersions(ctx context.Context, q querier) (map[int]bool, int, error) {
	rows, err := q.QueryContext(ctx, `SELECT version FROM schema_version`)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	applied, current := map[int]bool{}, 0
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, 0, err
		}
		applied[v], current = true, max(current, v)
	}
	return applied, current, rows.Err()
}

func foreignSchema(dl dialect, tables int) error {
	return fmt.Errorf("it is a %s database of another program (%d tables, no pyqbot schema): choose another %s",
		dl.title(), tables, dl.target())
}

func newerSchema(current, latest int) error {
	return fmt.Errorf("it was written by a newer pyqbot (schema version %d; this build knows up to %d): upgrade pyqbot, or point it at another database", current, latest)
}
