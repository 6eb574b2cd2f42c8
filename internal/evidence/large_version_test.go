package evidence_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"testing"

	"github.com/dossier/dossier/internal/blob"
	"github.com/dossier/dossier/internal/dossier"
)

// A version large enough to be hashed beside the copy (4 MiB and more) is
// checked as a small one is: delivered whole when intact, whatever the
// caller's read size; a changed byte anywhere, the last one included, is
// found before the last byte leaves; a reader closed halfway leaves no
// goroutine behind to block (the race detector and the next reads would
// show one).
func TestContentOfLargeVersion(t *testing.T) {
	ctx := context.Background()
	data := random(5<<20 + 12345)
	f := newFixture(t, "sqlite")
	e, _, err := f.vault.Ingest(ctx, f.admin, f.caseID, form(t, "recording", "录音.m4a", data))
	if err != nil {
		t.Fatal(err)
	}
	read := func(bufSize int) ([]byte, error) {
		ct, err := f.vault.Content(ctx, f.admin, e.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		rc, err := ct.Open(ctx, 0, -1)
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		var out bytes.Buffer
		_, err = io.CopyBuffer(&out, struct{ io.Reader }{rc}, make([]byte, bufSize))
		return out.Bytes(), err
	}
	for _, n := range []int{1, 4096, 32 << 10, 1 << 20, 3<<20 + 7} {
		got, err := read(n)
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("intact, %d-byte reads: %d bytes, %v", n, len(got), err)
		}
	}
	// Closed after a little: the next downloads still work.
	ct, _ := f.vault.Content(ctx, f.admin, e.ID, 0)
	rc, err := ct.Open(ctx, 0, -1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(rc, make([]byte, 1<<20)); err != nil {
		t.Fatal(err)
	}
	rc.Close()

	p := blobPath(t, f, e.SHA256)
	for _, at := range []int64{0, 2 << 20, int64(len(data) - 1)} {
		fh, err := os.OpenFile(p, os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = fh.WriteAt([]byte{data[at] ^ 0x40}, at)
		fh.Close()
		got, err := read(32 << 10)
		if !errors.Is(err, blob.ErrCorrupt) || dossier.ErrorCode(err) != dossier.EINTERNAL || len(got) >= len(data) {
			t.Errorf("byte %d changed: read %d of %d bytes, err %v; want ErrCorrupt before the last byte", at, len(got), len(data), err)
		}
		fh, _ = os.OpenFile(p, os.O_WRONLY, 0)
		_, _ = fh.WriteAt([]byte{data[at]}, at)
		fh.Close()
	}
	if got, err := read(64 << 10); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("repaired: %d bytes, %v", len(got), err)
	}
}
