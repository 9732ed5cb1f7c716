-- One row that /healthz and the start-up check rewrite to prove a write transaction commits (a read
-- succeeds on a read-only file, a full disk or a file that was deleted while running).
CREATE TABLE health_probe (
	id         INTEGER PRIMARY KEY CHECK (id = 1),
	written_at INTEGER NOT NULL
);
