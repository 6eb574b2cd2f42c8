-- +goose Up
-- The cases list's q finds a case number or contract number however it is
-- typed (2026HZ0001 for 2026-HZ-0001, (2026)… for （2026）…号, full-width):
-- both are matched by a key, the number NFKC-folded, in lower case, with only
-- its letters and digits (no brackets, separators, spaces or 号). SQL cannot
-- compute it the same on SQLite and PostgreSQL, so the store sets it from Go
-- on every write and fills a NULL key (rows from before this migration, or
-- written by an older binary) when it opens: see
-- internal/sqlstore/migrate_casekey.go.
ALTER TABLE cases ADD COLUMN number_key TEXT;
ALTER TABLE cases ADD COLUMN contract_no_key TEXT;

-- +goose Down
ALTER TABLE cases DROP COLUMN contract_no_key;
ALTER TABLE cases DROP COLUMN number_key;
