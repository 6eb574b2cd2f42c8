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
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/render"
	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// pdf20 is a valid one-page PDF whose header says version 2.0, as newer
// tools write.
func pdf20(t *testing.T, text string) []byte {
	t.Helper()
	pdf := pdf1x(t, text)
	copy(pdf, "%PDF-2.0") // same length: the xref offsets hold
	return pdf
}

func pdf1x(t *testing.T, text string) []byte {
	t.Helper()
	d := loadFont(t).NewDoc(render.DocOptions{Title: "v2", PagePattern: "{current}/{total}", Created: time.Unix(0, 0)})
	d.Title(text)
	pdf, pages, err := d.Bytes()
	if err != nil || pages != 1 {
		t.Fatalf("pdf: %d pages, %v", pages, err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-1.")) {
		t.Fatalf("header %q", pdf[:8])
	}
	return pdf
}

// catalog20 is a valid one-page PDF with a 1.x header whose catalog says
// /Version /2.0 (which takes precedence). pdfcpu reads it, stamps it and
// merges it as the first file, but refuses to append it to a PDF 1.x ("PDF
// 2.0 unsupported for this operation"): it fails only when merged.
func catalog20(t *testing.T, text string) []byte {
	t.Helper()
	ctx, err := api.ReadContext(bytes.NewReader(pdf1x(t, text)), model.NewDefaultConfiguration())
	if err != nil {
		t.Fatal(err)
	}
	root, err := ctx.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	root["Version"] = types.Name("2.0")
	var out bytes.Buffer
	if err := api.WriteContext(ctx, &out); err != nil {
		t.Fatal(err)
	}
	back, err := api.ReadContext(bytes.NewReader(out.Bytes()), model.NewDefaultConfiguration())
	if err != nil || !bytes.HasPrefix(out.Bytes(), []byte("%PDF-1.")) || back.XRefTable.Version() != model.V20 {
		t.Fatalf("not a 1.x header with a 2.0 catalog: %q, version %v (%v)", out.Bytes()[:8], back.XRefTable.Version(), err)
	}
	return out.Bytes()
}

// TestPDFThatFailsOnlyWhenMerged: a PDF that reads and stamps alone but
// that pdfcpu's merge refuses (for a reason other than encryption) gets a
// description page; the bundle is made and every other exhibit merged.
// Before, the fallback re-checked each PDF alone, without the merge step,
// found nothing wrong and failed the whole bundle with a 500.
func TestPDFThatFailsOnlyWhenMerged(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "", diskStore(t))
	first := f.add(t, "other", "新版PDF甲", "v2a.pdf", "application/pdf", catalog20(t, "首份新版文件"), nil)
	text := f.add(t, "statement", "对账单", "s.txt", "text/plain", []byte("截至6月30日尚欠货款386,500.00元。"), nil)
	later := f.add(t, "other", "新版PDF乙", "v2b.pdf", "application/pdf", catalog20(t, "后一份新版文件"), nil)
	tests := []struct {
		name       string
		ids        []string
		wantMerged []bool
	}{
		// Appended after a PDF 1.x: pdfcpu cannot merge it.
		{"OKDescribed", []string{text.ID, later.ID}, []bool{true, false}},
		// As the merge's first file it is the destination, and merges.
		{"OKFirstMerged", []string{first.ID, text.ID}, []bool{true, true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := &dossier.BundleRequest{Title: "卷宗"}
			for i, id := range tt.ids {
				req.Items = append(req.Items, dossier.BundleRequestItem{EvidenceID: id, Purpose: "证明" + strconv.Itoa(i)})
			}
			b, err := f.svc.Create(ctx, admin, f.c.ID, req)
			if err != nil {
				t.Fatalf("bundle with a 2.0 catalog: %v", err)
			}
			for i, it := range b.Items {
				if it.Merged != tt.wantMerged[i] || it.Pages < 1 || (i > 0 && it.PageFrom != b.Items[i-1].PageFrom+b.Items[i-1].Pages) {
					t.Fatalf("item %d: %+v, want merged %v", i+1, it, tt.wantMerged[i])
				}
			}
			zipPath := download(t, f, b, "zh")
			if r, err := bundle.VerifyZip(zipPath); err != nil || !r.OK() {
				t.Fatalf("verify: %+v %v", r, err)
			}
			dir := unpack(t, zipPath)
			for i, it := range b.Items {
				p := strconv.Itoa(it.PageFrom)
				txt := tool(t, dir, "pdftotext", "-f", p, "-l", p, "01-bundle.pdf", "-")
				if !strings.Contains(txt, "证据 "+strconv.Itoa(i+1)+" · 第 "+p+" 页") {
					t.Errorf("page %s lacks its stamp:\n%s", p, txt)
				}
				if !it.Merged && (!strings.Contains(txt, it.ZipName) || !strings.Contains(txt, "合并")) {
					t.Errorf("exhibit %d's page does not describe it as not mergeable:\n%s", i+1, txt)
				}
			}
			if got, err := os.ReadFile(filepath.Join(dir, b.Items[len(b.Items)-1].ZipName)); err != nil ||
				!bytes.Equal(got, f.bytes[tt.ids[len(tt.ids)-1]]) {
				t.Fatalf("the original is not in the ZIP as received (%v)", err)
			}
		})
	}
}
