-- Leaderboard totals. The transaction that grades answers (CloseAndGrade) adds each grade to its
-- user's row, so the all-time leaderboard reads one row per user instead of every graded answer.
-- It only ever holds sums of answers.points, correct and judged; rebuildTotals recomputes it from
-- answers, and a test checks that it finds them already equal.
CREATE TABLE user_totals (
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
	user_id      INTEGER NOT NULL REFERENCES users (id),
	points       INTEGER NOT NULL,
	correct      INTEGER NOT NULL,
	judged       INTEGER NOT NULL,
	PRIMARY KEY (workspace_id, user_id)
) WITHOUT ROWID;

INSERT INTO user_totals (workspace_id, user_id, points, correct, judged)
	SELECT workspace_id, user_id, SUM(points), COALESCE(SUM(correct), 0), COUNT(correct)
	FROM answers WHERE graded = 1 GROUP BY workspace_id, user_id;
