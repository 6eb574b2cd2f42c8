package search

import (
	"fmt"
	"testing"
	"time"
)

// Paging a query whose hits tie (equal scores, equal dates) gives every hit
// once, even when the index's segments are merged between two pages, as
// scorch does in the background after any indexing. Ties followed the
// index's internal order, which a merge changes: the second page repeated
// hits of the first and others were never shown.
func TestPagingStableAcrossSegmentMerge(t *testing.T) {
	ix, err := Open(t.TempDir() + "/index")
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	when := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	for b := range 6 { // one segment per call
		var docs []Doc
		for i := range 5 {
			docs = append(docs, Doc{EvidenceID: fmt.Sprintf("e%d-%d", b, i), CaseID: "c1", CaseNumber: "2026-HZ-0001",
				Kind: "chat", Title: "微信记录", Text: "拖欠货款", CreatedAt: when})
		}
		if err := ix.Index(docs...); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range []Query{{Q: "货款", Limit: 10}, {Limit: 10}, {Q: "货款", Limit: 10, Sort: "date"}} {
		first := mustSearch(t, ix, q, nil)
		seen := map[string]bool{}
		for _, id := range ids(first) {
			seen[id] = true
		}
		if err := ix.Compact(t.Context()); err != nil {
			t.Fatal(err)
		}
		for cur := first.Next; cur != ""; {
			q.Cursor = cur
			r := mustSearch(t, ix, q, nil)
			for _, id := range ids(r) {
				if seen[id] {
					t.Errorf("%+v: %s shown again on a later page", q, id)
				}
				seen[id] = true
			}
			cur = r.Next
		}
		if uint64(len(seen)) != first.Total || first.Total != 30 {
			t.Errorf("%+v: pages showed %d of %d hits", q, len(seen), first.Total)
		}
		// Index more segments for the next query's merge.
		for b := range 3 {
			if err := ix.Index(Doc{EvidenceID: fmt.Sprintf("e%d-0", b), CaseID: "c1", CaseNumber: "2026-HZ-0001",
				Kind: "chat", Title: "微信记录", Text: "拖欠货款", CreatedAt: when}); err != nil {
				t.Fatal(err)
			}
		}
	}
}
