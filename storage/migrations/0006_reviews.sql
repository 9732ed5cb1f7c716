-- Each user's review queue: a question they missed comes back on a Leitner schedule. The rules
-- (boxes, intervals, mastery) are the core's (bot/review.go); this keeps where each question stands.
CREATE TABLE reviews (
	user_id     INTEGER NOT NULL REFERENCES users (id),
	question_id TEXT NOT NULL,
	box         INTEGER NOT NULL,
	due_at      INTEGER NOT NULL,
	missed_at   INTEGER NOT NULL,
	mastered    INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (user_id, question_id)
);
CREATE INDEX reviews_due ON reviews (user_id, mastered, due_at);

-- A practice question served as a review shows its choices in a new order (so the letter cannot be
-- remembered): the original keys in the order shown, comma-separated; '' for the bank's order.
ALTER TABLE practice ADD COLUMN choice_order TEXT NOT NULL DEFAULT '';
ALTER TABLE practice ADD COLUMN review INTEGER NOT NULL DEFAULT 0;
