package evidence_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/dossier/dossier/internal/blob"
	"github.com/dossier/dossier/internal/blob/s3"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/testenv"
)

// A release that fails partway (the first version's bytes unlocked, the
// second's refused) is refused and leaves the hold where the record keeps
// it: every version's bytes stay locked. Before, the record went back to
// the hold but the first version's bytes stayed released, so the record
// claimed a hold the storage no longer enforced.
func TestReleaseHoldFailsPartway(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "sqlite")
	srv := testenv.MinIO(t)
	var armed atomic.Bool
	legalHold := func(r *http.Request) bool {
		_, ok := r.URL.Query()["legal-hold"]
		return armed.Load() && r.Method == http.MethodPut && ok
	}
	blobs, err := s3.New(ctx, s3.Config{Endpoint: failNth(t, srv.Endpoint, legalHold, 2), MaxRetries: 1, ObjectLocking: true,
		Bucket: "relpart-" + strings.ToLower(dossier.NewID()), AccessKey: srv.AccessKey, SecretKey: srv.SecretKey})
	if err != nil {
		t.Fatal(err)
	}
	f.vault.Blobs = blobs
	e, _, err := f.vault.Ingest(ctx, f.admin, f.caseID, form(t, "contract", "合同.pdf", random(5000)))
	if err != nil {
		t.Fatal(err)
	}
	e2, _, err := f.vault.AddVersion(ctx, f.admin, e.ID, form(t, "", "合同v2.pdf", random(5000)))
	if err != nil {
		t.Fatal(err)
	}
	on, off := true, false
	if _, err := f.vault.Hold(ctx, f.admin, e.ID, &on, "诉讼保全"); err != nil {
		t.Fatal(err)
	}
	armed.Store(true)
	if _, err := f.vault.Hold(ctx, f.admin, e.ID, &off, "和解"); dossier.ErrorCode(err) != dossier.EUNAVAILABLE {
		t.Fatalf("release with the second unlock refused: %v (code %s), want %s", err, dossier.ErrorCode(err), dossier.EUNAVAILABLE)
	}
	armed.Store(false)
	if cur, err := f.store.Evidence(ctx, e.ID); err != nil || !cur.Hold || cur.HoldReason != "诉讼保全" {
		t.Fatalf("after a refused release the record says %+v (%v), want the hold kept", cur, err)
	}
	for _, sha := range []string{e.SHA256, e2.SHA256} {
		if err := blobs.Delete(ctx, sha); !errors.Is(err, blob.ErrLocked) {
			t.Errorf("blob %s of an item the record keeps on hold is not locked: delete answered %v", sha, err)
		}
	}
}
