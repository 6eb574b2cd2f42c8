package main

import (
	"bytes"
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pressly/goose/v3"

	"github.com/dossier/dossier/internal/blob/disk"
	"github.com/dossier/dossier/internal/sqlstore"
	"github.com/dossier/dossier/internal/testenv"
	"github.com/dossier/dossier/migrations"
)

// `dossier verify` never migrates: on a store an older Dossier left (its
// newest migration not applied) it says the server must upgrade it first,
// and the store is left as it was, on SQLite and on PostgreSQL alike.
func TestVerifyRefusesOlderSchema(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			data := t.TempDir()
			url, driver, dialect := filepath.Join(data, "dossier.db"), "sqlite", goose.DialectSQLite3
			var env []string
			if backend == "postgres" {
				url, driver, dialect = testenv.Postgres(t), "pgx", goose.DialectPostgres
				env = append(env, "DATABASE_URL="+url)
			}
			env = append(env, "DOSSIER_DATA="+data)
			store, err := sqlstore.Open(context.Background(), url)
			if err != nil {
				t.Fatal(err)
			}
			store.Close()
			if _, err := disk.New(filepath.Join(data, "blobs")); err != nil {
				t.Fatal(err)
			}
			db, err := sql.Open(driver, url)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			fsys, err := migrations.For(backend)
			if err != nil {
				t.Fatal(err)
			}
			p, err := goose.NewProvider(dialect, db, fsys, goose.WithAllowOutofOrder(true))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := p.Down(context.Background()); err != nil {
				t.Fatal(err)
			}

			var out, errb bytes.Buffer
			code := Main(context.Background(), []string{"verify"}, env, nil, &out, &errb)
			all := out.String() + errb.String()
			if code != 1 || !strings.Contains(all, "needs migrations") || !strings.Contains(all, "dossier serve") ||
				strings.Contains(all, "can be reached") {
				t.Errorf("exit %d, want 1 saying the store needs `dossier serve` to migrate it:\n%s", code, all)
			}
			if pending, err := p.HasPending(context.Background()); err != nil || !pending {
				t.Errorf("verify migrated the store: pending %v (%v)", pending, err)
			}
		})
	}
}
