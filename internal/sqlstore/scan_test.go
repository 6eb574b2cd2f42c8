package sqlstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/sqlstore"
	"github.com/dossier/dossier/internal/testenv"
)

// ScanEvidence hands every version with its own item, across pages of
// versions (items now read a page at a time), each call its own copy.
func TestScanEvidencePairsVersionsWithItems(t *testing.T) {
	testenv.Stores(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		c := newCase("SCAN-2", dossier.NewDate(2026, 1, 1))
		if err := db.CreateCase(ctx, c); err != nil {
			t.Fatal(err)
		}
		want := map[string]string{} // version sha → item ID
		for i := range 350 {        // 700 versions: more than one page of 500
			e := &dossier.Evidence{CaseID: c.ID, Kind: "contract", Title: fmt.Sprint("item ", i), Filename: "a.pdf",
				MediaType: "application/pdf", Size: 1, SHA256: fmt.Sprintf("a%063x", i), TextStatus: dossier.TextPending,
				CreatedAt: time.Now()}
			if err := db.CreateEvidence(ctx, e); err != nil {
				t.Fatal(err)
			}
			v2 := fmt.Sprintf("b%063x", i)
			if err := db.AddVersion(ctx, &dossier.EvidenceVersion{EvidenceID: e.ID, N: 2, SHA256: v2, CreatedAt: time.Now()}); err != nil {
				t.Fatal(err)
			}
			want[e.SHA256], want[v2] = e.ID, e.ID
		}
		seen := 0
		err := db.ScanEvidence(ctx, func(e *dossier.Evidence, v *dossier.EvidenceVersion) error {
			seen++
			if want[v.SHA256] != e.ID || v.EvidenceID != e.ID {
				t.Fatalf("version %s handed with item %s, want %s", v.SHA256, e.ID, want[v.SHA256])
			}
			// The item's versions come one after the other: a change to
			// the first call's item must not reach the second's.
			if e.Title == "changed by the caller" {
				t.Fatal("a caller's change to one call's item reached another")
			}
			e.Title = "changed by the caller"
			return nil
		})
		if err != nil || seen != len(want) {
			t.Fatalf("scanned %d of %d versions: %v", seen, len(want), err)
		}
	})
}
