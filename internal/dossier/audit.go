package dossier

import (
	"context"
	"time"
)

// Audit outcomes.
const (
	OutcomeOK     = "ok"
	OutcomeDenied = "denied" // 401/403/404 for lack of rights or credentials
	OutcomeError  = "error"
)

// Event is one entry of the tamper-evident audit trail. Seq, Hash and PrevHash
// are assigned when the event is appended to the chain.
type Event struct {
	Seq        int64     `json:"seq"`
	At         time.Time `json:"at"`
	Actor      string    `json:"actor"` // username, or "anonymous"
	Role       string    `json:"role"`
	Action     string    `json:"action"` // e.g. evidence.download
	ObjectType string    `json:"object_type"`
	ObjectID   string    `json:"object_id"`
	CaseID     string    `json:"case_id"`
	IP         string    `json:"ip"`
	UserAgent  string    `json:"user_agent,omitempty"`
	RequestID  string    `json:"request_id,omitempty"`
	Status     int       `json:"status"`
	Outcome    string    `json:"outcome"`
	Detail     string    `json:"detail"`
	Hash       string    `json:"hash"`
	PrevHash   string    `json:"prev_hash"`
}

// OutcomeFor classifies an HTTP status.
func OutcomeFor(status int) string {
	switch {
	case status == 401 || status == 403 || status == 404:
		return OutcomeDenied
	case status >= 400:
		return OutcomeError
	}
	return OutcomeOK
}

// AuditFilter selects events.
type AuditFilter struct {
	Actor    string
	CaseID   string
	Action   string // exact, or a prefix ending in "." (e.g. "evidence.")
	Object   string // object ID
	From, To time.Time
	Q        string // substring of the detail
	AfterSeq int64  // cursor
	Limit    int
}

// Checkpoint is a signed statement of the chain head at a sequence number.
type Checkpoint struct {
	Seq       int64     `json:"seq"`
	Head      string    `json:"head"`
	At        time.Time `json:"at"`
	PublicKey string    `json:"public_key"` // base64 ed25519
	Signature string    `json:"signature"`  // base64 over "dossier-audit-checkpoint\n<seq>\n<head>\n<at>"
}

// AuditStore is the append-only event table. Implementations refuse UPDATE and
// DELETE at the database level.
type AuditStore interface {
	// AppendEvents stores events whose Seq, Hash and PrevHash are already set,
	// in one transaction. ECONFLICT if a Seq is taken.
	AppendEvents(ctx context.Context, evs []*Event) error
	// LastEvent returns the event with the highest Seq; ENOTFOUND when empty.
	LastEvent(ctx context.Context) (*Event, error)
	// Events returns events matching f in Seq order.
	Events(ctx context.Context, f AuditFilter) ([]*Event, error)
	// CountEvents returns how many events match f, ignoring its cursor and
	// limit.
	CountEvents(ctx context.Context, f AuditFilter) (int, error)
	// ScanEvents calls fn for every event in Seq order after afterSeq.
	ScanEvents(ctx context.Context, afterSeq int64, fn func(*Event) error) error
	// AddCheckpoint stores a signed checkpoint.
	AddCheckpoint(ctx context.Context, c *Checkpoint) error
	// Checkpoints lists checkpoints, newest first, at most limit, those
	// with a seq below beforeSeq when it is above 0.
	Checkpoints(ctx context.Context, beforeSeq int64, limit int) ([]*Checkpoint, error)
	// CountCheckpoints returns how many checkpoints there are.
	CountCheckpoints(ctx context.Context) (int, error)
}

// AuditNote carries what a service learned about the object of a request
// (its case, type, ID, a detail) to the audit middleware that writes the event.
type AuditNote struct {
	Action     string
	CaseID     string
	ObjectType string
	ObjectID   string
	Detail     string
}

type auditNoteKey struct{}

// WithAuditNote returns ctx carrying n.
func WithAuditNote(ctx context.Context, n *AuditNote) context.Context {
	return context.WithValue(ctx, auditNoteKey{}, n)
}

// NoteFrom returns the request's audit note; a throwaway note when there is none.
func NoteFrom(ctx context.Context) *AuditNote {
	if n, ok := ctx.Value(auditNoteKey{}).(*AuditNote); ok {
		return n
	}
	return &AuditNote{}
}

// Note records the case and object of the current request for the audit trail.
func Note(ctx context.Context, caseID, objectType, objectID string) {
	n := NoteFrom(ctx)
	if caseID != "" {
		n.CaseID = caseID
	}
	if objectType != "" {
		n.ObjectType, n.ObjectID = objectType, objectID
	}
}
