package indexer_test

import (
	"context"
	"sync"
	"testing"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/indexer"
	"github.com/dossier/dossier/internal/testenv"
)

// TestConcurrentNotifyNotStarted: with the index unusable the server never
// starts the indexer, yet every upload still calls Notify, each on its own
// request goroutine. Each queues its item, and under -race the calls do not
// race on the Indexer's defaults (each call used to set them).
func TestConcurrentNotifyNotStarted(t *testing.T) {
	f := newFixture(t, testenv.StoreURL(t, "sqlite"))
	ix := &indexer.Indexer{Store: f.store, Unavailable: "index missing"}
	const n = 8
	items := make([]*dossier.Evidence, n)
	for i := range items {
		items[i] = f.add(t, "contract", "合同", "c.txt", "text/plain", []byte{byte('a' + i)}, "")
	}
	ctx := context.Background()
	var wg sync.WaitGroup
	for _, e := range items {
		wg.Go(func() { ix.Notify(ctx, e) })
	}
	wg.Wait()
	for _, e := range items {
		if _, err := f.store.IndexJob(ctx, e.ID); err != nil {
			t.Errorf("%s: no index job: %v", e.ID, err)
		}
	}
}
