-- PostgreSQL form of 0006_reviews.sql.
CREATE TABLE reviews (
	user_id     BIGINT NOT NULL REFERENCES users (id),
	question_id TEXT NOT NULL,
	box         INTEGER NOT NULL,
	due_at      BIGINT NOT NULL,
	missed_at   BIGINT NOT NULL,
	mastered    INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (user_id, question_id)
);
CREATE INDEX reviews_due ON reviews (user_id, mastered, due_at);

ALTER TABLE practice ADD COLUMN choice_order TEXT NOT NULL DEFAULT '';
ALTER TABLE practice ADD COLUMN review INTEGER NOT NULL DEFAULT 0;
