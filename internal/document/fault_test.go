package document

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/testenv"
)

// Generating a document while the blob store cannot take its PDF, or
// opening one while the store cannot read it, is the dependency down
// (EUNAVAILABLE, 503), and a refused generation records no document. The
// read is tried before Open returns, so a GET the store refuses (S3 answers
// the metadata HEAD and refuses the body) is a 503 too, not a 200 whose PDF
// breaks off. Before, all three were internal errors (500), the last one
// after the 200 had gone out.
func TestDocumentStoreFails(t *testing.T) {
	ctx := context.Background()
	s, db := mustService(t)
	blobs, proxy := testenv.FaultyS3(t, false)
	s.Blobs = blobs
	c := mustCase(t, db, nil)
	req := Request{Template: "lawyer_letter", Fields: requestFields["lawyer_letter"]}
	d, err := s.Generate(ctx, admin, c.ID, req)
	if err != nil {
		t.Fatal(err)
	}
	// Another day's letter: other bytes, which the store must take.
	s.Now = func() time.Time { return now.Add(48 * time.Hour) }
	proxy.Fail("PUT", 507, "XMinioStorageFull")
	if _, err := s.Generate(ctx, admin, c.ID, req); dossier.ErrorCode(err) != dossier.EUNAVAILABLE {
		t.Errorf("generate with the store full: %v (code %q), want %s", err, dossier.ErrorCode(err), dossier.EUNAVAILABLE)
	}
	if ds, err := s.List(ctx, admin, c.ID); err != nil || len(ds) != 1 {
		t.Errorf("%d documents (%v) after a refused generation, want 1", len(ds), err)
	}
	for _, method := range []string{"", "GET"} {
		proxy.Fail(method, 503, "SlowDown")
		_, rc, err := s.Open(ctx, admin, d.ID)
		if err == nil {
			_, err = io.Copy(io.Discard, rc)
			rc.Close()
			t.Errorf("open with the store refusing %q: the PDF opened (read: %v), want %s before any byte", method, err, dossier.EUNAVAILABLE)
		} else if dossier.ErrorCode(err) != dossier.EUNAVAILABLE {
			t.Errorf("open with the store refusing %q: %v (code %q), want %s", method, err, dossier.ErrorCode(err), dossier.EUNAVAILABLE)
		}
	}
	proxy.Heal()
	_, rc, err := s.Open(ctx, admin, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(rc)
	rc.Close()
	if err != nil || int64(len(b)) != d.Size || !strings.HasPrefix(string(b), "%PDF") {
		t.Fatalf("open once the store works: %d bytes, %v", len(b), err)
	}
}
