-- PostgreSQL form of 0007_health_probe.sql: written_at holds Unix milliseconds, past INTEGER's range.
CREATE TABLE health_probe (
	id         INTEGER PRIMARY KEY CHECK (id = 1),
	written_at BIGINT NOT NULL
);
