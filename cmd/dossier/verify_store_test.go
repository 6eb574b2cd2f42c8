package main

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/blob/disk"
	"github.com/dossier/dossier/internal/sqlstore"
	"github.com/dossier/dossier/internal/testenv"
)

// `dossier verify` inspects an existing store and never creates one: a
// mistyped or unset DOSSIER_DATA (or an empty database) is an error naming
// the setting, not "ok: 0 blobs intact".
func TestVerifyNeedsExistingStore(t *testing.T) {
	// withStore makes dir a data directory as `dossier serve` leaves it.
	withStore := func(t *testing.T, dir string, db, blobs bool) {
		t.Helper()
		if db {
			s, err := sqlstore.Open(context.Background(), filepath.Join(dir, "dossier.db"))
			if err != nil {
				t.Fatal(err)
			}
			s.Close()
		}
		if blobs {
			if _, err := disk.New(filepath.Join(dir, "blobs")); err != nil {
				t.Fatal(err)
			}
		}
	}
	tests := []struct {
		name    string
		setup   func(t *testing.T) (env []string, data string)
		code    int
		want    []string // in stdout+stderr
		created []string // must not exist afterwards, relative to data
		empty   bool     // the DATABASE_URL database must still hold no tables
	}{
		{"ErrNoDataDir", func(t *testing.T) ([]string, string) {
			data := filepath.Join(t.TempDir(), "typo")
			return nil, data
		}, 1, []string{"DOSSIER_DATA", "typo"}, []string{"."}, false},
		{"ErrEmptyDataDir", func(t *testing.T) ([]string, string) {
			return nil, t.TempDir()
		}, 1, []string{"DOSSIER_DATA", "dossier.db"}, []string{"dossier.db", "blobs"}, false},
		{"ErrNoBlobs", func(t *testing.T) ([]string, string) {
			data := t.TempDir()
			withStore(t, data, true, false)
			return nil, data
		}, 1, []string{"DOSSIER_DATA", "blobs"}, []string{"blobs"}, false},
		{"ErrEmptyDatabase", func(t *testing.T) ([]string, string) {
			data := t.TempDir()
			withStore(t, data, false, true)
			return []string{"DATABASE_URL=" + testenv.Postgres(t)}, data
		}, 1, []string{"DATABASE_URL"}, nil, true},
		{"ErrUnreachableDatabase", func(t *testing.T) ([]string, string) {
			data := t.TempDir()
			withStore(t, data, false, true)
			return []string{"DATABASE_URL=postgres://postgres@127.0.0.1:1/dossier?sslmode=disable&connect_timeout=5"}, data
		}, 1, []string{"DATABASE_URL"}, nil, false},
		{"ErrMissingDatabase", func(t *testing.T) ([]string, string) {
			data := t.TempDir()
			withStore(t, data, false, true)
			url := strings.Replace(testenv.Postgres(t), "/dossier_test_", "/dossier_missing_", 1)
			return []string{"DATABASE_URL=" + url}, data
		}, 1, []string{"DATABASE_URL"}, nil, false},
		{"OKEmptyStore", func(t *testing.T) ([]string, string) {
			data := t.TempDir()
			withStore(t, data, true, true)
			return nil, data
		}, 0, []string{"ok: 0 blobs intact", "0 evidence items"}, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, data := tt.setup(t)
			env = append(env, "DOSSIER_DATA="+data)
			var out, errb bytes.Buffer
			code := Main(context.Background(), []string{"verify"}, env, nil, &out, &errb)
			all := out.String() + errb.String()
			if code != tt.code {
				t.Fatalf("exit %d, want %d:\n%s", code, tt.code, all)
			}
			for _, w := range tt.want {
				if !strings.Contains(all, w) {
					t.Errorf("output lacks %q:\n%s", w, all)
				}
			}
			for _, p := range tt.created {
				if _, err := os.Stat(filepath.Join(data, p)); err == nil {
					t.Errorf("verify created %s", filepath.Join(data, p))
				}
			}
			for _, e := range env {
				if url, ok := strings.CutPrefix(e, "DATABASE_URL="); ok && tt.empty {
					db, err := sql.Open("pgx", url)
					if err != nil {
						t.Fatal(err)
					}
					defer db.Close()
					var tables int
					if err := db.QueryRow(`SELECT COUNT(*) FROM information_schema.tables WHERE table_schema='public'`).Scan(&tables); err != nil || tables != 0 {
						t.Errorf("verify created %d tables in the empty database (%v)", tables, err)
					}
				}
			}
		})
	}
}
