-- Scheduling. Times are Unix milliseconds (UTC).

-- schedules are each channel's jobs. A job turned off keeps its row (enabled = 0), so config
-- defaults never turn it back on.
CREATE TABLE schedules (
	channel_id   INTEGER NOT NULL REFERENCES channels (id),
	job          TEXT NOT NULL,
	spec         TEXT NOT NULL,
	zone         TEXT NOT NULL DEFAULT '', -- empty: the channel's zone (or the spec's CRON_TZ)
	enabled      INTEGER NOT NULL DEFAULT 1,
	hint_offsets TEXT NOT NULL DEFAULT '', -- debug: comma-separated Go durations, e.g. "2h0m0s,4h0m0s"
	updated_at   INTEGER NOT NULL,
	PRIMARY KEY (channel_id, job)
);

-- slot_claims make every scheduled post exactly-once: a slot is inserted (claimed) before anything is
-- posted, and only one insert of a (channel, job, slot) can succeed. slot is the local wall-clock time
-- in the job's zone plus the zone, the UTC instant for @every specs, or "post N hint M".
-- post_id has no foreign key: a post that never reached the platform is deleted.
CREATE TABLE slot_claims (
	id         INTEGER PRIMARY KEY,
	channel_id INTEGER NOT NULL REFERENCES channels (id),
	job        TEXT NOT NULL,
	slot       TEXT NOT NULL,
	due_at     INTEGER NOT NULL,
	state      TEXT NOT NULL CHECK (state IN ('claimed', 'posted', 'skipped', 'failed')),
	owner      TEXT NOT NULL DEFAULT '',
	claimed_at INTEGER NOT NULL,
	attempts   INTEGER NOT NULL DEFAULT 0,
	post_id    INTEGER,
	note       TEXT NOT NULL DEFAULT '',
	UNIQUE (channel_id, job, slot)
);
CREATE INDEX slot_claims_by_due ON slot_claims (channel_id, job, due_at);
CREATE INDEX slot_claims_by_post ON slot_claims (post_id) WHERE post_id IS NOT NULL;

-- post_hints are the hints shown in a debugging challenge's thread; answers are scored by how many
-- were shown before them.
CREATE TABLE post_hints (
	post_id   INTEGER NOT NULL REFERENCES posts (id),
	n         INTEGER NOT NULL,
	posted_at INTEGER NOT NULL,
	PRIMARY KEY (post_id, n)
);

-- skip_dates are days (YYYY-MM-DD in the channel's zone) on which no job runs: holidays.
CREATE TABLE skip_dates (
	channel_id INTEGER NOT NULL REFERENCES channels (id),
	day        TEXT NOT NULL,
	PRIMARY KEY (channel_id, day)
);
