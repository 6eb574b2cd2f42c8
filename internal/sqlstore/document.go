package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/dossier/dossier/internal/dossier"
)

var _ dossier.DocumentStore = (*DB)(nil)

const documentColumns = `id, case_id, template, lang, sha256, size, pages, fields, created_by, created_at`

// CreateDocument stores a generated document's record.
func (db *DB) CreateDocument(ctx context.Context, d *dossier.Document) error {
	if d.ID == "" {
		d.ID = dossier.NewID()
	}
	fields, _ := json.Marshal(d.Fields)
	_, err := db.q.ExecContext(ctx, `INSERT INTO documents (`+documentColumns+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`,
		d.ID, d.CaseID, d.Template, d.Lang, d.SHA256, d.Size, d.Pages, string(fields), d.CreatedBy, tm(d.CreatedAt))
	return db.wrap("create document", err)
}

func scanDocument(s scanner) (*dossier.Document, error) {
	var d dossier.Document
	var fields, created string
	if err := s.Scan(&d.ID, &d.CaseID, &d.Template, &d.Lang, &d.SHA256, &d.Size, &d.Pages, &fields,
		&d.CreatedBy, &created); err != nil {
		return nil, err
	}
	_ = json.Unmarshal([]byte(fields), &d.Fields)
	d.CreatedAt = parseTm(created)
	return &d, nil
}

// Document returns one document.
func (db *DB) Document(ctx context.Context, id string) (*dossier.Document, error) {
	d, err := scanDocument(db.q.QueryRowContext(ctx, `SELECT `+documentColumns+` FROM documents WHERE id=$1`, id))
	if err == sql.ErrNoRows {
		return nil, dossier.NotFound("document")
	}
	return d, db.wrap("document", err)
}

// Documents lists a case's documents, oldest first.
func (db *DB) Documents(ctx context.Context, caseID string) ([]*dossier.Document, error) {
	rows, err := db.q.QueryContext(ctx, `SELECT `+documentColumns+` FROM documents WHERE case_id=$1
		ORDER BY created_at, id`, caseID)
	if err != nil {
		return nil, db.wrap("documents", err)
	}
	defer rows.Close()
	out := []*dossier.Document{}
	for rows.Next() {
		d, err := scanDocument(rows)
		if err != nil {
			return nil, db.wrap("scan document", err)
		}
		out = append(out, d)
	}
	return out, db.wrap("documents", rows.Err())
}
