-- +goose Up
-- The sha256 of the version whose text is in the search index ('' until an
-- extraction has finished, and for items indexed before this column): text
-- derived from an original records which original it came from.
ALTER TABLE evidence ADD COLUMN text_sha256 TEXT NOT NULL DEFAULT '';
-- Bumped each time a job is queued again, so that a worker finishing (or
-- retrying) a job it claimed never removes the newer job queued meanwhile,
-- for example by a new version uploaded during the extraction.
ALTER TABLE index_jobs ADD COLUMN gen INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE index_jobs DROP COLUMN gen;
ALTER TABLE evidence DROP COLUMN text_sha256;
