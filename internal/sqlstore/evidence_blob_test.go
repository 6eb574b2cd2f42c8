package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/sqlstore"
	"github.com/dossier/dossier/internal/testenv"
)

// EvidenceByBlob finds every item using a blob through any of its versions,
// across cases and including tombstoned items: storage locks depend on all.
func TestEvidenceByBlob(t *testing.T) {
	testenv.Stores(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		c1, c2 := newCase("B-1", dossier.NewDate(2026, 1, 1)), newCase("B-2", dossier.NewDate(2026, 1, 1))
		for _, c := range []*dossier.Case{c1, c2} {
			if err := db.CreateCase(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		item := func(caseID, sha string) *dossier.Evidence {
			e := &dossier.Evidence{CaseID: caseID, Kind: "contract", Filename: "a.pdf", MediaType: "application/pdf",
				Size: 1, SHA256: sha, TextStatus: dossier.TextPending, CreatedAt: time.Now()}
			if err := db.CreateEvidence(ctx, e); err != nil {
				t.Fatal(err)
			}
			return e
		}
		a := item(c1.ID, "s1")
		b := item(c2.ID, "s1")
		moved := item(c1.ID, "s0") // s1 only as its second version
		if err := db.AddVersion(ctx, &dossier.EvidenceVersion{EvidenceID: moved.ID, N: 2, SHA256: "s2", CreatedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		if err := db.TombstoneEvidence(ctx, b.ID, now); err != nil {
			t.Fatal(err)
		}
		for sha, want := range map[string][]string{"s1": {a.ID, b.ID}, "s0": {moved.ID}, "s2": {moved.ID}, "none": {}} {
			got, err := db.EvidenceByBlob(ctx, sha)
			if err != nil {
				t.Fatal(err)
			}
			ids := map[string]bool{}
			for _, e := range got {
				ids[e.ID] = true
			}
			if len(got) != len(want) {
				t.Errorf("%s: %d items, want %d", sha, len(got), len(want))
			}
			for _, id := range want {
				if !ids[id] {
					t.Errorf("%s: missing %s", sha, id)
				}
			}
		}
	})
}
