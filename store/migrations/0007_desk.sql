-- 0007_desk: what moderators need beyond the held queue: reader reports, author standing and
-- the log of moderators' actions on authors and articles, and full-text search.

-- reports: readers' reports of comments, sent by the site backend. One report per reader and
-- comment. A report is open while no decision on its comment was made after it.
CREATE TABLE reports (
    id          INTEGER PRIMARY KEY,
    comment_id  INTEGER NOT NULL REFERENCES comments (id),
    reporter_id TEXT NOT NULL,
    reason      TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX reports_reporter ON reports (comment_id, reporter_id);
CREATE INDEX reports_created ON reports (created_at, comment_id);

-- decisions.undone_at is set when the moderator took the decision back within the undo window
-- (moderation.UndoWindow): the row stays, as decisions are append-only, but no longer counts.
ALTER TABLE decisions ADD COLUMN undone_at TEXT;

-- authors: a moderator's standing for an author. id is the author key: the site's author id,
-- prefixed '@SITE:' on every site but the default one (as article ids). until is the end of a
-- suspension (status 'suspended'), NULL otherwise. No row means standing 'normal'.
CREATE TABLE authors (
    id         TEXT PRIMARY KEY,
    status     TEXT NOT NULL,
    until      TEXT,
    updated_at TEXT NOT NULL
);

-- moderator_actions is append-only: moderators' actions on authors and articles (status
-- changes, notes, mode changes), the counterpart of audit_log, whose rows belong to one comment.
-- subject is 'author:KEY' or 'article:KEY'.
CREATE TABLE moderator_actions (
    id           INTEGER PRIMARY KEY,
    subject      TEXT NOT NULL,
    action       TEXT NOT NULL,
    detail       TEXT NOT NULL DEFAULT '',
    moderator_id INTEGER NOT NULL REFERENCES moderators (id),
    created_at   TEXT NOT NULL
);
CREATE INDEX moderator_actions_subject ON moderator_actions (subject, id);

-- comments_fts indexes comment text and author names. FTS4, not FTS5: go-sqlite3 compiles
-- FTS3/4 in by default and FTS5 only under a build tag that neither CI, the Dockerfile nor a
-- plain `go build` sets. It reads its content from comments (external content: no second copy
-- of the text); comments.id is an INTEGER PRIMARY KEY, so the docid stays stable across VACUUM.
-- Triggers keep it in step with every write.
CREATE VIRTUAL TABLE comments_fts USING fts4(content="comments", author_name, text, tokenize=unicode61);
INSERT INTO comments_fts (comments_fts) VALUES ('rebuild');

CREATE TRIGGER comments_fts_insert AFTER INSERT ON comments BEGIN
    INSERT INTO comments_fts (docid, author_name, text) VALUES (NEW.id, NEW.author_name, NEW.text);
END;
CREATE TRIGGER comments_fts_delete BEFORE DELETE ON comments BEGIN
    DELETE FROM comments_fts WHERE docid = OLD.id;
END;
CREATE TRIGGER comments_fts_update_old BEFORE UPDATE OF author_name, text ON comments BEGIN
    DELETE FROM comments_fts WHERE docid = OLD.id;
END;
CREATE TRIGGER comments_fts_update_new AFTER UPDATE OF author_name, text ON comments BEGIN
    INSERT INTO comments_fts (docid, author_name, text) VALUES (NEW.id, NEW.author_name, NEW.text);
END;

-- articles_fts keeps its own copy: articles have a TEXT key, and an implicit rowid may change
-- on VACUUM, which would point an external-content index at the wrong rows.
CREATE VIRTUAL TABLE articles_fts USING fts4(key, title, body, notindexed=key, tokenize=unicode61);
INSERT INTO articles_fts (key, title, body) SELECT id, title, body FROM articles;

CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (key, title, body) VALUES (NEW.id, NEW.title, NEW.body);
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, body ON articles BEGIN
    DELETE FROM articles_fts WHERE key = OLD.id;
    INSERT INTO articles_fts (key, title, body) VALUES (NEW.id, NEW.title, NEW.body);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    DELETE FROM articles_fts WHERE key = OLD.id;
END;
