package bundle_test

import (
	"archive/zip"
	"bufio"
	"context"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/bundle"
	"github.com/dossier/dossier/internal/dossier"
)

// TestDataDescriptorPath sends every stored original down the path that
// originals of 4 GiB and more take (CreateHeader with a data descriptor,
// which archive/zip writes in ZIP64 form when the sizes need it) and checks
// the result with the system's unzip and sha256sum.
func TestDataDescriptorPath(t *testing.T) {
	defer bundle.SetRawLimit(0)()
	f := newFixture(t, "", diskStore(t))
	f.addAll(t)
	b, err := f.svc.Create(context.Background(), admin, f.c.ID, f.request("数据描述符"))
	if err != nil {
		t.Fatal(err)
	}
	p := download(t, f, b, "zh")
	zr, err := zip.OpenReader(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, zf := range zr.File {
		if strings.HasPrefix(zf.Name, "originals/") && zf.Flags&0x8 == 0 {
			t.Errorf("%s was not written with a data descriptor", zf.Name)
		}
	}
	zr.Close()
	dir := unpack(t, p)
	tool(t, dir, "sha256sum", "--strict", "-c", "SHA256SUMS")
	if r, err := bundle.VerifyZip(p); err != nil || !r.OK() {
		t.Fatalf("verify: %+v %v", r, err)
	}
}

// TestZIP64 streams a bundle holding a 4.1 GiB original and checks it with
// unzip -t. Slow (about a minute, 8 GiB of disk): skipped with -short.
func TestZIP64(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skips streaming a 4.1 GiB original (make test runs it)")
	}
	ctx := context.Background()
	bs := diskStore(t)
	f := newFixture(t, "", bs)
	size := int64(4<<30 + 100<<20)
	ref, err := bs.Put(ctx, bufio.NewReaderSize(&genReader{rand.NewChaCha8([32]byte{7}), size}, 1<<20), "")
	if err != nil {
		t.Fatal(err)
	}
	e := &dossier.Evidence{CaseID: f.c.ID, Kind: "recording", Title: "超大录音", Filename: "big.m4a",
		MediaType: "audio/mp4", Size: ref.Size, SHA256: ref.SHA256, TextStatus: dossier.TextNone,
		CreatedBy: "u-admin", CreatedAt: time.Now().UTC()}
	if err := f.store.CreateEvidence(ctx, e); err != nil {
		t.Fatal(err)
	}
	f.ev = append(f.ev, e)
	f.add(t, "statement", "对账单", "s.txt", "text/plain", []byte("尚欠货款"), nil)
	b, err := f.svc.Create(ctx, admin, f.c.ID, f.request("ZIP64"))
	if err != nil {
		t.Fatal(err)
	}
	p := download(t, f, b, "zh")
	out, err := exec.Command("unzip", "-t", p).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "No errors detected") {
		t.Fatalf("unzip -t: %v\n%s", err, out)
	}
	if st, _ := os.Stat(p); st.Size() <= size {
		t.Fatalf("ZIP of %d bytes for a %d-byte original", st.Size(), size)
	}
	if r, err := bundle.VerifyZip(p); err != nil || !r.OK() {
		t.Fatalf("verify: %+v %v", r, err)
	}
	_ = os.Remove(filepath.Join(filepath.Dir(p), "bundle-zh.zip"))
}
