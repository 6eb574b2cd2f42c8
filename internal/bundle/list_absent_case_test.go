package bundle_test

import (
	"context"
	"testing"

	"github.com/dossier/dossier/internal/dossier"
)

// Listing the bundles of a case that does not exist is ENOTFOUND, as the
// lists of its evidence, documents and payments are; it was an empty list,
// so a mistyped case ID looked like a case without bundles.
func TestListAbsentCase(t *testing.T) {
	f := newFixture(t, "", diskStore(t))
	ctx := context.Background()
	if _, err := f.svc.List(ctx, admin, f.c.ID); err != nil {
		t.Fatalf("OK: %v", err)
	}
	for _, id := range []string{"01a23ca0000000000000000000000000", "..", ""} {
		got, err := f.svc.List(ctx, admin, id)
		if dossier.ErrorCode(err) != dossier.ENOTFOUND {
			t.Fatalf("case %q: got %v, %v; want ENOTFOUND", id, got, err)
		}
	}
}
