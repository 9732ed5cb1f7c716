-- Reports that a question looks wrong or unclear (`/pyq report`). A question with enough open
-- reports in a workspace is not picked there until an admin clears them (the rule is the core's,
-- bot/report.go). One open report per user and question: one person cannot hide a question alone.
CREATE TABLE reports (
	id           INTEGER PRIMARY KEY,
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
	question_id  TEXT NOT NULL,
	post_id      INTEGER REFERENCES posts (id),
	user_id      INTEGER NOT NULL REFERENCES users (id),
	text         TEXT NOT NULL,
	created_at   BIGINT NOT NULL,
	cleared_at   BIGINT,
	cleared_by   TEXT
);
CREATE UNIQUE INDEX reports_one_open ON reports (workspace_id, question_id, user_id) WHERE cleared_at IS NULL;
CREATE INDEX reports_by_question ON reports (question_id, cleared_at);
