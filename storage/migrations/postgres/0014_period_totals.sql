-- PostgreSQL form of 0014_period_totals.sql: the month's start comes from date_trunc in UTC.
CREATE TABLE period_totals (
	workspace_id BIGINT NOT NULL REFERENCES workspaces (id),
	span         TEXT NOT NULL,
	start_at     BIGINT NOT NULL,
	user_id      BIGINT NOT NULL REFERENCES users (id),
	points       INTEGER NOT NULL,
	correct      INTEGER NOT NULL,
	judged       INTEGER NOT NULL,
	answers      INTEGER NOT NULL,
	PRIMARY KEY (workspace_id, span, start_at, user_id)
);

INSERT INTO period_totals (workspace_id, span, start_at, user_id, points, correct, judged, answers)
	SELECT workspace_id, 'week', (answered_at - 345600000) / 604800000 * 604800000 + 345600000, user_id,
		SUM(points), COALESCE(SUM(correct), 0), COUNT(correct), COUNT(*)
	FROM answers WHERE graded = 1 GROUP BY 1, 2, 3, 4;
INSERT INTO period_totals (workspace_id, span, start_at, user_id, points, correct, judged, answers)
	SELECT workspace_id, 'month',
		CAST(EXTRACT(EPOCH FROM date_trunc('month', to_timestamp(answered_at / 1000) AT TIME ZONE 'UTC')) AS BIGINT) * 1000, user_id,
		SUM(points), COALESCE(SUM(correct), 0), COUNT(correct), COUNT(*)
	FROM answers WHERE graded = 1 GROUP BY 1, 2, 3, 4;
