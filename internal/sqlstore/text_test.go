package sqlstore_test

import (
	"context"
	"testing"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/sqlstore"
	"github.com/dossier/dossier/internal/testenv"
)

// A NUL or a byte that is not UTF-8 is bad input: PostgreSQL refuses it
// (SQLSTATE 22021) and SQLite stores it, but neither is an internal error.
func TestTextWithNULOrBadBytes(t *testing.T) {
	testenv.Stores(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		for _, tc := range []struct{ name, title, id string }{
			{"NUL", "a\x00b", "a\x00b"},
			{"NotUTF8", "a\xffb", "a\xffb"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				c := newCase("2026-TXT-"+tc.name, dossier.NewDate(2026, 1, 1))
				c.Title = tc.title
				if err := db.CreateCase(ctx, c); err != nil && dossier.ErrorCode(err) != dossier.EINVALID {
					t.Fatalf("create case: got %v (%s), want nil or %s", err, dossier.ErrorCode(err), dossier.EINVALID)
				}
				_, err := db.Case(ctx, tc.id)
				if code := dossier.ErrorCode(err); code != dossier.ENOTFOUND && code != dossier.EINVALID {
					t.Fatalf("read case %q: got %v (%s), want not found or invalid", tc.id, err, code)
				}
			})
		}
	})
}
