package evidence_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"os"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/evidence"
)

// hookReader calls hook once, when more than at bytes have been read.
type hookReader struct {
	r    io.Reader
	n    int
	at   int
	hook func()
}

func (h *hookReader) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	h.n += n
	if h.hook != nil && h.n > h.at {
		h.hook()
		h.hook = nil
	}
	return n, err
}

// An upload that declares the digest of bytes the store already holds as an
// old orphan is only hashed as it arrives, which takes as long as the
// upload; a sweep during that time must see the blob as in use. Before, the
// blob was marked as stored now only after the last byte, so a sweep in the
// middle removed it and the upload failed with an internal error (or, had
// the mark not been checked, left a record without bytes).
func TestSweepWhileDeclaredUploadStreams(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "sqlite")
	data := random(4 << 20)
	sha := hexSHA(data)
	// A refused upload leaves its bytes behind, unreferenced and old.
	if _, _, err := f.vault.Ingest(ctx, f.admin, f.caseID, formThen("合同.pdf", data, "kind", "nonsense")); dossier.ErrorCode(err) != dossier.EINVALID {
		t.Fatalf("refused upload: %v", err)
	}
	p := blobPath(t, f, sha)
	old := time.Now().Add(-48 * time.Hour)
	if err := os.Chtimes(p, old, old); err != nil {
		t.Fatal(err)
	}

	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("kind", "contract")
	_ = w.WriteField("sha256", sha)
	fw, _ := w.CreateFormFile("file", "合同.pdf")
	_, _ = fw.Write(data)
	_ = w.Close()
	sweeper := &evidence.Vault{Store: f.store, Blobs: f.blobs}
	var swept []string
	r := &hookReader{r: bytes.NewReader(body.Bytes()), at: 2 << 20, hook: func() {
		res, err := sweeper.Sweep(ctx, evidence.SweepOptions{MinAge: 24 * time.Hour})
		if err != nil {
			t.Errorf("sweep: %v", err)
			return
		}
		swept = res.Removed
	}}
	e, _, err := f.vault.Ingest(ctx, f.admin, f.caseID, evidence.NewFormReader(r, w.Boundary()))
	if err != nil {
		t.Fatalf("upload during the sweep: %v (swept %v)", err, swept)
	}
	if r.hook != nil {
		t.Fatal("the sweep did not run during the upload")
	}
	if len(swept) != 0 {
		t.Errorf("the sweep removed %v during the upload", swept)
	}
	if ck, err := f.vault.Verify(ctx, f.admin, e.ID); err != nil || !ck.OK {
		t.Errorf("after the upload the item verifies %+v %v", ck, err)
	}
}
