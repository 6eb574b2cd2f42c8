-- +goose Up
-- GET /api/v1/audit returns the total of the events matching its filter on
-- every page. By action, or an action prefix, it is counted along this index
-- without reading the events; actor, case and time have theirs since 00003.
-- A prefix is queried as a range (see eventFilter in
-- internal/sqlstore/audit.go), which equals "starts with" only when strings
-- compare byte by byte, as SQLite's do: hence the "C" collation. Changing only
-- the collation rewrites no rows.
ALTER TABLE audit_events ALTER COLUMN action TYPE TEXT COLLATE "C";
CREATE INDEX audit_events_action ON audit_events(action, seq);

-- +goose Down
DROP INDEX audit_events_action;
ALTER TABLE audit_events ALTER COLUMN action TYPE TEXT COLLATE "default";
