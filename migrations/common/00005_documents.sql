-- +goose Up
-- Generated court documents. The PDF bytes are a blob like evidence; fields
-- keeps every value the template was filled with (JSON) so the same bytes can
-- be rendered again from the record.
CREATE TABLE documents (
    id         TEXT PRIMARY KEY,
    case_id    TEXT NOT NULL REFERENCES cases(id),
    template   TEXT NOT NULL,
    lang       TEXT NOT NULL,
    sha256     TEXT NOT NULL,
    size       BIGINT NOT NULL,
    pages      INTEGER NOT NULL,
    fields     TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX documents_case ON documents(case_id, created_at);
CREATE INDEX documents_sha ON documents(sha256);

-- +goose Down
DROP TABLE documents;
