-- +goose Up
-- The audit trail: hash-chained events and signed checkpoints. Each dialect's
-- 00009_audit_guard.sql makes both tables append-only in the database itself.
CREATE TABLE audit_events (
    seq         BIGINT PRIMARY KEY,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    role        TEXT NOT NULL,
    action      TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    case_id     TEXT NOT NULL,
    ip          TEXT NOT NULL,
    user_agent  TEXT NOT NULL,
    request_id  TEXT NOT NULL,
    status      INTEGER NOT NULL,
    outcome     TEXT NOT NULL,
    detail      TEXT NOT NULL,
    hash        TEXT NOT NULL,
    prev_hash   TEXT NOT NULL
);
CREATE INDEX audit_events_case ON audit_events(case_id, seq);
CREATE INDEX audit_events_actor ON audit_events(actor, seq);
CREATE INDEX audit_events_at ON audit_events(at);

CREATE TABLE audit_checkpoints (
    seq        BIGINT PRIMARY KEY,
    head       TEXT NOT NULL,
    at         TEXT NOT NULL,
    public_key TEXT NOT NULL,
    signature  TEXT NOT NULL
);

-- +goose Down
DROP TABLE audit_checkpoints;
DROP TABLE audit_events;
