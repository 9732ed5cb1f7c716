-- Week and month leaderboard totals (storage/period_totals.go). The transaction that grades
-- answers adds each grade to its user's row for the UTC week (from Monday 00:00) and the UTC month
-- holding the answer, so a week or month leaderboard reads one row per user plus the answers of
-- the few hours by which the channel's zone moves the period's edges. Like user_totals it only
-- ever holds sums of graded answers; answers counts them, so a user whose only answers fall in an
-- edge that is taken away drops out. Best-explanation bonuses are few and are read from bonuses.
-- start_at is the period's start in Unix ms. A week's start is computed by arithmetic (weeks are
-- 604,800,000 ms; 1970-01-05, 345,600,000 ms, was a Monday) and a month's by the calendar.
CREATE TABLE period_totals (
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
	span         TEXT NOT NULL,
	start_at     INTEGER NOT NULL,
	user_id      INTEGER NOT NULL REFERENCES users (id),
	points       INTEGER NOT NULL,
	correct      INTEGER NOT NULL,
	judged       INTEGER NOT NULL,
	answers      INTEGER NOT NULL,
	PRIMARY KEY (workspace_id, span, start_at, user_id)
) WITHOUT ROWID;

INSERT INTO period_totals (workspace_id, span, start_at, user_id, points, correct, judged, answers)
	SELECT workspace_id, 'week', (answered_at - 345600000) / 604800000 * 604800000 + 345600000, user_id,
		SUM(points), COALESCE(SUM(correct), 0), COUNT(correct), COUNT(*)
	FROM answers WHERE graded = 1 GROUP BY 1, 2, 3, 4;
INSERT INTO period_totals (workspace_id, span, start_at, user_id, points, correct, judged, answers)
	SELECT workspace_id, 'month', CAST(strftime('%s', answered_at / 1000, 'unixepoch', 'start of month') AS INTEGER) * 1000, user_id,
		SUM(points), COALESCE(SUM(correct), 0), COUNT(correct), COUNT(*)
	FROM answers WHERE graded = 1 GROUP BY 1, 2, 3, 4;
