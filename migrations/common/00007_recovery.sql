-- +goose Up
-- What a contact means for the limitation period: demand, acknowledgment or ''.
ALTER TABLE communications ADD COLUMN interruption TEXT NOT NULL DEFAULT '';

-- The payment ledger is append-only; a correction is a negative row that
-- reverses one earlier row in full, at most once (the unique index).
CREATE TABLE payments (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases(id),
    paid_at     TEXT NOT NULL,
    amount      BIGINT NOT NULL,
    method      TEXT NOT NULL,
    reference   TEXT NOT NULL,
    evidence_id TEXT REFERENCES evidence(id),
    reason      TEXT NOT NULL,
    reverses    TEXT REFERENCES payments(id),
    flags       TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX payments_case ON payments(case_id, paid_at);
CREATE UNIQUE INDEX payments_reverses ON payments(reverses);

-- A plan is immutable; schedule is the agreed rows as JSON [{n,due_date,amount}].
CREATE TABLE installment_plans (
    id             TEXT PRIMARY KEY,
    case_id        TEXT NOT NULL REFERENCES cases(id),
    total          BIGINT NOT NULL,
    installments   INTEGER NOT NULL,
    first_due_date TEXT NOT NULL,
    agreed_on      TEXT NOT NULL,
    document_id    TEXT NOT NULL,
    evidence_id    TEXT REFERENCES evidence(id),
    schedule       TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    created_at     TEXT NOT NULL
);
CREATE INDEX installment_plans_case ON installment_plans(case_id, created_at);

CREATE TABLE filings (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases(id),
    kind        TEXT NOT NULL,
    filed_on    TEXT NOT NULL,
    court       TEXT NOT NULL,
    reference   TEXT NOT NULL,
    evidence_id TEXT REFERENCES evidence(id),
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX filings_case ON filings(case_id, filed_on);

-- +goose Down
DROP TABLE filings;
DROP TABLE installment_plans;
DROP TABLE payments;
ALTER TABLE communications DROP COLUMN interruption;
