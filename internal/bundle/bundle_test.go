package bundle_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/blob"
	"github.com/dossier/dossier/internal/blob/disk"
	"github.com/dossier/dossier/internal/bundle"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/render"
)

// download writes the bundle's ZIP to a file and returns its path.
func download(t *testing.T, f *fixture, b *dossier.Bundle, lang string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "bundle-"+lang+".zip")
	out, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.svc.WriteZip(context.Background(), out, b, f.c, lang); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

// unpack extracts a ZIP with the system's unzip, not our reader.
func unpack(t *testing.T, zipPath string) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("unzip", "-q", zipPath, "-d", dir).CombinedOutput(); err != nil {
		t.Fatalf("unzip: %v\n%s", err, out)
	}
	return dir
}

func tool(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

func TestBundle(t *testing.T) {
	for _, tool := range []string{"unzip", "sha256sum", "pdfinfo", "pdftotext", "qpdf"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is needed to check bundles independently: %v", tool, err)
		}
	}
	blobBackends(t, func(t *testing.T, bs blob.Store) {
		ctx := context.Background()
		f := newFixture(t, "", bs)
		f.addAll(t)
		b, err := f.svc.Create(ctx, admin, f.c.ID, f.request("一审证据 第一组"))
		if err != nil {
			t.Fatal(err)
		}
		// Pin check: a new version after creation must not change the bundle.
		v2 := []byte("版本二 replaced text")
		ref, err := bs.Put(ctx, bytes.NewReader(v2), "")
		if err != nil {
			t.Fatal(err)
		}
		if err := f.store.AddVersion(ctx, &dossier.EvidenceVersion{EvidenceID: f.ev[1].ID, N: 2, Filename: "v2.txt",
			MediaType: "text/plain", Size: ref.Size, SHA256: ref.SHA256, CreatedBy: "u-admin", CreatedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
		zipPath := download(t, f, b, "zh")
		dir := unpack(t, zipPath)

		t.Run("SHA256SUMS", func(t *testing.T) {
			out := tool(t, dir, "sha256sum", "--strict", "-c", "SHA256SUMS")
			if n := strings.Count(out, ": OK"); n != len(f.ev)+3 {
				t.Fatalf("sha256sum checked %d files, want %d:\n%s", n, len(f.ev)+3, out)
			}
		})
		t.Run("Originals", func(t *testing.T) {
			for i, it := range b.Items {
				if !strings.HasPrefix(it.ZipName, fmt.Sprintf("originals/%02d-", i+1)) {
					t.Errorf("item %d named %q", i+1, it.ZipName)
				}
				got, err := os.ReadFile(filepath.Join(dir, it.ZipName))
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, f.bytes[f.ev[i].ID]) {
					t.Errorf("%s differs from the original (pinned version)", it.ZipName)
				}
			}
			if b.Items[0].ZipName != "originals/01-买卖合同_HT-2026-0042.pdf" {
				t.Errorf("Chinese title not kept: %q", b.Items[0].ZipName)
			}
		})
		t.Run("Manifest", func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
			if err != nil {
				t.Fatal(err)
			}
			var m bundle.Manifest
			if err := json.Unmarshal(raw, &m); err != nil {
				t.Fatal(err)
			}
			if m.Case.Number != f.c.Number || m.Bundle.ID != b.ID || m.CreatedBy != "u-admin" ||
				len(m.Files) != len(f.ev)+2 || m.MerkleRoot != b.MerkleRoot || len(m.MerkleRoot) != 64 {
				t.Fatalf("manifest: %+v", m)
			}
			for _, mf := range m.Files {
				st, err := os.Stat(filepath.Join(dir, mf.Name))
				if err != nil || st.Size() != mf.Size {
					t.Errorf("%s: size %v, manifest %d (%v)", mf.Name, st, mf.Size, err)
				}
			}
		})
		t.Run("MergedPDF", func(t *testing.T) {
			info := tool(t, dir, "pdfinfo", "01-bundle.pdf")
			pages := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindStringSubmatch(info)
			if pages == nil {
				t.Fatalf("pdfinfo: %s", info)
			}
			n, _ := strconv.Atoi(pages[1])
			sum := 0
			for _, it := range b.Items {
				sum += it.Pages
			}
			if n != b.Pages || n != sum || b.Items[0].Pages < 2 {
				t.Fatalf("pdfinfo says %d pages; bundle %d, items sum %d", n, b.Pages, sum)
			}
			tool(t, dir, "qpdf", "--check", "01-bundle.pdf")
			var outl struct {
				Outlines []struct {
					Title string `json:"title"`
					Page  int    `json:"destpageposfrom1"`
				} `json:"outlines"`
			}
			if err := json.Unmarshal([]byte(tool(t, dir, "qpdf", "--json", "--json-key=outlines", "01-bundle.pdf")), &outl); err != nil {
				t.Fatal(err)
			}
			if len(outl.Outlines) != len(b.Items) {
				t.Fatalf("%d bookmarks, want %d: %+v", len(outl.Outlines), len(b.Items), outl)
			}
			for i, o := range outl.Outlines {
				it := b.Items[i]
				if o.Title != fmt.Sprintf("证据%d %s", it.N, it.Title) || o.Page != it.PageFrom {
					t.Errorf("bookmark %d: %q → p.%d; want exhibit %q at p.%d", i, o.Title, o.Page, it.Title, it.PageFrom)
				}
			}
			// Every page carries the exhibit number and the running page number.
			for _, it := range b.Items {
				for p := it.PageFrom; p < it.PageFrom+it.Pages; p++ {
					txt := tool(t, dir, "pdftotext", "-f", fmt.Sprint(p), "-l", fmt.Sprint(p), "01-bundle.pdf", "-")
					want := fmt.Sprintf("证据 %d · 第 %d 页 / 共 %d 页", it.N, p, b.Pages)
					if !strings.Contains(txt, want) {
						t.Errorf("page %d lacks stamp %q:\n%s", p, want, txt)
					}
				}
			}
			all := tool(t, dir, "pdftotext", "01-bundle.pdf", "-")
			for _, want := range []string{"乙方尚欠货款人民币386,500.00元", "货款催收通知", "请于2026年7月31日前支付欠款",
				"invoice.pdf", "张三：货款下个月一定付清。", "originals/05-电话录音.mp3", "无法转换"} {
				if !strings.Contains(all, want) {
					t.Errorf("merged PDF lacks %q", want)
				}
			}
			if b.Items[4].Merged || b.Items[5].Merged || !b.Items[0].Merged || !b.Items[3].Merged {
				t.Errorf("merged flags: %+v", b.Items)
			}
		})
		t.Run("EvidenceList", func(t *testing.T) {
			txt := tool(t, dir, "pdftotext", "-layout", "00-evidence-list.pdf", "-")
			for _, want := range []string{"证据目录", "序号", "证据名称", "证据来源", "证明目的", "页码/份数",
				f.c.Number, "杭州甲科技有限公司", "宁波乙贸易有限公司", "一审证据 第一组"} {
				if !strings.Contains(txt, want) {
					t.Errorf("evidence list lacks %q:\n%s", want, txt)
				}
			}
			// One row per exhibit: its number, title, purpose and pages.
			for _, it := range b.Items {
				row := regexp.MustCompile(`(?m)^\s*` + strconv.Itoa(it.N) + `\s+` + regexp.QuoteMeta(strings.Fields(it.Title)[0]))
				if !row.MatchString(txt) || !strings.Contains(txt, it.Purpose) {
					t.Errorf("no row for exhibit %d %q with purpose %q:\n%s", it.N, it.Title, it.Purpose, txt)
				}
			}
			if !strings.Contains(txt, fmt.Sprintf("第%d–%d页", b.Items[0].PageFrom, b.Items[0].PageFrom+b.Items[0].Pages-1)) {
				t.Errorf("page range of exhibit 1 missing:\n%s", txt)
			}
			en := unpack(t, download(t, f, b, "en"))
			etxt := tool(t, en, "pdftotext", "-layout", "00-evidence-list.pdf", "-")
			if !strings.Contains(etxt, "Evidence List") || !strings.Contains(etxt, "Purpose of proof") {
				t.Errorf("English list:\n%s", etxt)
			}
		})
		t.Run("Layout", func(t *testing.T) {
			zr, err := zip.OpenReader(zipPath)
			if err != nil {
				t.Fatal(err)
			}
			defer zr.Close()
			want := []string{bundle.ListName, bundle.MergedName}
			for _, it := range b.Items {
				want = append(want, it.ZipName)
			}
			want = append(want, bundle.ManifestName, bundle.SumsName)
			if len(zr.File) != len(want) {
				t.Fatalf("%d entries, want %d", len(zr.File), len(want))
			}
			for i, zf := range zr.File {
				if zf.Name != want[i] {
					t.Errorf("entry %d is %q, want %q", i, zf.Name, want[i])
				}
			}
			for _, zf := range zr.File[2 : 2+len(b.Items)] {
				deflated := strings.HasSuffix(zf.Name, ".txt") || strings.HasSuffix(zf.Name, ".eml")
				if deflated != (zf.Method == zip.Deflate) {
					t.Errorf("%s: method %d", zf.Name, zf.Method)
				}
				// Stored originals carry size and CRC in the local header.
				if zf.Method == zip.Store && (zf.Flags&0x8 != 0 || zf.Flags&0x800 == 0) {
					t.Errorf("%s: flags %#x, want no data descriptor and a UTF-8 name", zf.Name, zf.Flags)
				}
			}
		})
		t.Run("Verify", func(t *testing.T) {
			r, err := bundle.VerifyZip(zipPath)
			if err != nil || !r.OK() || r.Files != len(f.ev)+3 {
				t.Fatalf("verify good bundle: %+v %v", r, err)
			}
		})
		t.Run("ErrTampered", func(t *testing.T) {
			victim := b.Items[1].ZipName
			bad := rewriteZip(t, zipPath, victim, []byte("对账单：乙方已全部付清。"))
			r, err := bundle.VerifyZip(bad)
			if err != nil {
				t.Fatal(err)
			}
			if r.OK() || r.Problems[0].File != victim {
				t.Fatalf("tampered %s: report %+v", victim, r)
			}
		})
		t.Run("ErrFlippedByte", func(t *testing.T) {
			raw, _ := os.ReadFile(zipPath)
			// Flip a byte inside the recording (stored, so its bytes are verbatim).
			i := bytes.Index(raw, f.bytes[f.ev[4].ID][1000:1032])
			if i < 0 {
				t.Fatal("recording bytes not found stored verbatim")
			}
			raw[i] ^= 0xff
			p := filepath.Join(t.TempDir(), "flipped.zip")
			_ = os.WriteFile(p, raw, 0o600)
			r, err := bundle.VerifyZip(p)
			if err != nil || r.OK() || r.Problems[0].File != b.Items[4].ZipName {
				t.Fatalf("flipped byte: %+v %v", r, err)
			}
		})
	})
}

// rewriteZip copies a ZIP, replacing one file's content.
func rewriteZip(t *testing.T, src, name string, data []byte) string {
	t.Helper()
	zr, err := zip.OpenReader(src)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	p := filepath.Join(t.TempDir(), "tampered.zip")
	out, _ := os.Create(p)
	zw := zip.NewWriter(out)
	for _, f := range zr.File {
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		if f.Name == name {
			_, _ = w.Write(data)
			continue
		}
		rc, _ := f.Open()
		_, _ = io.Copy(w, rc)
		rc.Close()
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	out.Close()
	return p
}

func TestCreateErrors(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "", diskStore(t))
	f.addAll(t)
	other := &dossier.Actor{User: &dossier.User{ID: "x", Role: dossier.RoleExternal}}
	deleted := f.add(t, "other", "已删除", "gone.txt", "text/plain", []byte("gone"), func(e *dossier.Evidence) {
		now := time.Now()
		e.DeletedAt = &now
	})
	cases := []struct {
		name  string
		actor *dossier.Actor
		req   *dossier.BundleRequest
		code  string
	}{
		{"ErrUnauthenticated", nil, f.request("x"), dossier.EUNAUTHENTICATED},
		{"ErrInvisible", other, f.request("x"), dossier.ENOTFOUND},
		{"ErrNoTitle", admin, f.request(""), dossier.EINVALID},
		{"ErrNoItems", admin, &dossier.BundleRequest{Title: "x"}, dossier.EINVALID},
		{"ErrUnknownItem", admin, &dossier.BundleRequest{Title: "x", Items: []dossier.BundleRequestItem{{EvidenceID: "nope", Purpose: "p"}}}, dossier.EINVALID},
		{"ErrDeletedItem", admin, &dossier.BundleRequest{Title: "x", Items: []dossier.BundleRequestItem{{EvidenceID: deleted.ID, Purpose: "p"}}}, dossier.EINVALID},
		{"ErrBothIDs", admin, &dossier.BundleRequest{Title: "x", Items: []dossier.BundleRequestItem{{EvidenceID: "a", DocumentID: "b", Purpose: "p"}}}, dossier.EINVALID},
		{"ErrNoPurpose", admin, &dossier.BundleRequest{Title: "x", Items: []dossier.BundleRequestItem{{EvidenceID: f.ev[0].ID}}}, dossier.EINVALID},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.svc.Create(ctx, tc.actor, f.c.ID, tc.req)
			if dossier.ErrorCode(err) != tc.code {
				t.Fatalf("got %v, want %s", err, tc.code)
			}
		})
	}
}

// TestCorruptBlob damages an original on disk behind the store's back: a
// new bundle refuses it, and a download of an existing bundle stops before
// the ZIP is complete.
func TestCorruptBlob(t *testing.T) {
	ctx := context.Background()
	root := filepath.Join(t.TempDir(), "blobs")
	bs, err := disk.New(root)
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, "", bs)
	f.addAll(t)
	b, err := f.svc.Create(ctx, admin, f.c.ID, f.request("完好"))
	if err != nil {
		t.Fatal(err)
	}
	sha := f.ev[4].SHA256 // the recording: stored, not merged
	p := filepath.Join(root, sha[0:2], sha[2:4], sha)
	_ = os.Chmod(p, 0o600)
	raw, _ := os.ReadFile(p)
	raw[len(raw)/2] ^= 0x01
	if err := os.WriteFile(p, raw, 0o400); err != nil {
		t.Fatal(err)
	}
	t.Run("ErrDownload", func(t *testing.T) {
		var buf bytes.Buffer
		err := f.svc.WriteZip(ctx, &buf, b, f.c, "zh")
		if !errors.Is(err, blob.ErrCorrupt) || !strings.Contains(err.Error(), b.Items[4].ZipName) {
			t.Fatalf("got %v, want ErrCorrupt naming %s", err, b.Items[4].ZipName)
		}
		if _, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len())); err == nil {
			t.Fatal("a ZIP with a corrupt original was completed")
		}
	})
	t.Run("ErrCreate", func(t *testing.T) {
		_, err := f.svc.Create(ctx, admin, f.c.ID, f.request("损坏"))
		if dossier.ErrorCode(err) != dossier.ECONFLICT || !strings.Contains(err.Error(), "exhibit 5") {
			t.Fatalf("got %v, want ECONFLICT naming exhibit 5", err)
		}
	})
}

// TestDocumentItem bundles a generated document next to evidence.
func TestDocumentItem(t *testing.T) {
	ctx := context.Background()
	bs := diskStore(t)
	f := newFixture(t, "", bs)
	d := loadFont(t).NewDoc(render.DocOptions{Title: "律师函", PagePattern: "{current}/{total}", Created: time.Unix(0, 0)})
	d.Title("律师函")
	d.Para("宁波乙贸易有限公司：本所受杭州甲科技有限公司委托，就贵司拖欠货款一事致函如下。", "")
	pdf, pages, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	ref, err := bs.Put(ctx, bytes.NewReader(pdf), "")
	if err != nil {
		t.Fatal(err)
	}
	doc := &dossier.Document{CaseID: f.c.ID, Template: "lawyer_letter", Lang: "zh", SHA256: ref.SHA256, Size: ref.Size,
		Pages: pages, CreatedBy: "u-admin", CreatedAt: time.Now().UTC()}
	if err := f.store.CreateDocument(ctx, doc); err != nil {
		t.Fatal(err)
	}
	f.add(t, "statement", "对账单", "s.txt", "text/plain", []byte("尚欠货款"), nil)
	req := &dossier.BundleRequest{Title: "律师函及对账单", Items: []dossier.BundleRequestItem{
		{DocumentID: doc.ID, Purpose: "证明已催告"}, {EvidenceID: f.ev[0].ID, Purpose: "证明欠款"}}}
	b, err := f.svc.Create(ctx, admin, f.c.ID, req)
	if err != nil {
		t.Fatal(err)
	}
	it := b.Items[0]
	if it.DocumentID != doc.ID || it.Title != "律师函" || !it.Merged || it.Pages != pages ||
		it.ZipName != "originals/01-律师函.pdf" || b.Items[1].PageFrom != pages+1 {
		t.Fatalf("document item: %+v", b.Items)
	}
	r, err := bundle.VerifyZip(download(t, f, b, "zh"))
	if err != nil || !r.OK() {
		t.Fatalf("verify: %+v %v", r, err)
	}
}

// TestPDFThatBreaksStamping: a PDF printed by Chromium embeds a font of the
// same name as the stamp font, which pdfcpu cannot stamp over. The bundle
// must still be made (the PDF gets a description page), never fail.
func TestPDFThatBreaksStamping(t *testing.T) {
	ctx := context.Background()
	pdf, err := os.ReadFile("../extract/testdata/text.pdf")
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, "", diskStore(t))
	ev := f.add(t, "contract", "打印的合同", "contract.pdf", "application/pdf", pdf, nil)
	d := loadFont(t).NewDoc(render.DocOptions{Title: "律师函", PagePattern: "{current}/{total}", Created: time.Unix(0, 0)})
	d.Para("我们自己的 PDF 照常合并。", "")
	own, _, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	ownEv := f.add(t, "letter", "律师函", "letter.pdf", "application/pdf", own, nil)
	f.add(t, "statement", "对账单", "s.txt", "text/plain", []byte("尚欠货款"), nil)
	b, err := f.svc.Create(ctx, admin, f.c.ID, &dossier.BundleRequest{Title: "卷宗", Items: []dossier.BundleRequestItem{
		{EvidenceID: ev.ID, Purpose: "证明合同关系"}, {EvidenceID: ownEv.ID, Purpose: "催告"},
		{EvidenceID: f.ev[len(f.ev)-1].ID, Purpose: "证明欠款"}}})
	if err != nil {
		t.Fatalf("bundle with a Chromium-printed PDF: %v", err)
	}
	r, err := bundle.VerifyZip(download(t, f, b, "zh"))
	if err != nil || !r.OK() {
		t.Fatalf("verify: %+v %v", r, err)
	}
	if b.Items[0].Pages < 1 || b.Items[1].PageFrom != b.Items[0].PageFrom+b.Items[0].Pages {
		t.Fatalf("page ranges: %+v", b.Items)
	}
	if b.Items[0].Merged || !b.Items[1].Merged || !b.Items[2].Merged {
		t.Fatalf("only the PDF that breaks stamping may be described: merged = %v %v %v",
			b.Items[0].Merged, b.Items[1].Merged, b.Items[2].Merged)
	}
}

// TestWorkDirGone: pdfcpu's settings are process-wide; a service whose work
// directory differs from the one they were installed in, after that one was
// removed, must set them up again rather than fail.
func TestWorkDirGone(t *testing.T) {
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		f := newFixture(t, "", diskStore(t))
		dir := t.TempDir()
		svc, err := bundle.New(bundle.Config{Cases: f.store, Evidence: f.store, Documents: f.store, Bundles: f.store,
			Blobs: f.blobs, Font: loadFont(t), WorkDir: dir, BaseURL: "https://dossier.example.com/"})
		if err != nil {
			t.Fatal(err)
		}
		ev := f.add(t, "statement", "对账单", "s.txt", "text/plain", []byte("尚欠货款"), nil)
		if _, err := svc.Create(ctx, admin, f.c.ID, &dossier.BundleRequest{Title: "卷宗",
			Items: []dossier.BundleRequestItem{{EvidenceID: ev.ID, Purpose: "证明欠款"}}}); err != nil {
			t.Fatalf("round %d: %v", i, err)
		}
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
	}
}
