-- pyqbot: portable
-- Channel leases moved to PostgreSQL advisory locks (locks.go), which end when a dead replica's
-- connection closes; the lease table of migration 0011 has been neither read nor written since.
DROP TABLE channel_locks;
