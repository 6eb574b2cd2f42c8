package sqlstore_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/pressly/goose/v3"

	"github.com/dossier/dossier/internal/sqlstore"
	"github.com/dossier/dossier/internal/testenv"
	"github.com/dossier/dossier/migrations"
)

// rawDB opens the database at url behind the store's back, with goose's
// dialect and Dossier's migrations for it.
func rawDB(t *testing.T, url, backend string) (*sql.DB, goose.Dialect, *goose.Provider) {
	t.Helper()
	driver, dialect := "sqlite", goose.DialectSQLite3
	if backend == "postgres" {
		driver, dialect = "pgx", goose.DialectPostgres
	}
	db, err := sql.Open(driver, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	fsys, err := migrations.For(backend)
	if err != nil {
		t.Fatal(err)
	}
	p, err := goose.NewProvider(dialect, db, fsys, goose.WithAllowOutofOrder(true))
	if err != nil {
		t.Fatal(err)
	}
	return db, dialect, p
}

func hasTable(t *testing.T, db *sql.DB, backend, name string) bool {
	t.Helper()
	q := `SELECT COUNT(*) FROM sqlite_master WHERE type='table' AND name=$1`
	if backend == "postgres" {
		q = `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema=current_schema() AND table_name=$1`
	}
	var n int
	if err := db.QueryRow(q, name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n > 0
}

// serve leaves the store at url as `dossier serve` does: migrated.
func serve(t *testing.T, url string) {
	t.Helper()
	db, err := sqlstore.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
}

// OpenExisting (`dossier verify`) opens only a Dossier store of this
// binary's schema, and changes nothing: another application's database,
// goose's version table and all, is not Dossier's and is left without
// Dossier's tables; a store an older Dossier left is refused until the
// server upgrades it, and stays un-migrated. Before, both were migrated.
func TestOpenExisting(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			tests := []struct {
				name  string
				setup func(t *testing.T, url string)
				want  error
				check func(t *testing.T, db *sql.DB, p *goose.Provider)
			}{
				{"OK", func(t *testing.T, url string) {
					serve(t, url)
				}, nil, nil},
				{"ErrEmpty", func(t *testing.T, url string) {
					if backend == "sqlite" {
						if err := os.WriteFile(url, nil, 0o600); err != nil {
							t.Fatal(err)
						}
					}
				}, sqlstore.ErrNoStore, func(t *testing.T, db *sql.DB, _ *goose.Provider) {
					if hasTable(t, db, backend, "goose_db_version") {
						t.Error("the empty database got a migrations table")
					}
				}},
				{"ErrOtherApplication", func(t *testing.T, url string) {
					db, dialect, _ := rawDB(t, url, backend)
					other := fstest.MapFS{"00001_widgets.sql": {Data: []byte(
						"-- +goose Up\nCREATE TABLE widgets (id INTEGER);\n-- +goose Down\nDROP TABLE widgets;\n")}}
					p, err := goose.NewProvider(dialect, db, other)
					if err != nil {
						t.Fatal(err)
					}
					if _, err := p.Up(context.Background()); err != nil {
						t.Fatal(err)
					}
				}, sqlstore.ErrNoStore, func(t *testing.T, db *sql.DB, _ *goose.Provider) {
					if hasTable(t, db, backend, "cases") {
						t.Error("another application's database got Dossier's tables")
					}
				}},
				{"ErrOlderSchema", func(t *testing.T, url string) {
					serve(t, url)
					_, _, p := rawDB(t, url, backend)
					if _, err := p.Down(context.Background()); err != nil {
						t.Fatal(err)
					}
				}, sqlstore.ErrNeedsMigration, func(t *testing.T, _ *sql.DB, p *goose.Provider) {
					if pending, err := p.HasPending(context.Background()); err != nil || !pending {
						t.Errorf("after OpenExisting, pending migrations: %v (%v), want the store left as it was", pending, err)
					}
				}},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					url := filepath.Join(t.TempDir(), "meta.db")
					if backend == "postgres" {
						url = testenv.Postgres(t)
					}
					tt.setup(t, url)
					db, err := sqlstore.OpenExisting(context.Background(), url)
					if db != nil {
						db.Close()
					}
					if !errors.Is(err, tt.want) && (err != nil || tt.want != nil) {
						t.Fatalf("OpenExisting: %v, want %v", err, tt.want)
					}
					if tt.check != nil {
						raw, _, p := rawDB(t, url, backend)
						tt.check(t, raw, p)
					}
				})
			}
		})
	}
}
