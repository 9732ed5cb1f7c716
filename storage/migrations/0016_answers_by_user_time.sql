-- pyqbot: portable
-- The reminder pass reads, for every subscriber at once, the channel of the team question each
-- answered last (Subscribers): with the answer time in the index that is one seek per user, where
-- answers_by_user (user_id) made it a sort of all the user's answers (0.94 s for 1,000 users with a
-- year and a half of answers). It replaces that index, whose queries it serves as well.
DROP INDEX answers_by_user;
CREATE INDEX answers_by_user ON answers (user_id, answered_at, id);
