package evidence_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/dossier/dossier/internal/blob"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/testenv"
)

// Lifting a legal hold while the blob store refuses to change the objects'
// lock is refused (503) and changes nothing: the record stays on hold, as
// the stored bytes do. Before, the record was released first and stayed
// released, so the API answered 503 for a hold it had lifted, the audit
// trail showed only a failed request, and the record claimed no hold while
// the storage kept one.
func TestReleaseHoldStoreRefuses(t *testing.T) {
	ctx := context.Background()
	f, proxy := faultVault(t, true)
	e, _, err := f.vault.Ingest(ctx, f.admin, f.caseID, form(t, "contract", "合同.pdf", random(5000)))
	if err != nil {
		t.Fatal(err)
	}
	on, off := true, false
	if _, err := f.vault.Hold(ctx, f.admin, e.ID, &on, "诉讼保全"); err != nil {
		t.Fatal(err)
	}
	proxy.Fail("PUT", 503, "SlowDown")
	_, err = f.vault.Hold(ctx, f.admin, e.ID, &off, "和解")
	if dossier.ErrorCode(err) != dossier.EUNAVAILABLE {
		t.Errorf("release with the store refusing: %v (code %s), want %s", err, dossier.ErrorCode(err), dossier.EUNAVAILABLE)
	}
	if proxy.Refused() == 0 {
		t.Fatal("no request was refused: the test tests nothing")
	}
	proxy.Heal()
	cur, err := f.store.Evidence(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !cur.Hold || cur.HoldReason != "诉讼保全" {
		t.Errorf("after a refused release the record says hold=%v reason=%q, want the hold kept", cur.Hold, cur.HoldReason)
	}
	if err := f.vault.Blobs.Delete(ctx, e.SHA256); !errors.Is(err, blob.ErrLocked) {
		t.Fatalf("the stored bytes are not locked: delete answered %v", err)
	}
	if cur, err = f.vault.Hold(ctx, f.admin, e.ID, &off, "和解"); err != nil || cur.Hold {
		t.Fatalf("release once the store works: %+v, %v", cur, err)
	}
}

// A hold the storage refuses leaves the record without it and the bytes
// as they were.
func TestPlaceHoldStoreRefuses(t *testing.T) {
	ctx := context.Background()
	f, proxy := faultVault(t, true)
	e, _, err := f.vault.Ingest(ctx, f.admin, f.caseID, form(t, "contract", "合同.pdf", random(5000)))
	if err != nil {
		t.Fatal(err)
	}
	on := true
	proxy.Fail("PUT", 507, "XMinioStorageFull")
	if _, err := f.vault.Hold(ctx, f.admin, e.ID, &on, "诉讼保全"); dossier.ErrorCode(err) != dossier.EUNAVAILABLE {
		t.Errorf("hold with the store refusing: %v (code %s), want %s", err, dossier.ErrorCode(err), dossier.EUNAVAILABLE)
	}
	proxy.Heal()
	if cur, err := f.store.Evidence(ctx, e.ID); err != nil || cur.Hold {
		t.Errorf("after a refused hold the record says hold=%v (%v)", cur.Hold, err)
	}
}

// twoVersions is an item with two versions on a locking S3 store behind
// a FaultProxy, for a hold or release that fails between the versions.
func twoVersions(t *testing.T) (f *fixture, proxy *testenv.FaultProxy, v1, v2 *dossier.Evidence) {
	t.Helper()
	ctx := context.Background()
	f, proxy = faultVault(t, true)
	v1, _, err := f.vault.Ingest(ctx, f.admin, f.caseID, form(t, "contract", "合同.pdf", random(5000)))
	if err != nil {
		t.Fatal(err)
	}
	v2, _, err = f.vault.AddVersion(ctx, f.admin, v1.ID, form(t, "", "合同v2.pdf", random(5000)))
	if err != nil {
		t.Fatal(err)
	}
	return f, proxy, v1, v2
}

// legalHoldPut selects the requests that set or clear an object's legal
// hold.
func legalHoldPut(r *http.Request) bool {
	_, ok := r.URL.Query()["legal-hold"]
	return r.Method == http.MethodPut && ok
}

// A hold that fails partway (the first version's bytes locked, the
// second's refused) leaves no version locked: the record has no hold, so
// the storage must not enforce one either. Before, the first version stayed
// under a legal hold nobody could see or lift through the record.
func TestPlaceHoldFailsPartway(t *testing.T) {
	ctx := context.Background()
	f, proxy, e, e2 := twoVersions(t)
	on := true
	proxy.FailNth(legalHoldPut, 2)
	if _, err := f.vault.Hold(ctx, f.admin, e.ID, &on, "诉讼保全"); dossier.ErrorCode(err) != dossier.EUNAVAILABLE {
		t.Fatalf("hold with the second lock refused: %v (code %s), want %s", err, dossier.ErrorCode(err), dossier.EUNAVAILABLE)
	}
	proxy.Heal()
	if proxy.Refused() != 1 {
		t.Fatalf("the proxy refused %d requests, want the second lock only", proxy.Refused())
	}
	if cur, err := f.store.Evidence(ctx, e.ID); err != nil || cur.Hold {
		t.Fatalf("after a refused hold the record says hold=%v (%v)", cur.Hold, err)
	}
	for _, sha := range []string{e.SHA256, e2.SHA256} {
		if err := f.vault.Blobs.Delete(ctx, sha); err != nil {
			t.Errorf("blob %s is still locked after the hold was refused: %v", sha, err)
		}
	}
}
