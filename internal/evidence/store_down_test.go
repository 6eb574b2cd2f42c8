package evidence_test

import (
	"context"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/blob/s3"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/testenv"
)

// The blob store going down is a dependency failure, 503 by the API
// contract, for an upload, a new version and a download alike; the upload
// leaves no record. Before, each was a 500 "internal error", which tells
// the client that retrying is pointless and pages nobody about S3.
func TestBlobStoreDown(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "sqlite")
	srv := testenv.MinIO(t)
	proxy := testenv.NewCutProxy(t, srv.Endpoint)
	blobs, err := s3.New(ctx, s3.Config{Endpoint: proxy.Addr(),
		Bucket: "down-" + strings.ToLower(dossier.NewID()), AccessKey: srv.AccessKey, SecretKey: srv.SecretKey})
	if err != nil {
		t.Fatal(err)
	}
	f.vault.Blobs = blobs
	first, _, err := f.vault.Ingest(ctx, f.admin, f.caseID, form(t, "contract", "合同.pdf", random(5000)))
	if err != nil {
		t.Fatal(err)
	}
	proxy.Cut()

	_, _, err = f.vault.Ingest(ctx, f.admin, f.caseID, form(t, "contract", "发票.pdf", random(5000)))
	if dossier.ErrorCode(err) != dossier.EUNAVAILABLE {
		t.Errorf("upload with the blob store down: %v (code %s), want %s", err, dossier.ErrorCode(err), dossier.EUNAVAILABLE)
	}
	_, _, err = f.vault.AddVersion(ctx, f.admin, first.ID, form(t, "", "合同v2.pdf", random(5000)))
	if dossier.ErrorCode(err) != dossier.EUNAVAILABLE {
		t.Errorf("new version with the blob store down: %v (code %s), want %s", err, dossier.ErrorCode(err), dossier.EUNAVAILABLE)
	}
	ct, err := f.vault.Content(ctx, f.admin, first.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if rc, err := ct.Open(ctx, 0, -1); dossier.ErrorCode(err) != dossier.EUNAVAILABLE {
		if err == nil {
			rc.Close()
		}
		t.Errorf("download with the blob store down: %v (code %s), want %s", err, dossier.ErrorCode(err), dossier.EUNAVAILABLE)
	}
	if _, total, _, err := f.store.ListEvidence(ctx, dossier.EvidenceFilter{CaseID: f.caseID}); err != nil || total != 1 {
		t.Errorf("%d records (%v), want the first upload only", total, err)
	}
	if vs, err := f.store.Versions(ctx, first.ID); err != nil || len(vs) != 1 {
		t.Errorf("%d versions (%v), want 1", len(vs), err)
	}
}

// A blob store that answers but cannot take bytes (MinIO with its drive
// full answers 507 XMinioStorageFull; S3 under load 503 SlowDown) is a
// dependency down too: the upload is refused as unavailable, not as an
// internal error, and leaves no record.
func TestBlobStoreRefuses(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "sqlite")
	blobs, proxy := testenv.FaultyS3(t, false)
	f.vault.Blobs = blobs
	for _, fault := range []struct {
		status int
		code   string
	}{{507, "XMinioStorageFull"}, {503, "SlowDown"}} {
		proxy.Fail("PUT", fault.status, fault.code)
		_, _, err := f.vault.Ingest(ctx, f.admin, f.caseID, form(t, "contract", "合同.pdf", random(5000)))
		if dossier.ErrorCode(err) != dossier.EUNAVAILABLE {
			t.Errorf("upload with the store answering %d %s: %v (code %s), want %s",
				fault.status, fault.code, err, dossier.ErrorCode(err), dossier.EUNAVAILABLE)
		}
	}
	proxy.Heal()
	if _, total, _, err := f.store.ListEvidence(ctx, dossier.EvidenceFilter{CaseID: f.caseID}); err != nil || total != 0 {
		t.Errorf("%d records (%v) after refused uploads, want none", total, err)
	}
	if _, _, err := f.vault.Ingest(ctx, f.admin, f.caseID, form(t, "contract", "合同.pdf", random(5000))); err != nil {
		t.Errorf("upload once the store works again: %v", err)
	}
}
