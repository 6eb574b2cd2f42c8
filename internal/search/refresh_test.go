package search

import (
	"slices"
	"testing"
)

// Refresh gives an indexed item its case's new number and party names and
// keeps the text it was indexed with; an item the
// index does not hold is reported and not added.
func TestRefresh(t *testing.T) {
	ix := mustOpen(t)
	d := Doc{EvidenceID: "e1", CaseID: "c1", CaseNumber: "2026-HZ-0042", Kind: "statement", Title: "对账单",
		Text: "截至2026年1月31日尚欠货款", Parties: []string{"宁波乙贸易有限公司"},
		OccurredAt: day("2026-01-31")}
	if err := ix.Index(d); err != nil {
		t.Fatal(err)
	}
	d.Text, d.CaseNumber, d.Parties = "", "2026-HZ-0099", []string{"温州丙实业有限公司"}
	if ok, err := ix.Refresh(d); err != nil || !ok {
		t.Fatalf("Refresh: %v, %v", ok, err)
	}
	tests := []struct {
		name string
		q    Query
		want []string
	}{
		{"OKNewParty", Query{Q: "温州丙实业有限公司"}, []string{"e1"}},
		{"OKText", Query{Q: "尚欠货款"}, []string{"e1"}},
		{"OKDate", Query{From: day("2026-01-31"), To: day("2026-02-01")}, []string{"e1"}},
		{"ErrOldParty", Query{Q: `"宁波乙贸易有限公司"`}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := mustSearch(t, ix, tc.q, nil)
			if got := ids(r); !slices.Equal(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for _, h := range r.Items {
				if h.CaseNumber != "2026-HZ-0099" {
					t.Errorf("case number %q", h.CaseNumber)
				}
			}
		})
	}
	t.Run("ErrNotIndexed", func(t *testing.T) {
		if ok, err := ix.Refresh(Doc{EvidenceID: "e2", CaseID: "c1", Title: "新证据"}); ok || err != nil {
			t.Fatalf("Refresh of an item not in the index: %v, %v", ok, err)
		}
		if n, err := ix.DocCount(); err != nil || n != 1 {
			t.Errorf("index holds %d documents (%v), want 1", n, err)
		}
	})
}
