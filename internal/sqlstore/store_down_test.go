package sqlstore_test

import (
	"context"
	"net/url"
	"testing"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/sqlstore"
	"github.com/dossier/dossier/internal/testenv"
)

// The metadata store going away under a running service is a dependency
// down (503, EUNAVAILABLE, "metadata store unavailable"), not an internal
// error (500): PostgreSQL whose connection is cut and cannot be reached
// again.
func TestStoreDownIsUnavailable(t *testing.T) {
	ctx := context.Background()
	t.Run("postgres", func(t *testing.T) {
		u, err := url.Parse(testenv.Postgres(t))
		if err != nil {
			t.Fatal(err)
		}
		p := testenv.NewCutProxy(t, u.Host)
		u.Host = p.Addr()
		db, err := sqlstore.Open(ctx, u.String())
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		c := newCase("2026-DN-0001", dossier.NewDate(2026, 1, 1))
		if err := db.CreateCase(ctx, c); err != nil {
			t.Fatal(err)
		}
		p.Cut()
		for i := 0; i < 2; i++ { // a pooled connection that is cut, then a new one that is refused
			_, err = db.Case(ctx, c.ID)
			if dossier.ErrorCode(err) != dossier.EUNAVAILABLE {
				t.Fatalf("read %d with the database gone: %v (code %q), want EUNAVAILABLE", i, err, dossier.ErrorCode(err))
			}
		}
		if err := db.CreateCase(ctx, newCase("2026-DN-0002", dossier.NewDate(2026, 1, 1))); dossier.ErrorCode(err) != dossier.EUNAVAILABLE {
			t.Fatalf("write with the database gone: %v, want EUNAVAILABLE", err)
		}
	})
}
