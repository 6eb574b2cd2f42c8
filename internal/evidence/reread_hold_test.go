package evidence_test

import (
	"context"
	"errors"
	"testing"

	"github.com/dossier/dossier/internal/blob"
	"github.com/dossier/dossier/internal/dossier"
)

// A release that fails partway (the first version's bytes unlocked, the
// second's refused) is refused and leaves the hold where the record keeps
// it: every version's bytes stay locked. Before, the record went back to
// the hold but the first version's bytes stayed released, so the record
// claimed a hold the storage no longer enforced.
func TestReleaseHoldFailsPartway(t *testing.T) {
	ctx := context.Background()
	f, proxy, e, e2 := twoVersions(t)
	on, off := true, false
	if _, err := f.vault.Hold(ctx, f.admin, e.ID, &on, "诉讼保全"); err != nil {
		t.Fatal(err)
	}
	proxy.FailNth(legalHoldPut, 2)
	if _, err := f.vault.Hold(ctx, f.admin, e.ID, &off, "和解"); dossier.ErrorCode(err) != dossier.EUNAVAILABLE {
		t.Fatalf("release with the second unlock refused: %v (code %s), want %s", err, dossier.ErrorCode(err), dossier.EUNAVAILABLE)
	}
	proxy.Heal()
	if proxy.Refused() != 1 {
		t.Fatalf("the proxy refused %d requests, want the second unlock only", proxy.Refused())
	}
	if cur, err := f.store.Evidence(ctx, e.ID); err != nil || !cur.Hold || cur.HoldReason != "诉讼保全" {
		t.Fatalf("after a refused release the record says %+v (%v), want the hold kept", cur, err)
	}
	for _, sha := range []string{e.SHA256, e2.SHA256} {
		if err := f.vault.Blobs.Delete(ctx, sha); !errors.Is(err, blob.ErrLocked) {
			t.Errorf("blob %s of an item the record keeps on hold is not locked: delete answered %v", sha, err)
		}
	}
}
