package bundle_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/bundle"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/render"
)

// addDocument stores a one-page generated document of the case.
func (f *fixture) addDocument(t *testing.T, template, lang string) *dossier.Document {
	t.Helper()
	ctx := context.Background()
	d := loadFont(t).NewDoc(render.DocOptions{Title: template, PagePattern: "{current}/{total}", Created: time.Unix(0, 0)})
	d.Title(template)
	pdf, pages, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	ref, err := f.blobs.Put(ctx, bytes.NewReader(pdf), "")
	if err != nil {
		t.Fatal(err)
	}
	doc := &dossier.Document{CaseID: f.c.ID, Template: template, Lang: lang, SHA256: ref.SHA256, Size: ref.Size,
		Pages: pages, CreatedBy: "u-admin", CreatedAt: time.Now().UTC()}
	if err := f.store.CreateDocument(ctx, doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestExhibitNames: an exhibit's title and its name in the ZIP keep the
// whole title (a "/" is replaced, never cuts it), and a generated document
// is named by its template in its own language, never by the template ID.
func TestExhibitNames(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "", diskStore(t))
	tests := []struct {
		name             string
		evidenceTitle    string // or a document:
		template, lang   string
		wantTitle, wantZ string
	}{
		{"OKSlash", "2026/03 对账单", "", "", "2026/03 对账单", "originals/01-2026_03_对账单.txt"},
		{"OKBackslash", `合同\补充协议`, "", "", `合同\补充协议`, "originals/02-合同_补充协议.txt"},
		{"OKMarkup", `对账单"></script>`, "", "", `对账单"></script>`, "originals/03-对账单____script_.txt"},
		{"OKPaymentOrder", "", "payment_order_application", "zh-CN", "支付令申请书", "originals/04-支付令申请书.pdf"},
		{"OKLawyerLetter", "", "lawyer_letter", "zh-CN", "律师函", "originals/05-律师函.pdf"},
		{"OKInstallment", "", "installment_agreement", "zh-CN", "分期还款协议", "originals/06-分期还款协议.pdf"},
		{"OKEnglishDocument", "", "payment_order_application", "en", "Payment-order application", "originals/07-Payment-order_application.pdf"},
	}
	req := &dossier.BundleRequest{Title: "卷宗"}
	for _, tt := range tests {
		it := dossier.BundleRequestItem{Purpose: "证明" + tt.name}
		if tt.template != "" {
			it.DocumentID = f.addDocument(t, tt.template, tt.lang).ID
		} else {
			it.EvidenceID = f.add(t, "statement", tt.evidenceTitle, "s-"+tt.name+".txt", "text/plain", []byte(tt.name), nil).ID
		}
		req.Items = append(req.Items, it)
	}
	b, err := f.svc.Create(ctx, admin, f.c.ID, req)
	if err != nil {
		t.Fatal(err)
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if it := b.Items[i]; it.Title != tt.wantTitle || it.ZipName != tt.wantZ {
				t.Fatalf("title %q, zip name %q; want %q, %q", it.Title, it.ZipName, tt.wantTitle, tt.wantZ)
			}
		})
	}
}

// TestEvidenceListDocumentNames: each evidence list names a generated
// document in the list's language, whatever the document's own.
func TestEvidenceListDocumentNames(t *testing.T) {
	f := newFixture(t, "", diskStore(t))
	zh, en := f.addDocument(t, "payment_order_application", "zh-CN"), f.addDocument(t, "lawyer_letter", "en")
	b, err := f.svc.Create(context.Background(), admin, f.c.ID, &dossier.BundleRequest{Title: "卷宗", Items: []dossier.BundleRequestItem{
		{DocumentID: zh.ID, Purpose: "申请支付令"}, {DocumentID: en.ID, Purpose: "证明已催告"}}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		lang      string
		want, not []string
	}{
		{"zh", []string{"支付令申请书", "律师函"}, []string{"payment_order_application", "Lawyer's letter"}},
		{"en", []string{"Payment-order application", "Lawyer's letter"}, []string{"payment_order_application", "支付令申请书"}},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			txt := tool(t, unpack(t, download(t, f, b, tt.lang)), "pdftotext", "-layout", "00-evidence-list.pdf", "-")
			for _, w := range tt.want {
				// A narrow column may wrap a title: look for each word.
				for _, word := range strings.Fields(w) {
					if !strings.Contains(txt, word) {
						t.Errorf("%s list lacks %q of %q:\n%s", tt.lang, word, w, txt)
					}
				}
			}
			for _, w := range tt.not {
				if strings.Contains(txt, w) {
					t.Errorf("%s list shows %q:\n%s", tt.lang, w, txt)
				}
			}
		})
	}
}

// TestInvisibleBundle: a bundle of a case the caller cannot see answers
// exactly as an absent bundle ID does, and the refusal is noted for the
// audit trail with the bundle and its case.
func TestInvisibleBundle(t *testing.T) {
	f := newFixture(t, "", diskStore(t))
	ev := f.add(t, "statement", "对账单", "s.txt", "text/plain", []byte("尚欠货款"), nil)
	b, err := f.svc.Create(context.Background(), admin, f.c.ID, &dossier.BundleRequest{Title: "卷宗",
		Items: []dossier.BundleRequestItem{{EvidenceID: ev.ID, Purpose: "证明欠款"}}})
	if err != nil {
		t.Fatal(err)
	}
	firm := &dossier.Actor{User: &dossier.User{ID: "u-firm", Username: "firm", Role: dossier.RoleExternal}}
	calls := []struct {
		name string
		call func(ctx context.Context, id string) error
	}{
		{"Get", func(ctx context.Context, id string) error { _, err := f.svc.Get(ctx, firm, id); return err }},
		{"ForDownload", func(ctx context.Context, id string) error { _, err := f.svc.ForDownload(ctx, firm, id); return err }},
		{"Shares", func(ctx context.Context, id string) error { _, err := f.svc.Shares(ctx, firm, id); return err }},
		{"CreateShare", func(ctx context.Context, id string) error {
			_, err := f.svc.CreateShare(ctx, firm, id, bundle.ShareInput{ExpiresAt: time.Now().Add(time.Hour)})
			return err
		}},
		{"RevokeShare", func(ctx context.Context, id string) error { return f.svc.RevokeShare(ctx, firm, id, "s") }},
	}
	const absent = "0000000000000000000000000000dead"
	for _, c := range calls {
		t.Run("ErrNotFound/"+c.name, func(t *testing.T) {
			seen, gone := &dossier.AuditNote{}, &dossier.AuditNote{}
			errSeen := c.call(dossier.WithAuditNote(context.Background(), seen), b.ID)
			errGone := c.call(dossier.WithAuditNote(context.Background(), gone), absent)
			if dossier.ErrorCode(errSeen) != dossier.ENOTFOUND || dossier.ErrorMessage(errSeen) != dossier.ErrorMessage(errGone) ||
				dossier.ErrorCode(errGone) != dossier.ENOTFOUND {
				t.Fatalf("invisible: %v; absent: %v", errSeen, errGone)
			}
			if seen.ObjectType != "bundle" || seen.ObjectID != b.ID || seen.CaseID != f.c.ID {
				t.Errorf("refusal noted as %s %q in case %q, want bundle %s in case %s", seen.ObjectType, seen.ObjectID, seen.CaseID, b.ID, f.c.ID)
			}
			if gone.ObjectType != "bundle" || gone.ObjectID != absent || gone.CaseID != "" {
				t.Errorf("absent bundle noted as %s %q in case %q", gone.ObjectType, gone.ObjectID, gone.CaseID)
			}
		})
	}
}
