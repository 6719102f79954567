-- 0006_sites: tenancy and account safety.
--
-- sites: one Tribune serves several sites. Site 1 is the default site; an upgraded database
-- puts every existing key, article and comment in it. Articles are namespaced per site by
-- their stored id: a default-site article keeps its id, another site's is stored as
-- '@SITE:id' (moderation.ArticleKey), so existing rows need no change and comments reach their
-- site through their article.
CREATE TABLE sites (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);
INSERT INTO sites (id, name, created_at)
    VALUES (1, 'default', strftime('%Y-%m-%dT%H:%M:%S.000000000Z', 'now'));

-- api_keys: each key belongs to a site, has scopes (space-separated: site, score) and an
-- optional rate (requests per minute; 0 = the server's default). Existing keys keep the
-- access they had: both scopes, in the default site. ALTER TABLE cannot add a REFERENCES
-- column with a non-NULL default while foreign keys are on, so site_id is checked by the
-- store instead.
ALTER TABLE api_keys ADD COLUMN site_id INTEGER NOT NULL DEFAULT 1;
ALTER TABLE api_keys ADD COLUMN scopes TEXT NOT NULL DEFAULT 'site score';
ALTER TABLE api_keys ADD COLUMN rate_per_minute INTEGER NOT NULL DEFAULT 0;

-- moderators: disabled_at set means the account cannot log in and has no sessions; sites is
-- a space-separated list of site ids the moderator may see ('' = every site).
ALTER TABLE moderators ADD COLUMN disabled_at TEXT;
ALTER TABLE moderators ADD COLUMN sites TEXT NOT NULL DEFAULT '';

-- Expired sessions are purged by expiry time.
CREATE INDEX sessions_expires ON sessions (expires_at);

-- login_failures: the login limiter's state, shared by every instance on this database and
-- kept across restarts. key is 'ipname:ADDRESS NAME' or 'ip:ADDRESS'.
CREATE TABLE login_failures (
    key TEXT NOT NULL,
    at  TEXT NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (key, at);

-- secrets: server-side keys (the dashboard's CSRF key), created once and shared by instances.
CREATE TABLE secrets (
    name  TEXT PRIMARY KEY,
    value BLOB NOT NULL
);

-- health has one row that GET /healthz rewrites, so that a failing write path (disk full,
-- read-only file) shows as degraded rather than ok.
CREATE TABLE health (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    checked_at TEXT NOT NULL
);

-- article_counts keeps every article's comment counts by (status, stance, undecided), so an
-- article's counts are a handful of rows to read instead of a count over all its comments
-- (0.5 s at 50,000 comments, on every GET of the article). Triggers keep it in step with
-- every write to comments; it starts from the comments already there.
CREATE TABLE article_counts (
    article_id TEXT NOT NULL,
    status     TEXT NOT NULL,
    stance     TEXT NOT NULL,
    undecided  INTEGER NOT NULL, -- 1: held and no human decision
    n          INTEGER NOT NULL,
    PRIMARY KEY (article_id, status, stance, undecided)
) WITHOUT ROWID;

INSERT INTO article_counts (article_id, status, stance, undecided, n)
    SELECT article_id, status, stance, (status = 'hold' AND decision_id IS NULL), count(*)
    FROM comments GROUP BY 1, 2, 3, 4;

CREATE TRIGGER article_counts_insert AFTER INSERT ON comments BEGIN
    INSERT INTO article_counts (article_id, status, stance, undecided, n)
        VALUES (NEW.article_id, NEW.status, NEW.stance, (NEW.status = 'hold' AND NEW.decision_id IS NULL), 1)
        ON CONFLICT (article_id, status, stance, undecided) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER article_counts_update AFTER UPDATE OF article_id, status, stance, decision_id ON comments
WHEN OLD.article_id IS NOT NEW.article_id OR OLD.status IS NOT NEW.status OR OLD.stance IS NOT NEW.stance
    OR (OLD.decision_id IS NULL) <> (NEW.decision_id IS NULL)
BEGIN
    UPDATE article_counts SET n = n - 1
        WHERE article_id = OLD.article_id AND status = OLD.status AND stance = OLD.stance
          AND undecided = (OLD.status = 'hold' AND OLD.decision_id IS NULL);
    INSERT INTO article_counts (article_id, status, stance, undecided, n)
        VALUES (NEW.article_id, NEW.status, NEW.stance, (NEW.status = 'hold' AND NEW.decision_id IS NULL), 1)
        ON CONFLICT (article_id, status, stance, undecided) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER article_counts_delete AFTER DELETE ON comments BEGIN
    UPDATE article_counts SET n = n - 1
        WHERE article_id = OLD.article_id AND status = OLD.status AND stance = OLD.stance
          AND undecided = (OLD.status = 'hold' AND OLD.decision_id IS NULL);
END;
