package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// ErrNoStore: the location holds no Dossier store (no SQLite file there, or
// a database without Dossier's tables).
var ErrNoStore = errors.New("sqlstore: no Dossier store")

// OpenExisting is Open for inspecting a store that must already exist (as
// `dossier verify` does): where Open would create and migrate a new, empty
// store, it returns ErrNoStore and changes nothing.
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
	sdb, err := sql.Open(d.driver, d.dsn(url))
	if err != nil {
		return nil, fmt.Errorf("sqlstore: open: %w", err)
	}
	defer sdb.Close()
	if err := sdb.PingContext(ctx); err != nil {
		return nil, fmt.Errorf("sqlstore: open: %w", err)
	}
	// Every store has the migrations' own table from its first start.
	var n int
	if err := sdb.QueryRowContext(ctx, `SELECT COUNT(*) FROM goose_db_version`).Scan(&n); err != nil {
		return nil, fmt.Errorf("%w: no Dossier tables in the database", ErrNoStore)
	}
	return Open(ctx, url)
}
