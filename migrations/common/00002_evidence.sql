-- +goose Up
CREATE TABLE evidence (
    id           TEXT PRIMARY KEY,
    case_id      TEXT NOT NULL REFERENCES cases(id),
    kind         TEXT NOT NULL,
    title        TEXT NOT NULL,
    filename     TEXT NOT NULL,
    media_type   TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    version      INTEGER NOT NULL,
    occurred_at  TEXT,
    source       TEXT NOT NULL,
    description  TEXT NOT NULL,
    transcript   TEXT NOT NULL,
    duration_sec DOUBLE PRECISION NOT NULL DEFAULT 0,
    audio_format TEXT NOT NULL DEFAULT '',
    text_status  TEXT NOT NULL,
    text_error   TEXT NOT NULL DEFAULT '',
    hold         BOOLEAN NOT NULL DEFAULT FALSE,
    hold_reason  TEXT NOT NULL DEFAULT '',
    retain_until TEXT,
    deleted_at   TEXT,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX evidence_case ON evidence(case_id, created_at);
-- One live item per content per case: a second upload of the same bytes answers
-- the existing item instead of a copy.
CREATE UNIQUE INDEX evidence_case_sha ON evidence(case_id, sha256) WHERE deleted_at IS NULL;

CREATE TABLE evidence_versions (
    evidence_id TEXT NOT NULL REFERENCES evidence(id),
    n           INTEGER NOT NULL,
    filename    TEXT NOT NULL,
    media_type  TEXT NOT NULL,
    size        BIGINT NOT NULL,
    sha256      TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (evidence_id, n)
);
CREATE INDEX evidence_versions_sha ON evidence_versions(sha256);

-- +goose Down
DROP TABLE evidence_versions;
DROP TABLE evidence;
