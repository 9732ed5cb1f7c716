-- pyqbot: portable
-- Reminders (`/pyq remind`, bot/remind.go): one row per user in a workspace who set them. lead_ms
-- is how long before the reveal the private reminder goes out; channel_id is where the user set
-- it, the channel whose reveal counts until they answer a team question somewhere. unreachable_at
-- (Unix ms, 0 when fine) is the last time the platform refused a private message to the user, so
-- `/pyq me` can say reminders could not be delivered; a later delivery clears it.
CREATE TABLE reminder_settings (
	user_id          BIGINT PRIMARY KEY REFERENCES users (id),
	enabled          INTEGER NOT NULL,
	lead_ms          BIGINT NOT NULL,
	channel_id       BIGINT REFERENCES channels (id),
	updated_at       BIGINT NOT NULL,
	unreachable_at   BIGINT NOT NULL DEFAULT 0,
	unreachable_note TEXT NOT NULL DEFAULT ''
);
-- One claim per user and local day, taken before the reminder is sent: the primary key is what
-- makes a reminder go out at most once a day across processes on one database. state: claimed
-- (being sent, or its sender died: never retried, as the platform may have delivered it), sent,
-- unreachable (the platform refused: the user blocks private messages), failed (a platform error
-- before delivery: retried while attempts < the engine's limit and the question is still open).
CREATE TABLE reminder_sends (
	user_id    BIGINT NOT NULL REFERENCES users (id),
	day        TEXT NOT NULL,
	post_id    BIGINT NOT NULL REFERENCES posts (id),
	state      TEXT NOT NULL,
	owner      TEXT NOT NULL,
	claimed_at BIGINT NOT NULL,
	attempts   INTEGER NOT NULL,
	note       TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (user_id, day)
);
