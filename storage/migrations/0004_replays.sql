-- Signed requests and platform events already acted on (bot.ReplayStore): a captured request
-- re-sent inside its signature window, or an Events API retry, is recognised across restarts and
-- across processes on one database. Rows older than the memory window are deleted as claims come.
CREATE TABLE replays (
	kind    TEXT NOT NULL,    -- "request" (a signature or delivery id) or "event" (an event id)
	key     TEXT NOT NULL,
	seen_at INTEGER NOT NULL, -- unix milliseconds
	PRIMARY KEY (kind, key)
) WITHOUT ROWID;
CREATE INDEX replays_age ON replays (kind, seen_at);
