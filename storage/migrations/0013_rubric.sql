-- pyqbot: portable
-- Rubric self-checks (`/pyq rubric`, bot/rubric.go has the rules): which items of a design
-- question's rubric an answer covered, by its author's own check. One row per answer (so per user
-- and question); a new check replaces it. items is the ticked numbers, comma-separated ('' for
-- none); total is the rubric's length when checked, so coverage stays right if the bank changes.
CREATE TABLE rubric_checks (
	answer_id  BIGINT PRIMARY KEY REFERENCES answers (id),
	post_id    BIGINT NOT NULL REFERENCES posts (id),
	items      TEXT NOT NULL,
	total      INTEGER NOT NULL,
	checked_at BIGINT NOT NULL
);
