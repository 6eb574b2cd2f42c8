package indexer_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/search"
	"github.com/dossier/dossier/internal/sqlstore"
)

// deletingStore tombstones one item just before the indexer records its
// text: a deletion that lands after the indexer's last check.
type deletingStore struct {
	*sqlstore.DB
	id string
}

func (s *deletingStore) SetEvidenceText(ctx context.Context, id string, n int, sha, status, reason string) error {
	if id == s.id {
		if err := s.DB.TombstoneEvidence(ctx, id, time.Now()); err != nil {
			return err
		}
	}
	return s.DB.SetEvidenceText(ctx, id, n, sha, status, reason)
}

// `dossier reindex` finishes the jobs queued for what it indexed, so the
// server does not extract those items once more; an item deleted while it
// was indexed is queued instead, and the server takes it out of the index.
func TestReindexSettlesJobs(t *testing.T) {
	f := newFixture(t, filepath.Join(t.TempDir(), "meta.db"))
	ctx := context.Background()
	kept := f.add(t, "statement", "对账单", "statement.txt", "text/plain", []byte("对账单确认欠款金额 12000 元"), "")
	gone := f.add(t, "chat", "聊天记录", "chat.txt", "text/plain", []byte("聊天记录 deletedduringreindex"), "")
	// Left over by a server stopped before its workers got to it.
	if err := f.store.EnqueueIndex(ctx, kept.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	f.ix.Store = &deletingStore{DB: f.store, id: gone.ID}
	if err := f.ix.Reindex(ctx, nil, nil); err != nil {
		t.Fatal(err)
	}
	var queued []string
	rows, err := f.store.SQL().QueryContext(ctx, `SELECT evidence_id FROM index_jobs`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		queued = append(queued, id)
	}
	rows.Close()
	if len(queued) != 1 || queued[0] != gone.ID {
		t.Fatalf("after reindex the queue holds %v, want only the item deleted meanwhile %s", queued, gone.ID)
	}

	f.ix.Store = f.store
	if err := f.ix.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer f.ix.Close(ctx)
	f.drain(t)
	auditor := &dossier.Actor{User: &dossier.User{Role: dossier.RoleAuditor}}
	for q, want := range map[string]uint64{"deletedduringreindex": 0, "确认欠款": 1} {
		res, err := f.ix.Search(ctx, auditor, search.Query{Q: q})
		if err != nil || res.Total != want {
			t.Errorf("search %q: %d hits (%v), want %d", q, res.Total, err, want)
		}
	}
}
