-- +goose Up
-- GET /api/v1/audit returns the total of the events matching its filter on
-- every page. By action, or an action prefix (a range: see eventFilter in
-- internal/sqlstore/audit.go), it is counted along this index without
-- reading the events; actor, case and time have theirs since 00003.
CREATE INDEX audit_events_action ON audit_events(action, seq);

-- +goose Down
DROP INDEX audit_events_action;
