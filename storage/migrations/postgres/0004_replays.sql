-- PostgreSQL form of 0004_replays.sql: the primary key is the claim (INSERT … ON CONFLICT DO NOTHING
-- lets exactly one of two processes in).
CREATE TABLE replays (
	kind    TEXT NOT NULL,
	key     TEXT NOT NULL,
	seen_at BIGINT NOT NULL,
	PRIMARY KEY (kind, key)
);
CREATE INDEX replays_age ON replays (kind, seen_at);
