package sqlstore

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/dossier/dossier/internal/dossier"
)

const evidenceColumns = `id, case_id, kind, title, filename, media_type, size, sha256, version, occurred_at,
	source, description, transcript, duration_sec, audio_format, text_status, text_error, hold, hold_reason,
	retain_until, deleted_at, created_by, created_at, text_sha256`

// listColumns are evidenceColumns without the transcript, which may be
// 4 MiB per item: a page of 500 would otherwise hold gigabytes.
const listColumns = `id, case_id, kind, title, filename, media_type, size, sha256, version, occurred_at,
	source, description, '' AS transcript, duration_sec, audio_format, text_status, text_error, hold, hold_reason,
	retain_until, deleted_at, created_by, created_at, text_sha256`

// CreateEvidence inserts e and its first version.
func (db *DB) CreateEvidence(ctx context.Context, e *dossier.Evidence) error {
	return db.InTx(ctx, func(s dossier.Store) error {
		tx := s.(*DB)
		if e.ID == "" {
			e.ID = dossier.NewID()
		}
		if e.Version == 0 {
			e.Version = 1
		}
		_, err := tx.q.ExecContext(ctx, `INSERT INTO evidence (`+evidenceColumns+`) VALUES
			($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24)`,
			e.ID, e.CaseID, string(e.Kind), e.Title, e.Filename, e.MediaType, e.Size, e.SHA256, e.Version,
			tmPtr(e.OccurredAt), e.Source, e.Description, e.Transcript, e.DurationSec, e.AudioFormat,
			e.TextStatus, e.TextError, e.Hold, e.HoldReason, tmPtr(e.RetainUntil), tmPtr(e.DeletedAt),
			e.CreatedBy, tm(e.CreatedAt), e.TextSHA256)
		if err != nil {
			return tx.wrap("create evidence", err)
		}
		_, err = tx.q.ExecContext(ctx, `INSERT INTO evidence_versions (evidence_id, n, filename, media_type,
			size, sha256, note, created_by, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
			e.ID, e.Version, e.Filename, e.MediaType, e.Size, e.SHA256, "", e.CreatedBy, tm(e.CreatedAt))
		return tx.wrap("create evidence version", err)
	})
}

func scanEvidence(s scanner) (*dossier.Evidence, error) {
	var e dossier.Evidence
	var kind, created string
	var occurred, retain, deleted sql.NullString
	if err := s.Scan(&e.ID, &e.CaseID, &kind, &e.Title, &e.Filename, &e.MediaType, &e.Size, &e.SHA256,
		&e.Version, &occurred, &e.Source, &e.Description, &e.Transcript, &e.DurationSec, &e.AudioFormat,
		&e.TextStatus, &e.TextError, &e.Hold, &e.HoldReason, &retain, &deleted, &e.CreatedBy, &created,
		&e.TextSHA256); err != nil {
		return nil, err
	}
	e.Kind, e.CreatedAt = dossier.EvidenceKind(kind), parseTm(created)
	e.OccurredAt, e.RetainUntil, e.DeletedAt = parseTmPtr(occurred), parseTmPtr(retain), parseTmPtr(deleted)
	return &e, nil
}

// Evidence returns one item.
func (db *DB) Evidence(ctx context.Context, id string) (*dossier.Evidence, error) {
	e, err := scanEvidence(db.q.QueryRowContext(ctx, `SELECT `+evidenceColumns+` FROM evidence WHERE id=$1`, id))
	if err == sql.ErrNoRows {
		return nil, dossier.NotFound("evidence")
	}
	return e, db.wrap("evidence", err)
}

// EvidenceBySHA returns a case's live item with the given content.
func (db *DB) EvidenceBySHA(ctx context.Context, caseID, sha string) (*dossier.Evidence, error) {
	e, err := scanEvidence(db.q.QueryRowContext(ctx, `SELECT `+evidenceColumns+` FROM evidence
		WHERE case_id=$1 AND sha256=$2 AND deleted_at IS NULL`, caseID, sha))
	if err == sql.ErrNoRows {
		return nil, dossier.NotFound("evidence")
	}
	return e, db.wrap("evidence by sha", err)
}

// ListEvidence returns a page of a case's items, oldest first.
func (db *DB) ListEvidence(ctx context.Context, f dossier.EvidenceFilter) ([]*dossier.Evidence, int, string, error) {
	limit, cur, err := listPage(f.Page)
	if err != nil {
		return nil, 0, "", err
	}
	cond := ` WHERE case_id=$1`
	args := []any{f.CaseID}
	if !f.IncludeDeleted {
		cond += ` AND deleted_at IS NULL`
	}
	if f.Kind != "" {
		args = append(args, string(f.Kind))
		cond += ` AND kind=$2`
	}
	var total int
	if err := db.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM evidence`+cond, args...).Scan(&total); err != nil {
		return nil, 0, "", db.wrap("count evidence", err)
	}
	if c, a := cur.after(len(args)+1, false); c != "" {
		cond += ` AND ` + c
		args = append(args, a...)
	}
	rows, err := db.q.QueryContext(ctx, `SELECT `+listColumns+` FROM evidence`+cond+
		` ORDER BY created_at, id`+cur.sql(limit), args...)
	if err != nil {
		return nil, 0, "", db.wrap("list evidence", err)
	}
	defer rows.Close()
	items := []*dossier.Evidence{}
	for rows.Next() {
		e, err := scanEvidence(rows)
		if err != nil {
			return nil, 0, "", db.wrap("scan evidence", err)
		}
		items = append(items, e)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, "", db.wrap("list evidence", err)
	}
	items, next := endPage(items, limit, func(e *dossier.Evidence) (time.Time, string) { return e.CreatedAt, e.ID })
	return items, total, next, nil
}

// AddVersion appends a version and makes it current.
func (db *DB) AddVersion(ctx context.Context, v *dossier.EvidenceVersion) error {
	return db.InTx(ctx, func(s dossier.Store) error {
		tx := s.(*DB)
		_, err := tx.q.ExecContext(ctx, `INSERT INTO evidence_versions (evidence_id, n, filename, media_type,
			size, sha256, note, created_by, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
			v.EvidenceID, v.N, v.Filename, v.MediaType, v.Size, v.SHA256, v.Note, v.CreatedBy, tm(v.CreatedAt))
		if err != nil {
			return tx.wrap("add version", err)
		}
		res, err := tx.q.ExecContext(ctx, `UPDATE evidence SET version=$2, filename=$3, media_type=$4, size=$5,
			sha256=$6, duration_sec=$7, audio_format=$8, text_status=$9, text_error='' WHERE id=$1 AND version=$10
			AND deleted_at IS NULL`,
			v.EvidenceID, v.N, v.Filename, v.MediaType, v.Size, v.SHA256, v.DurationSec, v.AudioFormat,
			dossier.TextPending, v.N-1)
		if err != nil {
			return tx.wrap("add version", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return tx.versionConflict(ctx, v.EvidenceID)
		}
		return nil
	})
}

// versionConflict says why a version could not be made current: the item
// was deleted during the upload (a tombstone is final), or another version
// came first.
func (db *DB) versionConflict(ctx context.Context, id string) error {
	var deleted sql.NullString
	err := db.q.QueryRowContext(ctx, `SELECT deleted_at FROM evidence WHERE id=$1`, id).Scan(&deleted)
	switch {
	case err == sql.ErrNoRows:
		return dossier.NotFound("evidence")
	case err != nil:
		return db.wrap("add version", err)
	case deleted.Valid:
		return dossier.Errorf(dossier.ECONFLICT, "the item was deleted during the upload; upload the file as a new item")
	}
	return dossier.Errorf(dossier.ECONFLICT, "another version was added at the same time")
}

// Versions lists an item's versions, oldest first.
func (db *DB) Versions(ctx context.Context, id string) ([]*dossier.EvidenceVersion, error) {
	rows, err := db.q.QueryContext(ctx, `SELECT evidence_id, n, filename, media_type, size, sha256, note,
		created_by, created_at FROM evidence_versions WHERE evidence_id=$1 ORDER BY n`, id)
	if err != nil {
		return nil, db.wrap("versions", err)
	}
	defer rows.Close()
	out := []*dossier.EvidenceVersion{}
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			return nil, db.wrap("scan version", err)
		}
		out = append(out, v)
	}
	return out, db.wrap("versions", rows.Err())
}

func scanVersion(s scanner) (*dossier.EvidenceVersion, error) {
	var v dossier.EvidenceVersion
	var created string
	if err := s.Scan(&v.EvidenceID, &v.N, &v.Filename, &v.MediaType, &v.Size, &v.SHA256, &v.Note,
		&v.CreatedBy, &created); err != nil {
		return nil, err
	}
	v.CreatedAt = parseTm(created)
	return &v, nil
}

// HoldEvidence sets only the hold columns, and only of a live item.
func (db *DB) HoldEvidence(ctx context.Context, id string, hold bool, reason string) error {
	res, err := db.q.ExecContext(ctx, `UPDATE evidence SET hold=$2, hold_reason=$3
		WHERE id=$1 AND deleted_at IS NULL`, id, hold, reason)
	return db.changed(ctx, "hold evidence", id, res, err)
}

// TombstoneEvidence sets deleted_at, in the same statement that checks the
// item may be deleted, so a hold placed after the caller's read still wins.
func (db *DB) TombstoneEvidence(ctx context.Context, id string, at time.Time) error {
	res, err := db.q.ExecContext(ctx, `UPDATE evidence SET deleted_at=$2 WHERE id=$1 AND deleted_at IS NULL
		AND NOT hold AND (retain_until IS NULL OR retain_until <= $2)`, id, tm(at))
	return db.changed(ctx, "tombstone evidence", id, res, err)
}

// SetEvidenceText sets only the text columns, and only while version n is
// current and the item live: a result extracted from an older version must
// not be stored as the text of a newer one.
func (db *DB) SetEvidenceText(ctx context.Context, id string, n int, sha, status, reason string) error {
	res, err := db.q.ExecContext(ctx, `UPDATE evidence SET text_status=$4, text_error=$5, text_sha256=$3
		WHERE id=$1 AND version=$2 AND sha256=$3 AND deleted_at IS NULL`, id, n, sha, status, reason)
	return db.changed(ctx, "set evidence text", id, res, err)
}

// changed turns a conditional update of one item that changed nothing into
// ENOTFOUND (no such item) or ECONFLICT (its condition no longer holds).
func (db *DB) changed(ctx context.Context, op, id string, res sql.Result, err error) error {
	if err != nil {
		return db.wrap(op, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return db.wrap(op, err)
	} else if n > 0 {
		return nil
	}
	var one int
	err = db.q.QueryRowContext(ctx, `SELECT 1 FROM evidence WHERE id=$1`, id).Scan(&one)
	if err == sql.ErrNoRows {
		return dossier.NotFound("evidence")
	} else if err != nil {
		return db.wrap(op, err)
	}
	return dossier.Errorf(dossier.ECONFLICT, "the item changed meanwhile")
}

// EvidenceByBlob returns every item with a version stored under sha.
func (db *DB) EvidenceByBlob(ctx context.Context, sha string) ([]*dossier.Evidence, error) {
	rows, err := db.q.QueryContext(ctx, `SELECT `+evidenceColumns+` FROM evidence WHERE id IN
		(SELECT evidence_id FROM evidence_versions WHERE sha256=$1) ORDER BY created_at, id`, sha)
	if err != nil {
		return nil, db.wrap("evidence by blob", err)
	}
	defer rows.Close()
	out := []*dossier.Evidence{}
	for rows.Next() {
		e, err := scanEvidence(rows)
		if err != nil {
			return nil, db.wrap("scan evidence", err)
		}
		out = append(out, e)
	}
	return out, db.wrap("evidence by blob", rows.Err())
}

// ScanEvidence calls fn for every version of every item.
func (db *DB) ScanEvidence(ctx context.Context, fn func(*dossier.Evidence, *dossier.EvidenceVersion) error) error {
	// Read in pages so fn may use the store (SQLite allows few connections).
	const batch = 500
	afterID, afterN := "", 0
	for {
		rows, err := db.q.QueryContext(ctx, `SELECT evidence_id, n, filename, media_type, size, sha256, note,
			created_by, created_at FROM evidence_versions WHERE evidence_id > $1 OR (evidence_id = $1 AND n > $2)
			ORDER BY evidence_id, n LIMIT `+itoa(batch), afterID, afterN)
		if err != nil {
			return db.wrap("scan evidence", err)
		}
		var vs []*dossier.EvidenceVersion
		for rows.Next() {
			v, err := scanVersion(rows)
			if err != nil {
				rows.Close()
				return db.wrap("scan evidence", err)
			}
			vs = append(vs, v)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return db.wrap("scan evidence", err)
		}
		items, err := db.evidenceByIDs(ctx, vs)
		if err != nil {
			return err
		}
		for _, v := range vs {
			e, ok := items[v.EvidenceID]
			if !ok {
				return dossier.NotFound("evidence")
			}
			c := *e // each call its own copy, as when read one by one
			if err := fn(&c, v); err != nil {
				return err
			}
		}
		if len(vs) < batch {
			return nil
		}
		afterID, afterN = vs[len(vs)-1].EvidenceID, vs[len(vs)-1].N
	}
}

// evidenceByIDs reads the items of a page of versions in one query (at
// most a page's 500 IDs), where ScanEvidence read each version's item on
// its own: a query per version, a million for a large archive's verify.
func (db *DB) evidenceByIDs(ctx context.Context, vs []*dossier.EvidenceVersion) (map[string]*dossier.Evidence, error) {
	out := map[string]*dossier.Evidence{}
	var ph []string
	var args []any
	for _, v := range vs {
		if _, ok := out[v.EvidenceID]; ok {
			continue
		}
		out[v.EvidenceID] = nil
		args = append(args, v.EvidenceID)
		ph = append(ph, "$"+itoa(len(args)))
	}
	if len(args) == 0 {
		return out, nil
	}
	rows, err := db.q.QueryContext(ctx, `SELECT `+evidenceColumns+` FROM evidence WHERE id IN (`+strings.Join(ph, ",")+`)`, args...)
	if err != nil {
		return nil, db.wrap("scan evidence", err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanEvidence(rows)
		if err != nil {
			return nil, db.wrap("scan evidence", err)
		}
		out[e.ID] = e
	}
	if err := rows.Err(); err != nil {
		return nil, db.wrap("scan evidence", err)
	}
	for id, e := range out {
		if e == nil {
			delete(out, id)
		}
	}
	return out, nil
}
