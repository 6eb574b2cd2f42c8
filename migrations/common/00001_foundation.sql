-- +goose Up
-- Times are stored as fixed-width UTC text (2006-01-02T15:04:05.000000Z) so
-- they sort and compare the same on SQLite and PostgreSQL; money as BIGINT cents.
CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL,
    lang          TEXT NOT NULL DEFAULT '',
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL
);

CREATE TABLE tokens (
    hash       TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX tokens_user ON tokens(user_id);

CREATE TABLE cases (
    id            TEXT PRIMARY KEY,
    number        TEXT NOT NULL UNIQUE,
    title         TEXT NOT NULL,
    creditor      TEXT NOT NULL,
    debtor        TEXT NOT NULL,
    creditor_name TEXT NOT NULL,
    debtor_name   TEXT NOT NULL,
    principal     BIGINT NOT NULL,
    interest      BIGINT NOT NULL,
    currency      TEXT NOT NULL,
    contract_no   TEXT NOT NULL,
    due_date      TEXT NOT NULL,
    stage         TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX cases_due ON cases(due_date);
CREATE INDEX cases_created ON cases(created_at);

CREATE TABLE grants (
    case_id    TEXT NOT NULL REFERENCES cases(id),
    user_id    TEXT NOT NULL REFERENCES users(id),
    access     TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (case_id, user_id)
);
CREATE INDEX grants_user ON grants(user_id);

CREATE TABLE communications (
    id             TEXT PRIMARY KEY,
    case_id        TEXT NOT NULL REFERENCES cases(id),
    occurred_at    TEXT NOT NULL,
    channel        TEXT NOT NULL,
    summary        TEXT NOT NULL,
    outcome        TEXT NOT NULL,
    promise_amount BIGINT,
    promise_date   TEXT,
    evidence_ids   TEXT NOT NULL,
    flags          TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    created_at     TEXT NOT NULL
);
CREATE INDEX communications_case ON communications(case_id, occurred_at);

-- +goose Down
DROP TABLE communications;
DROP TABLE grants;
DROP TABLE cases;
DROP TABLE tokens;
DROP TABLE users;
