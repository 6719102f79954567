-- 0005_events: the outbox of what sites need to learn (a comment's verdict, a moderator's
-- decision), written in the same transaction as the verdict or decision, and the webhooks
-- that deliver it.

-- events is append-only; its id is the cursor of GET /api/v1/changes and of every webhook.
-- AUTOINCREMENT: an id is never reused, even if the newest rows were ever deleted, so a cursor
-- a site holds never skips an event.
CREATE TABLE events (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    kind          TEXT NOT NULL,    -- comment.verdict or comment.decision
    comment_id    INTEGER NOT NULL REFERENCES comments (id),
    article_id    TEXT NOT NULL,
    scope         TEXT NOT NULL DEFAULT '',  -- the comment's submission scope, e.g. key:3
    status        TEXT NOT NULL,    -- the comment's effective status after the event
    verdict       TEXT NOT NULL,    -- the machine's or the moderator's verdict
    reasons       TEXT NOT NULL DEFAULT '',  -- space-separated reason codes
    moderator     TEXT NOT NULL DEFAULT '',
    model_version TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL
);
CREATE INDEX events_scope ON events (scope, id);

-- webhooks: one row per receiving endpoint. cursor is the last event id delivered (2xx);
-- attempts, next_attempt_at and last_error describe the batch after it while it fails.
CREATE TABLE webhooks (
    id              INTEGER PRIMARY KEY,
    url             TEXT NOT NULL,
    secret          TEXT NOT NULL,   -- the HMAC key; the receiver holds the same
    scope           TEXT NOT NULL DEFAULT '',  -- '' for every event, else one submission scope
    cursor          INTEGER NOT NULL DEFAULT 0,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL DEFAULT '',
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL
);

-- webhook_deliveries logs every attempt, successful or not.
CREATE TABLE webhook_deliveries (
    id          INTEGER PRIMARY KEY,
    webhook_id  INTEGER NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    first_event INTEGER NOT NULL,
    last_event  INTEGER NOT NULL,
    events      INTEGER NOT NULL,
    attempt     INTEGER NOT NULL,
    status      INTEGER NOT NULL,   -- HTTP status; 0 when no response arrived
    error       TEXT NOT NULL DEFAULT '',
    duration_ms INTEGER NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX webhook_deliveries_hook ON webhook_deliveries (webhook_id, id);
