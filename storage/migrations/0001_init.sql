-- Times are Unix milliseconds (UTC). Days are YYYY-MM-DD in the channel's zone.
CREATE TABLE workspaces (
	id          INTEGER PRIMARY KEY,
	platform    TEXT NOT NULL,
	external_id TEXT NOT NULL,
	created_at  INTEGER NOT NULL,
	UNIQUE (platform, external_id)
);

CREATE TABLE channels (
	id           INTEGER PRIMARY KEY,
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
	external_id  TEXT NOT NULL,
	timezone     TEXT NOT NULL,
	topics       TEXT NOT NULL DEFAULT '', -- comma-separated; empty allows all
	kinds        TEXT NOT NULL DEFAULT '',
	difficulties TEXT NOT NULL DEFAULT '',
	created_at   INTEGER NOT NULL,
	UNIQUE (workspace_id, external_id)
);

CREATE TABLE users (
	id           INTEGER PRIMARY KEY,
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
	external_id  TEXT NOT NULL,
	name         TEXT NOT NULL,
	created_at   INTEGER NOT NULL,
	UNIQUE (workspace_id, external_id)
);

-- posts are team questions posted in a channel, with where the platform put them.
CREATE TABLE posts (
	id           INTEGER PRIMARY KEY,
	channel_id   INTEGER NOT NULL REFERENCES channels (id),
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
	question_id  TEXT NOT NULL,
	kind         TEXT NOT NULL,
	topic        TEXT NOT NULL,
	posted_at    INTEGER NOT NULL,
	day          TEXT NOT NULL,
	reveal_at    INTEGER NOT NULL,
	ref_channel  TEXT NOT NULL DEFAULT '',
	ref_id       TEXT NOT NULL DEFAULT '',
	ref_thread   TEXT NOT NULL DEFAULT '',
	closed_at    INTEGER
);
CREATE INDEX posts_by_channel ON posts (channel_id, posted_at);
CREATE INDEX posts_closed_days ON posts (workspace_id, day) WHERE closed_at IS NOT NULL;

-- answers carry workspace_id so the leaderboard reads one covering index.
CREATE TABLE answers (
	id           INTEGER PRIMARY KEY,
	post_id      INTEGER NOT NULL REFERENCES posts (id),
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
	user_id      INTEGER NOT NULL REFERENCES users (id),
	keys         TEXT NOT NULL,
	text         TEXT NOT NULL,
	answered_at  INTEGER NOT NULL,
	graded       INTEGER NOT NULL DEFAULT 0,
	correct      INTEGER, -- 1 right, 0 wrong, NULL until graded or when there is no right answer (design)
	points       INTEGER NOT NULL DEFAULT 0,
	UNIQUE (post_id, user_id)
);
CREATE INDEX answers_leaderboard ON answers (workspace_id, answered_at, user_id, points, correct) WHERE graded = 1;
CREATE INDEX answers_by_user ON answers (user_id);

CREATE TABLE practice (
	id           INTEGER PRIMARY KEY,
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
	user_id      INTEGER NOT NULL REFERENCES users (id),
	question_id  TEXT NOT NULL,
	topic        TEXT NOT NULL,
	kind         TEXT NOT NULL,
	asked_at     INTEGER NOT NULL,
	answered_at  INTEGER,
	keys         TEXT NOT NULL DEFAULT '',
	correct      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX practice_by_user ON practice (user_id);
-- The all-time leaderboard groups every graded answer by user: reading this index in user order
-- needs no temporary sort.
CREATE INDEX answers_by_user_points ON answers (workspace_id, user_id, points, correct) WHERE graded = 1;
