package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/dossier/dossier/internal/dossier"
)

const eventColumns = `seq, at, actor, role, action, object_type, object_id, case_id, ip, user_agent,
	request_id, status, outcome, detail, hash, prev_hash`

// eventSelect is what reads an event: eventColumns and, last, the types
// stored where the store never writes them (empty when none). SQLite keeps
// whatever type a value is given, so an edited row can hold its text as a
// BLOB — same bytes, same hash, yet never equal to a text filter, so the
// event left the per-case, per-actor lists and exports unseen — or seq as a
// fraction or a BLOB, which no int64 scans. seq is read cast to an integer
// and the row is marked damaged instead (scanEvent). PostgreSQL's columns
// are typed.
func (db *DB) eventSelect() string {
	if db.dialect.name == "postgres" {
		return eventColumns + `, ''`
	}
	return sqliteEventSelect
}

var sqliteEventSelect = func() string {
	var ok, types []string
	for _, c := range strings.Fields(strings.ReplaceAll(eventColumns, ",", " ")) {
		want := "text"
		if c == "seq" || c == "status" {
			want = "integer"
		}
		ok = append(ok, "typeof("+c+") = '"+want+"'")
		types = append(types, "CASE WHEN typeof("+c+") = '"+want+"' THEN '' ELSE ' "+c+" is '||typeof("+c+") END")
	}
	// The common case costs the AND alone; a damaged row names its columns.
	return "CAST(seq AS INTEGER)" + strings.TrimPrefix(eventColumns, "seq") +
		", CASE WHEN " + strings.Join(ok, " AND ") + " THEN '' ELSE " + strings.Join(types, "||") + " END"
}()

// AppendEvents inserts already-chained events in one transaction: on
// PostgreSQL one statement, on SQLite one prepared row INSERT per event.
func (db *DB) AppendEvents(ctx context.Context, evs []*dossier.Event) error {
	if len(evs) == 0 {
		return nil
	}
	if db.dialect.name == "postgres" {
		return db.appendEventsArrays(ctx, evs)
	}
	return db.InTx(ctx, func(s dossier.Store) error {
		tx := s.(*DB)
		// One prepared single-row INSERT reused for the batch: the SQLite
		// driver resolves $N parameters by scanning, so many-parameter
		// multi-row statements cost quadratically (measured 5x slower).
		stmt, err := tx.prepare(ctx, `INSERT INTO audit_events (`+eventColumns+`)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16)`)
		if err != nil {
			return tx.wrap("append events", err)
		}
		defer stmt.Close()
		for _, e := range evs {
			if _, err := stmt.ExecContext(ctx, e.Seq, tm(e.At), e.Actor, e.Role, e.Action, e.ObjectType, e.ObjectID,
				e.CaseID, e.IP, e.UserAgent, e.RequestID, e.Status, e.Outcome, e.Detail, e.Hash, e.PrevHash); err != nil {
				return tx.wrap("append events", err)
			}
		}
		return nil
	})
}

// appendEventsArrays inserts a batch in one statement on PostgreSQL: each
// column goes as one array parameter and unnest turns them back into rows,
// one round trip per batch instead of one per event (BenchmarkRecord: 9,289
// → 30,280–47,547 events/s on the machine of 2 Dec).
func (db *DB) appendEventsArrays(ctx context.Context, evs []*dossier.Event) error {
	n := len(evs)
	seq, status := make([]int64, n), make([]int32, n)
	var text [14][]string // the text columns, in eventColumns' order
	for i := range text {
		text[i] = make([]string, n)
	}
	for i, e := range evs {
		seq[i], status[i] = e.Seq, int32(e.Status)
		for j, v := range [...]string{tm(e.At), e.Actor, e.Role, e.Action, e.ObjectType, e.ObjectID, e.CaseID,
			e.IP, e.UserAgent, e.RequestID, e.Outcome, e.Detail, e.Hash, e.PrevHash} {
			text[j][i] = v
		}
	}
	// Parameters in eventColumns' order: seq, ten text columns up to
	// request_id, status, then outcome, detail, hash and prev_hash.
	_, err := db.q.ExecContext(ctx, `INSERT INTO audit_events (`+eventColumns+`)
		SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
			$7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::integer[], $13::text[],
			$14::text[], $15::text[], $16::text[])`,
		seq, text[0], text[1], text[2], text[3], text[4], text[5], text[6], text[7], text[8], text[9],
		status, text[10], text[11], text[12], text[13])
	return db.wrap("append events", err)
}

// scanEvent reads one event row. A value the store never writes — NULL, text
// in status, a time not in the stored layout (time.Parse also takes "T9:30"
// for "T09:30", which sorts elsewhere and escapes the from/to filters) —
// comes from editing the table by hand: the event is returned with what could
// be read and a note at the end of its detail naming the column, so it no
// longer matches its hash and audit.Verify names its seq as altered, instead
// of every read of the trail failing (and the Log refusing to open on it).
func scanEvent(s scanner) (*dossier.Event, error) {
	var e dossier.Event
	var at, status sql.NullString
	var text [13]sql.NullString // actor … prev_hash, status and at apart
	var types string            // eventSelect's last column
	if err := s.Scan(&e.Seq, &at, &text[0], &text[1], &text[2], &text[3], &text[4], &text[5],
		&text[6], &text[7], &text[8], &status, &text[9], &text[10], &text[11], &text[12], &types); err != nil {
		return nil, err
	}
	var damaged []string
	if types != "" {
		damaged = append(damaged, "stored as"+types)
	}
	str := func(i int, col string) string {
		if !text[i].Valid {
			damaged = append(damaged, col+" is NULL")
		}
		return text[i].String
	}
	e.Actor, e.Role, e.Action = str(0, "actor"), str(1, "role"), str(2, "action")
	e.ObjectType, e.ObjectID, e.CaseID = str(3, "object_type"), str(4, "object_id"), str(5, "case_id")
	e.IP, e.UserAgent, e.RequestID = str(6, "ip"), str(7, "user_agent"), str(8, "request_id")
	e.Outcome, e.Detail = str(9, "outcome"), str(10, "detail")
	e.Hash, e.PrevHash = str(11, "hash"), str(12, "prev_hash")
	n, err := strconv.Atoi(status.String)
	if !status.Valid || err != nil {
		damaged = append(damaged, fmt.Sprintf("status is %q", status.String))
	}
	e.Status = n
	e.At = parseTm(at.String)
	if !at.Valid || tm(e.At) != at.String {
		damaged = append(damaged, fmt.Sprintf("at is %q", at.String))
	}
	if damaged != nil {
		e.Detail += " [stored row unreadable: " + strings.Join(damaged, "; ") + "]"
	}
	return &e, nil
}

// LastEvent returns the newest event.
func (db *DB) LastEvent(ctx context.Context) (*dossier.Event, error) {
	e, err := scanEvent(db.q.QueryRowContext(ctx, `SELECT `+db.eventSelect()+` FROM audit_events ORDER BY seq DESC LIMIT 1`))
	if err == sql.ErrNoRows {
		return nil, dossier.NotFound("event")
	}
	return e, db.wrap("last event", err)
}

// eventFilter turns f into a WHERE clause and its arguments; the cursor
// only when page is set.
func eventFilter(f dossier.AuditFilter, page bool) (string, []any) {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + itoa(len(args))
	}
	if page {
		where = append(where, "seq > "+arg(f.AfterSeq))
	}
	if f.Actor != "" {
		where = append(where, "actor = "+arg(f.Actor))
	}
	if f.CaseID != "" {
		where = append(where, "case_id = "+arg(f.CaseID))
	}
	if f.Action != "" {
		switch {
		case strings.HasSuffix(f.Action, ".") && !page:
			// A count reads every match: as a range, which the action
			// index serves. Actions compare byte by byte (BINARY on
			// SQLite, "C" on PostgreSQL by migration 00012), so [p, p
			// with '.' raised to '/') holds exactly the actions that
			// start with p.
			where = append(where, "action >= "+arg(f.Action)+" AND action < "+arg(prefixEnd(f.Action)))
		case strings.HasSuffix(f.Action, "."):
			// A page stops at its limit, so it reads along seq; SQLite
			// would take the range above along the action index and sort
			// every match by seq (400 ms for a prefix all of 1M events
			// share, docs/benchmarks.md). The same exact, case-sensitive
			// test, in a form no index serves.
			where = append(where, "substr(action, 1, "+arg(utf8.RuneCountInString(f.Action))+") = "+arg(f.Action))
		default:
			where = append(where, "action = "+arg(f.Action))
		}
	}
	if f.Object != "" {
		where = append(where, "object_id = "+arg(f.Object))
	}
	if !f.From.IsZero() {
		where = append(where, "at >= "+arg(tm(f.From)))
	}
	if !f.To.IsZero() {
		where = append(where, "at < "+arg(tm(f.To)))
	}
	if f.Q != "" {
		where = append(where, "LOWER(detail) LIKE "+arg("%"+escapeLike(strings.ToLower(f.Q))+"%")+" ESCAPE '\\'")
	}
	if len(where) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(where, " AND "), args
}

// Events returns events matching f in seq order.
func (db *DB) Events(ctx context.Context, f dossier.AuditFilter) ([]*dossier.Event, error) {
	where, args := eventFilter(f, true)
	limit := f.Limit
	if limit <= 0 || limit > 100000 {
		limit = 100000
	}
	rows, err := db.q.QueryContext(ctx, `SELECT `+db.eventSelect()+` FROM audit_events`+where+
		` ORDER BY seq LIMIT `+itoa(limit), args...)
	if err != nil {
		return nil, db.wrap("events", err)
	}
	defer rows.Close()
	out := []*dossier.Event{}
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, db.wrap("scan event", err)
		}
		out = append(out, e)
	}
	return out, db.wrap("events", rows.Err())
}

// CountEvents counts the events matching f, whatever its cursor. A filter
// by actor, case, action (or action prefix) or time counts along its index
// without reading a row (on PostgreSQL once vacuum has marked the pages
// all-visible, which an insert-only table gets from autovacuum), in time
// proportional to the matches. An object or detail (q) filter alone reads
// every event; so does no filter, whose count audit.Trail takes from the
// chain head instead.
func (db *DB) CountEvents(ctx context.Context, f dossier.AuditFilter) (int, error) {
	q, args := countEventsQuery(f)
	var n int
	err := db.q.QueryRowContext(ctx, q, args...).Scan(&n)
	return n, db.wrap("count events", err)
}

func countEventsQuery(f dossier.AuditFilter) (string, []any) {
	where, args := eventFilter(f, false)
	return `SELECT COUNT(*) FROM audit_events` + where, args
}

// prefixEnd is the least string above every string that starts with p,
// whose last byte is below 0xff.
func prefixEnd(p string) string {
	return p[:len(p)-1] + string([]byte{p[len(p)-1] + 1})
}

// ScanEvents streams every event after afterSeq in seq order, in pages.
func (db *DB) ScanEvents(ctx context.Context, afterSeq int64, fn func(*dossier.Event) error) error {
	const batch = 5000
	for {
		evs, err := db.Events(ctx, dossier.AuditFilter{AfterSeq: afterSeq, Limit: batch})
		if err != nil {
			return err
		}
		for _, e := range evs {
			if err := fn(e); err != nil {
				return err
			}
		}
		if len(evs) < batch {
			return nil
		}
		afterSeq = evs[len(evs)-1].Seq
	}
}

// CountCheckpoints returns how many checkpoints there are.
func (db *DB) CountCheckpoints(ctx context.Context) (int, error) {
	var n int
	err := db.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_checkpoints`).Scan(&n)
	return n, db.wrap("count checkpoints", err)
}

// AddCheckpoint stores a signed checkpoint.
func (db *DB) AddCheckpoint(ctx context.Context, c *dossier.Checkpoint) error {
	_, err := db.q.ExecContext(ctx, `INSERT INTO audit_checkpoints (seq, head, at, public_key, signature)
		VALUES ($1,$2,$3,$4,$5)`, c.Seq, c.Head, tm(c.At), c.PublicKey, c.Signature)
	return db.wrap("add checkpoint", err)
}

// Checkpoints lists checkpoints, newest first, below beforeSeq if above 0.
func (db *DB) Checkpoints(ctx context.Context, beforeSeq int64, limit int) ([]*dossier.Checkpoint, error) {
	if limit <= 0 {
		limit = 100
	}
	if beforeSeq <= 0 {
		beforeSeq = math.MaxInt64
	}
	rows, err := db.q.QueryContext(ctx, `SELECT seq, head, at, public_key, signature FROM audit_checkpoints
		WHERE seq < $1 ORDER BY seq DESC LIMIT `+itoa(limit), beforeSeq)
	if err != nil {
		return nil, db.wrap("checkpoints", err)
	}
	defer rows.Close()
	out := []*dossier.Checkpoint{}
	for rows.Next() {
		var c dossier.Checkpoint
		var at string
		if err := rows.Scan(&c.Seq, &c.Head, &at, &c.PublicKey, &c.Signature); err != nil {
			return nil, db.wrap("scan checkpoint", err)
		}
		c.At = parseTm(at)
		out = append(out, &c)
	}
	return out, db.wrap("checkpoints", rows.Err())
}
