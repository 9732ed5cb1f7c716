-- pyqbot: portable
-- Channel leases (locks.go): a replica holds one while it posts, reveals or edits a channel's
-- question, so two replicas on one PostgreSQL database never both post "today's" question. A lease
-- left by a replica that died ends at expires_at (Unix milliseconds).
CREATE TABLE channel_locks (
	channel_id BIGINT PRIMARY KEY,
	owner      TEXT NOT NULL,
	expires_at BIGINT NOT NULL
);
