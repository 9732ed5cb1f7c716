-- PostgreSQL form of 0005_totals.sql.
CREATE TABLE user_totals (
	workspace_id BIGINT NOT NULL REFERENCES workspaces (id),
	user_id      BIGINT NOT NULL REFERENCES users (id),
	points       INTEGER NOT NULL,
	correct      INTEGER NOT NULL,
	judged       INTEGER NOT NULL,
	PRIMARY KEY (workspace_id, user_id)
);

INSERT INTO user_totals (workspace_id, user_id, points, correct, judged)
	SELECT workspace_id, user_id, SUM(points), COALESCE(SUM(correct), 0), COUNT(correct)
	FROM answers WHERE graded = 1 GROUP BY workspace_id, user_id;
