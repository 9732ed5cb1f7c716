package storage

import (
	"context"
	"fmt"
)

// HoldRole takes role (such as "discord-gateway") for this process among all the processes on the
// database, and keeps it until the store is closed or the process ends. It reports false when
// another process holds it. On PostgreSQL the role is a session advisory lock on a connection of
// its own: the server frees it the moment the holder's connection closes, a SIGKILL included, so a
// replacement can take it at once. On SQLite it is always granted: one process serves a file.
func (d *DB) HoldRole(ctx context.Context, role string) (bool, error) {
	if d.dialect != postgresDialect {
		return true, nil
	}
	conn, err := d.locks.Conn(ctx)
	if err != nil {
		return false, fmt.Errorf("take the %s role: %w", role, err)
	}
	var got bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock(hashtext(current_schema() || '.role'), hashtext($1))`, role).Scan(&got); err != nil {
		discard(conn)
		return false, fmt.Errorf("take the %s role: %w", role, err)
	}
	if !got {
		conn.Close()
		return false, nil
	}
	d.rolesMu.Lock()
	d.roles = append(d.roles, conn)
	d.rolesMu.Unlock()
	return true, nil
}

// releaseRoles ends the sessions holding this process's roles, which frees them.
func (d *DB) releaseRoles() {
	d.rolesMu.Lock()
	defer d.rolesMu.Unlock()
	for _, c := range d.roles {
		discard(c)
	}
	d.roles = nil
}
