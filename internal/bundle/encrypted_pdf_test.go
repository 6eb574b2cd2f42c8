package bundle_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/bundle"
	"github.com/dossier/dossier/internal/render"
)

// restrictedPDF is a two-page PDF that any viewer opens without a password
// but whose owner password forbids printing and changes, as banks send
// account statements (银行流水), made with qpdf.
func restrictedPDF(t *testing.T, text string) []byte {
	t.Helper()
	d := loadFont(t).NewDoc(render.DocOptions{Title: "流水", PagePattern: "{current}/{total}", Created: time.Unix(0, 0)})
	d.Title("银行账户交易明细")
	for i := 0; i < 45; i++ {
		d.Para(text, "")
	}
	plain, pages, err := d.Bytes()
	if err != nil || pages != 2 {
		t.Fatalf("statement pdf: %d pages, %v", pages, err)
	}
	dir := t.TempDir()
	in, out := filepath.Join(dir, "plain.pdf"), filepath.Join(dir, "restricted.pdf")
	if err := os.WriteFile(in, plain, 0o600); err != nil {
		t.Fatal(err)
	}
	tool(t, dir, "qpdf", "--encrypt", "", "bank-owner-pw", "256", "--print=none", "--modify=none", "--", in, out)
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(raw, []byte("/Encrypt")) {
		t.Fatal("qpdf did not encrypt the statement")
	}
	return raw
}

// TestRestrictedPDF: a PDF with only an owner password (it opens without
// one) is an ordinary exhibit: the bundle is made, its pages are merged and
// stamped like any other's, and the ZIP carries the original byte for byte.
// Before, pdfcpu's merge refused the encrypted file and the whole bundle
// failed with an internal error whenever it had a second exhibit.
func TestRestrictedPDF(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "", diskStore(t))
	f.add(t, "statement", "对账单", "s.txt", "text/plain", []byte("截至6月30日尚欠货款386,500.00元。"), nil)
	stmt := restrictedPDF(t, "2026-05-02 转账支出 宁波乙贸易有限公司 人民币50,000.00元")
	ev := f.add(t, "statement", "银行流水", "流水.pdf", "application/pdf", stmt, nil)
	f.add(t, "letter", "催款函", "c.txt", "text/plain", []byte("请于7月31日前付清。"), nil)
	b, err := f.svc.Create(ctx, admin, f.c.ID, f.request("银行流水卷"))
	if err != nil {
		t.Fatalf("bundle with a restricted PDF: %v", err)
	}
	it := b.Items[1]
	if !it.Merged || it.Pages != 2 || it.PageFrom != 2 || b.Pages != 4 {
		t.Fatalf("restricted PDF not merged as its own 2 pages: %+v (bundle %d pages)", it, b.Pages)
	}
	zipPath := download(t, f, b, "zh")
	if r, err := bundle.VerifyZip(zipPath); err != nil || !r.OK() {
		t.Fatalf("verify: %+v %v", r, err)
	}
	dir := unpack(t, zipPath)
	got, err := os.ReadFile(filepath.Join(dir, it.ZipName))
	if err != nil || !bytes.Equal(got, f.bytes[ev.ID]) {
		t.Fatalf("the original in the ZIP is not the restricted PDF as received (%v)", err)
	}
	tool(t, dir, "qpdf", "--check", "01-bundle.pdf")
	for p := it.PageFrom; p < it.PageFrom+it.Pages; p++ {
		txt := tool(t, dir, "pdftotext", "-f", strconv.Itoa(p), "-l", strconv.Itoa(p), "01-bundle.pdf", "-")
		if !strings.Contains(txt, "宁波乙贸易有限公司") || !strings.Contains(txt, "证据 2 · 第 "+strconv.Itoa(p)+" 页 / 共 4 页") {
			t.Errorf("page %d lacks the statement's text or its stamp:\n%s", p, txt)
		}
	}
}
