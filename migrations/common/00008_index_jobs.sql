-- +goose Up
-- Text extraction and indexing jobs. Evidence whose text_status is 'pending'
-- is (re)queued at start, so a job lost in a crash is never lost for good;
-- this table carries the retry schedule and the lease of a claimed job.
CREATE TABLE index_jobs (
    evidence_id TEXT PRIMARY KEY,
    attempts    INTEGER NOT NULL DEFAULT 0,
    not_before  TEXT NOT NULL,
    last_error  TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL
);
CREATE INDEX index_jobs_due ON index_jobs(not_before);

-- +goose Down
DROP TABLE index_jobs;
