package indexer_test

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/indexer"
	"github.com/dossier/dossier/internal/search"
)

// An index put in use while searches and readiness checks run (serve's
// rebuild): until then they answer 503 with the rebuild's progress, after
// it the item queued meanwhile is indexed and found. Run with -race: the
// index and the reason change under the searches' feet.
func TestInstallWhileSearching(t *testing.T) {
	f := newFixture(t, filepath.Join(t.TempDir(), "meta.db"))
	ctx := context.Background()
	ix := &indexer.Indexer{Store: f.store, Blobs: f.blobs, Extract: indexer.ExtractText}
	ix.SetUnavailable("search index being rebuilt (missing): 3 items indexed")
	admin := &dossier.Actor{User: &dossier.User{ID: "u1", Username: "admin", Role: dossier.RoleAdmin}}

	err := ix.Check(ctx)
	if dossier.ErrorCode(err) != dossier.EUNAVAILABLE || !strings.Contains(err.Error(), "3 items indexed") {
		t.Fatalf("check before install: %v", err)
	}
	if _, err := ix.Search(ctx, admin, search.Query{Q: "货款"}); dossier.ErrorCode(err) != dossier.EUNAVAILABLE {
		t.Fatalf("search before install: %v", err)
	}

	e := f.add(t, "chat", "微信记录", "chat.txt", "text/plain; charset=utf-8", []byte("对方承认拖欠货款"), "")
	ix.Notify(ctx, e) // queued while there is no index

	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				_ = ix.Check(ctx)
				_, _ = ix.Search(ctx, admin, search.Query{Q: "货款"})
			}
		}()
	}
	if err := ix.Install(ctx, f.idx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ix.Close(ctx) })
	f.settle(t, e.ID)
	close(stop)
	wg.Wait()
	if err := ix.Check(ctx); err != nil {
		t.Fatalf("check after install: %v", err)
	}
	r, err := ix.Search(ctx, admin, search.Query{Q: `"拖欠货款"`})
	if err != nil || r.Total != 1 {
		t.Fatalf("search after install: %+v %v", r, err)
	}
}
