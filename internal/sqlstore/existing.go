package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// ErrNoStore: the location holds no Dossier store (no SQLite file there, or
// a database without Dossier's tables).
var ErrNoStore = errors.New("sqlstore: no Dossier store")

// ErrNeedsMigration: the store is Dossier's but an older schema; only the
// server upgrades it.
var ErrNeedsMigration = errors.New("sqlstore: the database needs migrations; start `dossier serve` once to upgrade")

// OpenExisting is Open for inspecting a store that must already exist (as
// `dossier verify` does), and it changes nothing: where Open would create a
// new, empty store it returns ErrNoStore, and where Open would migrate an
// older schema it returns ErrNeedsMigration. An inspection that upgraded the
// schema would do so behind a running older server, or before the operator
// chose to.
func OpenExisting(ctx context.Context, url string) (*DB, error) {
	d := dialectFor(url)
	if d.name == "sqlite" {
		// Opening a missing SQLite file creates it.
		if _, err := os.Stat(url); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w: %s does not exist", ErrNoStore, url)
		} else if err != nil {
			return nil, fmt.Errorf("sqlstore: open: %w", err)
		}
	}
	return open(ctx, d, url, (*DB).checkExisting)
}

// dossierTables are created by the first migration; with the migrations'
// own table they tell Dossier's database from another application's (which
// may use goose too).
var dossierTables = []string{"goose_db_version", "cases", "communications", "grants"}

// checkExisting returns ErrNoStore unless the database holds Dossier's
// tables, and ErrNeedsMigration if a migration of this binary is not
// applied. It only reads.
func (db *DB) checkExisting(ctx context.Context) error {
	if err := db.sql.PingContext(ctx); err != nil {
		return fmt.Errorf("sqlstore: open: %w", err)
	}
	q := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ($1, $2, $3, $4)`
	if db.dialect.name == "postgres" {
		q = `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()
			AND table_name IN ($1, $2, $3, $4)`
	}
	var n int
	if err := db.sql.QueryRowContext(ctx, q, dossierTables[0], dossierTables[1], dossierTables[2],
		dossierTables[3]).Scan(&n); err != nil {
		return fmt.Errorf("sqlstore: open: %w", err)
	}
	if n != len(dossierTables) {
		return fmt.Errorf("%w: no Dossier tables in the database", ErrNoStore)
	}
	// The provider migrate uses, so "pending" means what Up would apply.
	// HasPending reads the version table (which exists, checked above).
	p, err := db.migrations()
	if err != nil {
		return err
	}
	pending, err := p.HasPending(ctx)
	if err != nil {
		return fmt.Errorf("sqlstore: migrations: %w", err)
	}
	if pending {
		return ErrNeedsMigration
	}
	return nil
}
