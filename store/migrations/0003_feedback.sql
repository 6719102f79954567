-- 0003_feedback: scores suggested by Perspective API clients (comments:suggestscore), kept as
-- labeled examples for retraining.
--
-- scores is a JSON object {tone attribute: suggested probability}; verdict is '' or the
-- moderator's approve/reject that the client sent instead. A client token identifies the item
-- on the client's side: a second suggestion with the same (api_key_id, community_id,
-- client_token) replaces the first (NULL tokens never collide, so anonymous suggestions are all
-- kept). api_key_id is NULL for suggestions recorded without a key. created_at is when the
-- current suggestion arrived.

CREATE TABLE feedback (
    id           INTEGER PRIMARY KEY,
    api_key_id   INTEGER REFERENCES api_keys (id),
    community_id TEXT NOT NULL DEFAULT '',
    client_token TEXT,
    text         TEXT NOT NULL,
    context      TEXT NOT NULL DEFAULT '',
    scores       TEXT NOT NULL DEFAULT '{}',
    verdict      TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL
);
CREATE UNIQUE INDEX feedback_client_token ON feedback (api_key_id, community_id, client_token);
