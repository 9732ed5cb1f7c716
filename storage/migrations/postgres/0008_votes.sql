-- PostgreSQL form of 0008_votes.sql (see there): ids are BIGINT like the keys they reference.

-- The "because …" of an answer, shown at the reveal; '' when none was given.
ALTER TABLE answers ADD COLUMN reason TEXT NOT NULL DEFAULT '';

-- A vote opens at a reveal with explanations to judge and closes once (closed_at set by one
-- conditional UPDATE, in the transaction that awards the bonus): 24 h later or at the channel's next
-- reveal. ref_* is the thread message holding the vote control, edited at the close.
CREATE TABLE vote_rounds (
	post_id      BIGINT PRIMARY KEY REFERENCES posts (id),
	channel_id   BIGINT NOT NULL REFERENCES channels (id),
	workspace_id BIGINT NOT NULL REFERENCES workspaces (id),
	opened_at    BIGINT NOT NULL,
	closes_at    BIGINT NOT NULL,
	closed_at    BIGINT,
	ref_channel  TEXT NOT NULL DEFAULT '',
	ref_id       TEXT NOT NULL DEFAULT '',
	ref_thread   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX vote_rounds_open ON vote_rounds (closes_at) WHERE closed_at IS NULL;
CREATE INDEX vote_rounds_by_channel ON vote_rounds (channel_id, opened_at);

-- The explanations of a round, numbered 1..n as the reveal shows them.
CREATE TABLE vote_candidates (
	post_id   BIGINT NOT NULL REFERENCES vote_rounds (post_id),
	n         INTEGER NOT NULL,
	answer_id BIGINT NOT NULL REFERENCES answers (id),
	PRIMARY KEY (post_id, n),
	UNIQUE (answer_id)
);

-- One vote per person per round; a changed vote replaces the row.
CREATE TABLE votes (
	post_id  BIGINT NOT NULL REFERENCES vote_rounds (post_id),
	voter_id BIGINT NOT NULL REFERENCES users (id),
	n        INTEGER NOT NULL,
	voted_at BIGINT NOT NULL,
	PRIMARY KEY (post_id, voter_id)
);

-- Best-explanation bonuses. They count in the period of awarded_at (the close), not of the answer,
-- so leaderboards add them by that time; user_totals adds them in the closing transaction.
CREATE TABLE bonuses (
	answer_id    BIGINT PRIMARY KEY REFERENCES answers (id),
	post_id      BIGINT NOT NULL REFERENCES posts (id),
	workspace_id BIGINT NOT NULL REFERENCES workspaces (id),
	user_id      BIGINT NOT NULL REFERENCES users (id),
	points       INTEGER NOT NULL,
	votes        INTEGER NOT NULL,
	awarded_at   BIGINT NOT NULL
);
CREATE INDEX bonuses_by_time ON bonuses (workspace_id, awarded_at, user_id, points);
