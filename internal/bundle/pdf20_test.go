package bundle_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/bundle"
	"github.com/dossier/dossier/internal/dossier"
)

// A PDF 2.0 exhibit (as newer scanners and office suites write) was merged
// only when it came first: after any other exhibit pdfcpu refused to append
// it to the PDF 1.x the merge had begun, and it got a description page
// instead of its pages. The merge now begins as 2.0, and every exhibit's
// pages are in it, stamped.
func TestPDF20ExhibitMerged(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "", diskStore(t))
	text := f.add(t, "statement", "对账单", "s.txt", "text/plain", []byte("截至6月30日尚欠货款386,500.00元。"), nil)
	v2 := f.add(t, "other", "新版PDF", "v2.pdf", "application/pdf", pdf20(t, "新版扫描件第一页"), nil)
	v1 := f.add(t, "other", "旧版PDF", "v1.pdf", "application/pdf", pdf1x(t, "旧版文件第一页"), nil)
	req := &dossier.BundleRequest{Title: "卷宗"}
	for i, id := range []string{text.ID, v2.ID, v1.ID} {
		req.Items = append(req.Items, dossier.BundleRequestItem{EvidenceID: id, Purpose: "证明" + strconv.Itoa(i)})
	}
	b, err := f.svc.Create(ctx, admin, f.c.ID, req)
	if err != nil {
		t.Fatal(err)
	}
	for i, it := range b.Items {
		if !it.Merged {
			t.Errorf("exhibit %d (%s) not merged: %+v", i+1, it.Title, it)
		}
	}
	zipPath := download(t, f, b, "zh")
	if r, err := bundle.VerifyZip(zipPath); err != nil || !r.OK() {
		t.Fatalf("verify: %+v %v", r, err)
	}
	dir := unpack(t, zipPath)
	tool(t, dir, "qpdf", "--check", "01-bundle.pdf")
	for i, want := range []string{"386,500.00", "新版扫描件第一页", "旧版文件第一页"} {
		p := strconv.Itoa(b.Items[i].PageFrom)
		txt := tool(t, dir, "pdftotext", "-f", p, "-l", p, "01-bundle.pdf", "-")
		if !strings.Contains(txt, want) || !strings.Contains(txt, "证据 "+strconv.Itoa(i+1)+" · 第 "+p+" 页") {
			t.Errorf("page %s lacks %q or its stamp:\n%s", p, want, txt)
		}
	}
}
