package indexer_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/indexer"
	"github.com/dossier/dossier/internal/search"
	"github.com/dossier/dossier/internal/sqlstore"
)

// requeueFails is a metadata store that cannot requeue pending items, as
// one gone down right when a rebuilt index is put in use.
type requeueFails struct{ *sqlstore.DB }

func (requeueFails) EnqueuePendingIndex(context.Context, time.Time) (int, error) {
	return 0, errors.New("connection refused")
}

// An index whose install failed (its workers could not start) and which
// serve's rebuild then closed to build again is not left in use: searches
// and readiness answer 503 with the rebuild's reason, not an error of a
// closed index.
func TestInstallFailureLeavesNoIndex(t *testing.T) {
	f := newFixture(t, filepath.Join(t.TempDir(), "meta.db"))
	ctx := context.Background()
	ix := &indexer.Indexer{Store: requeueFails{f.store}, Blobs: f.blobs, Extract: indexer.ExtractText}
	ix.SetUnavailable("search index being rebuilt (missing): starting")
	idx, err := search.Open(filepath.Join(t.TempDir(), "rebuilt"))
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Install(ctx, idx); err == nil {
		t.Fatal("install with the store refusing the requeue succeeded")
	}
	_ = idx.Close() // as serve's rebuild does before it tries again
	ix.SetUnavailable("search index being rebuilt (missing): the last attempt failed")
	err = ix.Check(ctx)
	if dossier.ErrorCode(err) != dossier.EUNAVAILABLE || !strings.Contains(err.Error(), "the last attempt failed") {
		t.Errorf("check after a failed install: %v (%s), want 503 with the rebuild's reason", err, dossier.ErrorCode(err))
	}
	admin := &dossier.Actor{User: &dossier.User{ID: "u1", Username: "admin", Role: dossier.RoleAdmin}}
	if _, err := ix.Search(ctx, admin, search.Query{Q: "货款"}); dossier.ErrorCode(err) != dossier.EUNAVAILABLE {
		t.Errorf("search after a failed install: %v (%s), want 503", err, dossier.ErrorCode(err))
	}
}
