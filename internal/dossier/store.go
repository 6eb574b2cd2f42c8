package dossier

import "context"

// Store is the whole metadata store. InTx runs fn with a Store bound to one
// transaction, committed when fn returns nil and rolled back otherwise.
type Store interface {
	CaseStore
	UserStore
	AuditStore
	EvidenceStore
	InTx(ctx context.Context, fn func(Store) error) error
	// Ping checks the store is usable.
	Ping(ctx context.Context) error
	Close() error
}
