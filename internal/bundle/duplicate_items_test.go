package bundle_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/dossier"
)

// TestDuplicateItems: a court bundle lists each exhibit once. The same
// evidence item or document named twice is refused with EINVALID on the
// field "items", naming the repeated ID, instead of becoming two exhibits
// with two numbers.
func TestDuplicateItems(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "", diskStore(t))
	a := f.add(t, "statement", "对账单", "a.txt", "text/plain", []byte("尚欠货款"), nil)
	b := f.add(t, "letter", "催款函", "b.txt", "text/plain", []byte("请付款"), nil)
	doc := f.addDocument(t, "lawyer_letter", "zh-CN")
	ev := func(id string) dossier.BundleRequestItem {
		return dossier.BundleRequestItem{EvidenceID: id, Purpose: "证明"}
	}
	tests := []struct {
		name  string
		items []dossier.BundleRequestItem
		dup   string // the repeated ID; "" for OK
	}{
		{"OK", []dossier.BundleRequestItem{ev(a.ID), ev(b.ID), {DocumentID: doc.ID, Purpose: "催告"}}, ""},
		{"ErrEvidenceTwice", []dossier.BundleRequestItem{ev(a.ID), ev(b.ID), ev(a.ID)}, a.ID},
		{"ErrDocumentTwice", []dossier.BundleRequestItem{{DocumentID: doc.ID, Purpose: "催告"}, ev(a.ID),
			{DocumentID: doc.ID, Purpose: "再次催告"}}, doc.ID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := f.svc.Create(ctx, admin, f.c.ID, &dossier.BundleRequest{Title: "卷宗", Items: tt.items})
			if tt.dup == "" {
				if err != nil || len(got.Items) != len(tt.items) {
					t.Fatalf("distinct items: %v", err)
				}
				return
			}
			var de *dossier.Error
			if !errors.As(err, &de) || de.Code != dossier.EINVALID || len(de.Fields) != 1 ||
				de.Fields[0].Field != "items" || !strings.Contains(de.Fields[0].Message, tt.dup) {
				t.Fatalf("got %v (%+v), want EINVALID on items naming %s", err, de, tt.dup)
			}
		})
	}
}
