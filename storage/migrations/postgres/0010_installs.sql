-- PostgreSQL form of 0010_installs.sql (the same SQL: its columns are TEXT and BIGINT already).
-- Slack distribution: each workspace that installed the app, with its bot token sealed by the
-- adapter (AES-GCM; the key never reaches the database). Times are Unix milliseconds.
CREATE TABLE installs (
	platform     TEXT NOT NULL,
	workspace    TEXT NOT NULL,
	name         TEXT NOT NULL,
	bot_user     TEXT NOT NULL,
	sealed       TEXT NOT NULL,
	installed_at BIGINT NOT NULL,
	PRIMARY KEY (platform, workspace)
);

-- A workspace that uninstalled the app keeps its history; its schedules wait until a reinstall.
-- 0 while active.
ALTER TABLE workspaces ADD COLUMN paused_at BIGINT NOT NULL DEFAULT 0;
