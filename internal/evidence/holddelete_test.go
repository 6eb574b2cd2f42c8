package evidence_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/blob"
	"github.com/dossier/dossier/internal/dossier"
)

// deletingStore is the real blob store with the race a test cannot time:
// the item is deleted by another request right after its bytes are locked.
type deletingStore struct {
	blob.Store
	onLock func()
}

func (d *deletingStore) Lock(ctx context.Context, sha string, until time.Time, hold bool) error {
	err := d.Store.Lock(ctx, sha, until, hold)
	if d.onLock != nil {
		d.onLock()
		d.onLock = nil
	}
	return err
}

// A hold on an item deleted while its bytes were being locked is refused
// (409) and leaves no legal hold in the store: before, the object stayed
// under a hold that no record showed and no release could lift (Hold
// refuses deleted items), so its bytes could never be purged.
func TestHoldOnItemDeletedMeanwhile(t *testing.T) {
	ctx := context.Background()
	f, _ := faultVault(t, true)
	e, _, err := f.vault.Ingest(ctx, f.admin, f.caseID, form(t, "contract", "合同.pdf", random(5000)))
	if err != nil {
		t.Fatal(err)
	}
	real := f.vault.Blobs
	f.vault.Blobs = &deletingStore{Store: real, onLock: func() {
		if err := f.store.TombstoneEvidence(ctx, e.ID, time.Now()); err != nil {
			t.Errorf("delete meanwhile: %v", err)
		}
	}}
	on := true
	if _, err := f.vault.Hold(ctx, f.admin, e.ID, &on, "诉讼保全"); dossier.ErrorCode(err) != dossier.ECONFLICT {
		t.Fatalf("hold on an item deleted meanwhile: %v (code %s), want %s", err, dossier.ErrorCode(err), dossier.ECONFLICT)
	}
	// No hold left on the bytes: the store lets them go.
	if err := real.Delete(ctx, e.SHA256); errors.Is(err, blob.ErrLocked) {
		t.Errorf("the bytes of the deleted item stay under a legal hold no record shows: %v", err)
	} else if err != nil {
		t.Fatal(err)
	}
}
