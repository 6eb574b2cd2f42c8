package search

import (
	"strings"
	"testing"
)

// A text with U+FFFD (what the extractor writes for unreadable bytes) near
// a match still gets its snippet, the character shown as 〓: bleve's
// fragmenter gave up on it, and the hit had no snippet at all. The index is
// not rebuilt for this: the fix reads the stored text as it is.
func TestHighlightAcrossUnreadableCharacters(t *testing.T) {
	ix := mustOpen(t)
	err := ix.Index(
		Doc{EvidenceID: "after", CaseID: "c1", CaseNumber: "2026-HZ-0001", Kind: "chat", Title: "微信记录",
			Text: "债务人承认拖欠货款，" + strings.Repeat("说明", 20) + "\uFFFD\uFFFD后面的字读不出"},
		Doc{EvidenceID: "before", CaseID: "c1", CaseNumber: "2026-HZ-0001", Kind: "chat", Title: "微信记录",
			Text: "读不出\uFFFD的字在前，债务人承认拖欠货款"},
		Doc{EvidenceID: "title", CaseID: "c1", CaseNumber: "2026-HZ-0001", Kind: "chat", Title: "货款\uFFFD记录", Text: "无关"},
	)
	if err != nil {
		t.Fatal(err)
	}
	r := mustSearch(t, ix, Query{Q: "货款", Limit: 10}, nil)
	if r.Total != 3 {
		t.Fatalf("%d hits %v", r.Total, ids(r))
	}
	for _, h := range r.Items {
		if len(h.Highlights) == 0 {
			t.Errorf("%s: no snippet", h.EvidenceID)
			continue
		}
		s := h.Highlights[0]
		if !strings.Contains(s, "<mark>货款</mark>") || !strings.Contains(s, "〓") || strings.Contains(s, "\uFFFD") {
			t.Errorf("%s: snippet %q, want the match marked and U+FFFD shown as 〓", h.EvidenceID, s)
		}
	}
}
