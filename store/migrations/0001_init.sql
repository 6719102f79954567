-- 0001_init: the service core's schema.
--
-- Conventions: times are UTC TEXT in one fixed-width format (2006-01-02T15:04:05.000000000Z),
-- so text comparison is time comparison; optional strings are NULL, not '', where a UNIQUE
-- index must ignore them; JSON columns hold store-owned encodings of domain values.

CREATE TABLE articles (
    id            TEXT PRIMARY KEY,
    title         TEXT NOT NULL,
    url           TEXT NOT NULL DEFAULT '',
    body          TEXT NOT NULL DEFAULT '',
    stance_target TEXT NOT NULL DEFAULT '',
    mode          TEXT NOT NULL DEFAULT 'auto',
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX articles_updated ON articles (updated_at DESC, id);

CREATE TABLE moderators (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    role          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL
);

-- comments holds each comment with its current machine verdict (from the assessment whose
-- model version is model_version) and two denormalised columns kept in step by every write
-- that changes them: status (the effective verdict: the latest human decision's, else the
-- machine's) and stance (the top stance of the current scores, '' when none).
CREATE TABLE comments (
    id              INTEGER PRIMARY KEY,
    article_id      TEXT NOT NULL REFERENCES articles (id),
    author_id       TEXT NOT NULL,
    author_name     TEXT NOT NULL,
    text            TEXT NOT NULL,
    parent_id       INTEGER REFERENCES comments (id),
    external_id     TEXT,
    scope           TEXT NOT NULL DEFAULT '',
    idempotency_key TEXT,
    created_at      TEXT NOT NULL,
    model_version   TEXT NOT NULL,
    machine_verdict TEXT NOT NULL,
    reasons         TEXT NOT NULL DEFAULT '[]',
    priority        REAL NOT NULL DEFAULT 0,
    status          TEXT NOT NULL,
    stance          TEXT NOT NULL DEFAULT '',
    decision_id     INTEGER REFERENCES decisions (id)
);
-- Idempotency: one comment per (scope, key) and per (scope, external id).
CREATE UNIQUE INDEX comments_idempotency ON comments (scope, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
CREATE UNIQUE INDEX comments_external ON comments (scope, external_id)
    WHERE external_id IS NOT NULL;
-- Per-article listing with an id cursor: all, by status, by stance.
CREATE INDEX comments_article ON comments (article_id, id);
CREATE INDEX comments_article_status ON comments (article_id, status, id);
CREATE INDEX comments_article_stance ON comments (article_id, stance, id);
-- Author history, newest first.
CREATE INDEX comments_author ON comments (author_id, created_at, id);
-- The review queue: held and undecided, riskiest first, oldest first within ties. Partial, so
-- it only holds the (small) queue, and Claim/Queue/QueueSize never touch decided comments.
CREATE INDEX comments_queue ON comments (priority DESC, created_at, id)
    WHERE status = 'hold' AND decision_id IS NULL;
CREATE INDEX comments_queue_article ON comments (article_id, priority DESC, created_at, id)
    WHERE status = 'hold' AND decision_id IS NULL;
-- Human-decided comments, for exporting labeled examples.
CREATE INDEX comments_decided ON comments (id) WHERE decision_id IS NOT NULL;

-- scores keeps every assessment ever made: one row per (comment, model version), so
-- rescoring adds rows and never loses history.
CREATE TABLE scores (
    comment_id    INTEGER NOT NULL REFERENCES comments (id),
    model_version TEXT NOT NULL,
    tone          TEXT NOT NULL, -- JSON {"attribute": p}
    stance        TEXT NOT NULL, -- JSON {"stance": p}
    explanation   TEXT NOT NULL, -- JSON {"head": {"f": [feature], "c": [class], "w": [weight], "s": [start], "e": [end]}}
    created_at    TEXT NOT NULL,
    PRIMARY KEY (comment_id, model_version)
);

-- decisions is append-only; comments.decision_id points at the latest one.
CREATE TABLE decisions (
    id           INTEGER PRIMARY KEY,
    comment_id   INTEGER NOT NULL REFERENCES comments (id),
    moderator_id INTEGER NOT NULL REFERENCES moderators (id),
    verdict      TEXT NOT NULL,
    reason       TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    override     INTEGER NOT NULL DEFAULT 0, -- 1 when it replaced an earlier human decision
    created_at   TEXT NOT NULL
);
CREATE INDEX decisions_comment ON decisions (comment_id, id);

-- claims holds at most one lease per comment; a lease with until <= now has ended.
CREATE TABLE claims (
    comment_id   INTEGER PRIMARY KEY REFERENCES comments (id),
    moderator_id INTEGER NOT NULL REFERENCES moderators (id),
    claimed_at   TEXT NOT NULL,
    until        TEXT NOT NULL
);

-- audit_log is append-only.
CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY,
    comment_id    INTEGER NOT NULL REFERENCES comments (id),
    action        TEXT NOT NULL,
    moderator_id  INTEGER REFERENCES moderators (id), -- NULL for machine actions
    verdict       TEXT NOT NULL DEFAULT '',
    detail        TEXT NOT NULL DEFAULT '',
    model_version TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL
);
CREATE INDEX audit_log_comment ON audit_log (comment_id, id);

CREATE TABLE api_keys (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    prefix     TEXT NOT NULL,
    key_hash   TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    moderator_id INTEGER NOT NULL REFERENCES moderators (id),
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL
);
CREATE INDEX sessions_moderator ON sessions (moderator_id);

-- policy has a single row (id = 1).
CREATE TABLE policy (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    body       TEXT NOT NULL, -- JSON
    updated_at TEXT NOT NULL
);
