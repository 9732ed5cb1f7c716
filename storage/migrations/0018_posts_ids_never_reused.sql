-- A post's id is the number users see (#N) and what its message's buttons carry, so it must never
-- name a second question. posts.id was a plain INTEGER PRIMARY KEY, which SQLite fills with the
-- highest id + 1: when DiscardPost deleted the last post (sent, but its reference never saved), the
-- next question took its id, and a press on the discarded message answered that question.
-- AUTOINCREMENT never issues an id twice (sqlite_sequence keeps the highest), and SQLite can only
-- add it by rebuilding the table. PostgreSQL's identity column never reused one: its form is empty.
--
-- migrate runs this in its transaction with foreign keys on, which no PRAGMA can turn off inside a
-- transaction. defer_foreign_keys lets DROP TABLE leave the rows pointing at posts (answers, votes,
-- reminders, reports, …) without their post until the posts come back under the same ids, which
-- settles the count before COMMIT checks it. (Creating a new table and renaming it to posts would
-- leave the count unsettled, as no post is inserted into a table named posts.)
--
-- For each post the DROP deletes and the INSERT puts back, SQLite looks up the rows pointing at it
-- in every referencing table; reminder_sends, bonuses, rubric_checks and reports have no index on
-- post_id, so each lookup read the whole table (posts times reminders: minutes at start-up on a
-- year-old database). These indexes serve the lookups and go with the migration.
PRAGMA defer_foreign_keys = ON;
CREATE INDEX m0018_reminder_sends ON reminder_sends (post_id);
CREATE INDEX m0018_bonuses ON bonuses (post_id);
CREATE INDEX m0018_rubric_checks ON rubric_checks (post_id);
CREATE INDEX m0018_reports ON reports (post_id);
CREATE TEMP TABLE posts_0018 AS SELECT * FROM posts;
DROP TABLE posts;
CREATE TABLE posts (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
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
INSERT INTO posts (id, channel_id, workspace_id, question_id, kind, topic, posted_at, day, reveal_at,
	ref_channel, ref_id, ref_thread, closed_at)
	SELECT id, channel_id, workspace_id, question_id, kind, topic, posted_at, day, reveal_at,
	ref_channel, ref_id, ref_thread, closed_at FROM temp.posts_0018;
DROP TABLE temp.posts_0018;
-- A last post discarded before this migration is not among the rows; a slot may still name it
-- (DiscardPost unlinked its slot only from 39879bb on), so its id counts as issued too.
UPDATE sqlite_sequence SET seq = MAX(seq, (SELECT COALESCE(MAX(post_id), 0) FROM slot_claims)) WHERE name = 'posts';
CREATE INDEX posts_by_channel ON posts (channel_id, posted_at);
CREATE INDEX posts_closed_days ON posts (workspace_id, day) WHERE closed_at IS NOT NULL;
CREATE INDEX posts_open ON posts (workspace_id, question_id) WHERE closed_at IS NULL;
DROP INDEX m0018_reminder_sends;
DROP INDEX m0018_bonuses;
DROP INDEX m0018_rubric_checks;
DROP INDEX m0018_reports;
PRAGMA defer_foreign_keys = OFF;
