-- Problems around a channel's posts that did not stop them (a thread that could not be started),
-- kept so `/pyq schedule` can show admins why something looks wrong.
CREATE TABLE channel_problems (
	id         INTEGER PRIMARY KEY,
	channel_id INTEGER NOT NULL REFERENCES channels (id),
	at         INTEGER NOT NULL,
	text       TEXT NOT NULL
);
CREATE INDEX channel_problems_recent ON channel_problems (channel_id, at);
