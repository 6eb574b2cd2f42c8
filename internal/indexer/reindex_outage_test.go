package indexer_test

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"testing"

	"github.com/dossier/dossier/internal/blob"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/search"
)

// downBlobs is a blob store whose reads fail as an unreachable store's do
// while down is set.
type downBlobs struct {
	blob.Store
	down bool
}

func (s *downBlobs) Open(ctx context.Context, sha string, off, n int64) (io.ReadCloser, error) {
	if s.down {
		return nil, fmt.Errorf("open %s: %w", sha, blob.ErrUnavailable)
	}
	return s.Store.Open(ctx, sha, off, n)
}

// A rebuild (`dossier reindex`, or serve's own when its index is unusable)
// that meets the blob store down does not mark the items it cannot read
// "failed", which no worker retries, so their text would stay out of search
// until the next manual reindex: they are queued, and the workers index them
// with their text once the store reads again.
func TestReindexBlobStoreDown(t *testing.T) {
	f := newFixture(t, filepath.Join(t.TempDir(), "meta.db"))
	ctx := context.Background()
	e := f.add(t, "statement", "对账单", "statement.txt", "text/plain; charset=utf-8", []byte("对账单确认欠款金额 outagekeyword"), "")
	down := &downBlobs{Store: f.blobs, down: true}
	f.ix.Blobs = down
	if err := f.ix.Reindex(ctx, nil, nil); err != nil {
		t.Fatal(err)
	}
	got, err := f.store.Evidence(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.TextStatus == dossier.TextFailed {
		t.Fatalf("an item read while the blob store was down is marked failed (%s), want it left for the workers", got.TextError)
	}
	if _, err := f.store.IndexJob(ctx, e.ID); err != nil {
		t.Fatalf("no index job for the item the rebuild could not read: %v", err)
	}

	down.down = false
	if err := f.ix.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer f.ix.Close(ctx)
	if st := f.settle(t, e.ID)[e.ID]; st.TextStatus != dossier.TextIndexed {
		t.Fatalf("after the store came back: text_status %s (%s), want indexed", st.TextStatus, st.TextError)
	}
	auditor := &dossier.Actor{User: &dossier.User{Role: dossier.RoleAuditor}}
	res, err := f.ix.Search(ctx, auditor, search.Query{Q: "outagekeyword"})
	if err != nil || res.Total != 1 {
		t.Fatalf("search for the item's text: %+v (%v), want it found", res, err)
	}
}
