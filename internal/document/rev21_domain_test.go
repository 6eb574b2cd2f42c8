package document

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/dossier"
)

// TestRev21EvidenceListComplete: the evidence list of a payment-order
// application lists every live item of the case, however many there are,
// not the first page of them.
func TestRev21EvidenceListComplete(t *testing.T) {
	s, db := mustService(t)
	ctx := context.Background()
	c := mustCase(t, db, nil)
	const n = 503
	for i := 0; i < n; i++ {
		at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute)
		ev := &dossier.Evidence{CaseID: c.ID, Kind: "chat", Title: fmt.Sprintf("聊天记录%03d", i+1), Filename: "c.png",
			MediaType: "image/png", Size: 1, SHA256: fmt.Sprintf("%064x", i), CreatedAt: at, CreatedBy: "u-admin", TextStatus: "none"}
		if err := db.CreateEvidence(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	d, err := s.Generate(ctx, admin, c.ID, Request{Template: "payment_order_application", Fields: requestFields["payment_order_application"]})
	if err != nil {
		t.Fatal(err)
	}
	list := d.Fields[evidenceList]
	if got := strings.Count(list, `"title"`); got != n {
		t.Errorf("evidence list has %d items, the case %d", got, n)
	}
	if !strings.Contains(list, "聊天记录503") {
		t.Error("the last item is missing from the evidence list")
	}
}
