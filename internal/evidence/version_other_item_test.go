package evidence_test

import (
	"context"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/dossier"
)

// A new version whose bytes are another live item's of the same case is
// refused for that reason, naming the item, not with "try again": no retry
// gets past the rule of one live item per content per case.
func TestAddVersionBytesOfAnotherItem(t *testing.T) {
	for _, meta := range []string{"sqlite", "postgres"} {
		t.Run(meta, func(t *testing.T) {
			f := newFixture(t, meta)
			ctx := context.Background()
			x, y := random(500), random(600)
			a, _, err := f.vault.Ingest(ctx, f.admin, f.caseID, form(t, "contract", "a.pdf", x))
			if err != nil {
				t.Fatal(err)
			}
			b, _, err := f.vault.Ingest(ctx, f.admin, f.caseID, form(t, "invoice", "b.pdf", y))
			if err != nil {
				t.Fatal(err)
			}
			_, _, err = f.vault.AddVersion(ctx, f.admin, b.ID, form(t, "", "a.pdf", x))
			msg := dossier.ErrorMessage(err)
			if dossier.ErrorCode(err) != dossier.ECONFLICT || strings.Contains(msg, "try again") || !strings.Contains(msg, a.ID) {
				t.Errorf("a version with another item's bytes: %s %q, want a conflict naming %s", dossier.ErrorCode(err), msg, a.ID)
			}
			if cur, err := f.store.Evidence(ctx, b.ID); err != nil || cur.Version != 1 || cur.SHA256 != hexSHA(y) {
				t.Errorf("item after the refusal: %+v %v", cur, err)
			}
		})
	}
}
