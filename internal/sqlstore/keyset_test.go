package sqlstore_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/sqlstore"
	"github.com/dossier/dossier/internal/testenv"
)

// Paging a case's evidence while items are added and deleted: every item
// that was there all along comes exactly once. With offset cursors a
// deletion on a page already read shifted the rest, and the first item of
// the next page was skipped. A cursor of the earlier offset form still
// works.
func TestListEvidencePagingWhileChanging(t *testing.T) {
	testenv.Stores(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		c := newCase("P-1", dossier.NewDate(2026, 1, 1))
		if err := db.CreateCase(ctx, c); err != nil {
			t.Fatal(err)
		}
		base := time.Now().UTC().Add(-time.Hour)
		add := func(i int) *dossier.Evidence {
			e := &dossier.Evidence{CaseID: c.ID, Kind: "contract", Filename: "a.pdf", MediaType: "application/pdf",
				Size: 1, SHA256: fmt.Sprintf("s%d", i), TextStatus: dossier.TextPending,
				// Two items share each timestamp: the ID breaks the tie.
				CreatedAt: base.Add(time.Duration(i/2) * time.Second)}
			if err := db.CreateEvidence(ctx, e); err != nil {
				t.Fatal(err)
			}
			return e
		}
		all := map[string]bool{}
		for i := range 7 {
			all[add(i).ID] = true
		}
		seen := map[string]int{}
		page := func(cursor string) ([]*dossier.Evidence, string) {
			items, total, next, err := db.ListEvidence(ctx, dossier.EvidenceFilter{CaseID: c.ID,
				Page: dossier.Page{Limit: 3, Cursor: cursor}})
			if err != nil {
				t.Fatal(err)
			}
			if total < 6 {
				t.Fatalf("total %d", total)
			}
			for _, e := range items {
				seen[e.ID]++
			}
			return items, next
		}
		first, next := page("")
		// Meanwhile: the first item is deleted and a new one added.
		if err := db.TombstoneEvidence(ctx, first[0].ID, time.Now()); err != nil {
			t.Fatal(err)
		}
		delete(all, first[0].ID)
		add(100)
		for pages := 1; next != ""; pages++ {
			if pages > 10 {
				t.Fatal("paging does not end")
			}
			_, next = page(next)
		}
		for id := range all {
			if seen[id] != 1 {
				t.Errorf("item %s listed %d times", id, seen[id])
			}
		}

		// An offset cursor handed out before this version: rows from there.
		old := base64.RawURLEncoding.EncodeToString([]byte("3"))
		items, _, _, err := db.ListEvidence(ctx, dossier.EvidenceFilter{CaseID: c.ID, Page: dossier.Page{Limit: 2, Cursor: old}})
		if err != nil || len(items) != 2 {
			t.Fatalf("offset cursor: %d items, %v", len(items), err)
		}
		for _, bad := range []string{"zz", base64.RawURLEncoding.EncodeToString([]byte("k:2026|x")),
			base64.RawURLEncoding.EncodeToString([]byte("-1"))} {
			_, _, _, err := db.ListEvidence(ctx, dossier.EvidenceFilter{CaseID: c.ID, Page: dossier.Page{Cursor: bad}})
			if dossier.ErrorCode(err) != dossier.EINVALID {
				t.Errorf("cursor %q: %v, want invalid", bad, err)
			}
		}
	})
}

// Paging the cases list (newest first) while a case is created: no case
// comes twice and none is skipped. With offset cursors the new case, at
// the front, pushed the last case of the page already read onto the next.
func TestListCasesPagingWhileAdding(t *testing.T) {
	testenv.Stores(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		base := time.Now().UTC().Add(-time.Hour)
		add := func(i int) string {
			c := newCase(fmt.Sprintf("P-%d", i), dossier.NewDate(2026, 1, 1))
			c.CreatedAt = base.Add(time.Duration(i/2) * time.Second) // ties broken by ID
			if err := db.CreateCase(ctx, c); err != nil {
				t.Fatal(err)
			}
			return c.ID
		}
		all := map[string]bool{}
		for i := range 7 {
			all[add(i)] = true
		}
		seen := map[string]int{}
		next := ""
		for pages := 0; pages == 0 || next != ""; pages++ {
			if pages > 10 {
				t.Fatal("paging does not end")
			}
			items, total, n, err := db.ListCases(ctx, dossier.CaseFilter{Page: dossier.Page{Limit: 3, Cursor: next}})
			if err != nil {
				t.Fatal(err)
			}
			if total < 7 {
				t.Fatalf("total %d", total)
			}
			for _, c := range items {
				seen[c.ID]++
			}
			if pages == 0 {
				add(100) // newest: before everything already listed
			}
			next = n
		}
		for id := range all {
			if seen[id] != 1 {
				t.Errorf("case %s listed %d times", id, seen[id])
			}
		}
	})
}
