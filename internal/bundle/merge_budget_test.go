package bundle_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/bundle"
)

// TestMergeBudgetNote: once the exhibits merged so far reach the merged
// PDF's budget (8 × MaxMergeBytes), the next ones get a description page.
// That page must say why: the PDF is full, not that this small file is too
// large, which a judge would read as a fact about the exhibit.
func TestMergeBudgetNote(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "", diskStore(t))
	svc, err := bundle.New(bundle.Config{Cases: f.store, Evidence: f.store, Documents: f.store, Bundles: f.store,
		Blobs: f.blobs, Font: loadFont(t), WorkDir: filepath.Join(os.TempDir(), "dossier-bundle-test"),
		MaxMergeBytes: 1000})
	if err != nil {
		t.Fatal(err)
	}
	// Nine statements of 900 bytes: each below the 1000-byte limit, the
	// ninth past the budget of 8000.
	for i := 1; i <= 9; i++ {
		text := fmt.Sprintf("对账单%d：", i) + strings.Repeat("尚欠货款。", 60)
		f.add(t, "statement", fmt.Sprintf("对账单%d", i), fmt.Sprintf("s%d.txt", i), "text/plain", []byte(text[:900]), nil)
	}
	b, err := svc.Create(ctx, admin, f.c.ID, f.request("对账单汇总"))
	if err != nil {
		t.Fatal(err)
	}
	last := b.Items[8]
	if last.Merged || !b.Items[7].Merged {
		t.Fatalf("merged flags: 8th %v, 9th %v; want the 9th only described", b.Items[7].Merged, last.Merged)
	}
	dir := unpack(t, download(t, f, b, "zh"))
	txt := tool(t, dir, "pdftotext", "-f", strconv.Itoa(last.PageFrom), "-l", strconv.Itoa(last.PageFrom+last.Pages-1), "01-bundle.pdf", "-")
	if strings.Contains(txt, "该文件过大") || strings.Contains(txt, "Too large") {
		t.Errorf("the description page of a %d-byte exhibit says it is too large:\n%s", last.Size, txt)
	}
	if !strings.Contains(txt, "容量上限") || !strings.Contains(txt, last.ZipName) {
		t.Errorf("the description page does not say the merged PDF is full and where the original is:\n%s", txt)
	}
}
