package dossier

import (
	"context"
	"time"
)

// Document is a generated court document (a PDF rendered from a template and
// a case). Its bytes live in the blob store under SHA256, like evidence; Fields
// holds every value the template was filled with, so the same bytes can be
// rendered again from the record (CreatedAt is the creation date printed).
type Document struct {
	ID        string            `json:"id"`
	CaseID    string            `json:"case_id"`
	Template  string            `json:"template"`
	Lang      string            `json:"lang"`
	SHA256    string            `json:"sha256"`
	Size      int64             `json:"size"`
	Pages     int               `json:"pages"`
	Fields    map[string]string `json:"fields,omitempty"`
	CreatedBy string            `json:"created_by"`
	CreatedAt time.Time         `json:"created_at"`
}

// DocumentStore keeps the records of generated documents.
type DocumentStore interface {
	// CreateDocument stores d (ID already set). ENOTFOUND if the case is absent.
	CreateDocument(ctx context.Context, d *Document) error
	// Document returns the document with id. ENOTFOUND if there is none.
	Document(ctx context.Context, id string) (*Document, error)
	// Documents lists a case's documents, oldest first.
	Documents(ctx context.Context, caseID string) ([]*Document, error)
}
