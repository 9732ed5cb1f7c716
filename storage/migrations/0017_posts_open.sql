-- pyqbot: portable
-- Practice leaves out the questions open as team posts anywhere in the workspace (OpenQuestions),
-- on every /pyq practice and practice answer: an index of the open posts alone, by workspace, keeps
-- that one seek however many posts the workspace has made.
CREATE INDEX posts_open ON posts (workspace_id, question_id) WHERE closed_at IS NULL;
