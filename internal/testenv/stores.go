package testenv

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/dossier/dossier/internal/sqlstore"
)

// Stores runs fn once per metadata backend — SQLite in a temp file and a
// fresh PostgreSQL database — as subtests named "sqlite" and "postgres".
func Stores(t *testing.T, fn func(t *testing.T, db *sqlstore.DB)) {
	t.Run("sqlite", func(t *testing.T) {
		fn(t, OpenStore(t, filepath.Join(t.TempDir(), "meta.db")))
	})
	t.Run("postgres", func(t *testing.T) {
		fn(t, OpenStore(t, Postgres(t)))
	})
}

// OpenStore opens (and migrates) the store at url, closed when tb ends.
func OpenStore(tb testing.TB, url string) *sqlstore.DB {
	tb.Helper()
	db, err := sqlstore.Open(context.Background(), url)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}
