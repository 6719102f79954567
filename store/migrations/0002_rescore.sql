-- 0002_rescore: batch rescoring checkpoints and the model registry.

-- rescore_runs holds one checkpoint per rescoring run, keyed by what makes two runs the same
-- (model version, policy, filters): last_id is the highest comment ID whose batch committed,
-- written in the same transaction as that batch, so a killed run resumes exactly there.
CREATE TABLE rescore_runs (
    key           TEXT PRIMARY KEY,
    model_version TEXT NOT NULL,
    last_id       INTEGER NOT NULL DEFAULT 0,
    processed     INTEGER NOT NULL DEFAULT 0,
    done          INTEGER NOT NULL DEFAULT 0,
    started_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

-- rescore_batches keeps each committed batch's share of the run's report (JSON), so a resumed
-- run reports on every batch, not only on those it did itself.
CREATE TABLE rescore_batches (
    run_key TEXT NOT NULL REFERENCES rescore_runs (key) ON DELETE CASCADE,
    last_id INTEGER NOT NULL,
    tally   TEXT NOT NULL,
    PRIMARY KEY (run_key, last_id)
);

-- models is the model registry: every imported model file, by content-hash version. At most
-- one is active (the partial unique index); with none, the server uses its embedded model.
CREATE TABLE models (
    version     TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    data        BLOB NOT NULL,
    metrics     TEXT NOT NULL DEFAULT '{}', -- JSON, as the model file describes itself
    imported_at TEXT NOT NULL,
    active      INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1))
);
CREATE UNIQUE INDEX models_active ON models (active) WHERE active = 1;
