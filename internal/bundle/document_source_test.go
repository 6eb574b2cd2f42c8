package bundle_test

import (
	"context"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/dossier"
)

// TestDocumentSource: a generated document (a lawyer's letter, an
// application) is made by the submitting party itself, and the 证据来源
// column says so in the list's language, never the software's name.
// Before, every generated document's source read "Dossier".
func TestDocumentSource(t *testing.T) {
	f := newFixture(t, "", diskStore(t))
	zh, en := f.addDocument(t, "lawyer_letter", "zh-CN"), f.addDocument(t, "payment_order_application", "en")
	b, err := f.svc.Create(context.Background(), admin, f.c.ID, &dossier.BundleRequest{Title: "卷宗", Items: []dossier.BundleRequestItem{
		{DocumentID: zh.ID, Purpose: "证明已催告"}, {DocumentID: en.ID, Purpose: "申请支付令"}}})
	if err != nil {
		t.Fatal(err)
	}
	if b.Items[0].Source != "提交人制作" || b.Items[1].Source != "Prepared by the submitting party" {
		t.Errorf("pinned sources %q, %q: want the party's own making, in each document's language", b.Items[0].Source, b.Items[1].Source)
	}
	tests := []struct {
		lang string
		want string
	}{
		{"zh", "提交人制作"},
		{"en", "Prepared by the submitting party"},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			txt := tool(t, unpack(t, download(t, f, b, tt.lang)), "pdftotext", "-layout", "00-evidence-list.pdf", "-")
			if strings.Contains(txt, "Dossier") {
				t.Errorf("%s list gives the software as a source:\n%s", tt.lang, txt)
			}
			// Both rows; a narrow column wraps, so count each word.
			for _, word := range strings.Fields(tt.want) {
				if strings.Count(txt, word) < 2 {
					t.Errorf("%s list: %q not in both rows:\n%s", tt.lang, word, txt)
				}
			}
		})
	}
}
