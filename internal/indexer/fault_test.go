package indexer_test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/blob/s3"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/search"
	"github.com/dossier/dossier/internal/testenv"
)

// The blob store refusing reads (MinIO overloaded: 503 SlowDown on GET,
// while HEAD still answers) is an outage, not a file that cannot be read:
// the item stays pending however long the outage lasts (more attempts than
// MaxAttempts), and is indexed with its text once the store reads again.
// Before, the failed read came out of the extractor as a parse failure: the
// item was marked "failed" at the first attempt and its job dropped, so its
// text was never searchable until an operator ran `dossier reindex`.
func TestIndexerStoreOutage(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, testenv.StoreURL(t, "postgres"))
	blobs, proxy := testenv.FaultyS3(t, false)
	f.ix.Blobs = blobs
	data := []byte("乙方承诺于三月底前付清拖欠货款。")
	ref, err := blobs.Put(ctx, bytes.NewReader(data), "")
	if err != nil {
		t.Fatal(err)
	}
	e := &dossier.Evidence{CaseID: f.c.ID, Kind: "letter", Title: "承诺函", Filename: "promise.txt",
		MediaType: "text/plain; charset=utf-8", Size: ref.Size, SHA256: ref.SHA256,
		TextStatus: dossier.TextPending, CreatedAt: time.Now()}
	if err := f.store.CreateEvidence(ctx, e); err != nil {
		t.Fatal(err)
	}
	proxy.Fail("GET", 503, "SlowDown")
	if err := f.ix.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer f.ix.Close(ctx)
	deadline := time.Now().Add(60 * time.Second)
	for {
		cur, err := f.store.Evidence(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if cur.TextStatus != dossier.TextPending {
			t.Fatalf("with the store refusing reads the item became %q (%s), want it pending until the store reads again",
				cur.TextStatus, cur.TextError)
		}
		j, err := f.store.IndexJob(ctx, e.ID)
		if err != nil {
			t.Fatalf("the index job is gone while the item is pending: %v", err)
		}
		if j.Attempts > f.ix.MaxAttempts {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the job made %d attempts", j.Attempts)
		}
		time.Sleep(20 * time.Millisecond)
	}
	proxy.Heal()
	got := f.settle(t, e.ID)[e.ID]
	if got.TextStatus != dossier.TextIndexed {
		t.Fatalf("after the outage: text_status %s (%s), want indexed", got.TextStatus, got.TextError)
	}
	counsel := &dossier.Actor{User: &dossier.User{Role: dossier.RoleCounsel}}
	res, err := f.ix.Search(ctx, counsel, search.Query{Q: "拖欠货款"})
	if err != nil || res.Total != 1 {
		t.Fatalf("search after the outage: %+v (%v), want the item", res, err)
	}
}

// An extraction that outlives the item's time limit fails the item with a
// reason, as before the outage rule: its last read of the bytes then fails
// with the deadline, which is no outage of the store. Taken for one, the
// job was retried without end, each attempt spending the whole limit.
func TestIndexerTimeoutIsNoOutage(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, testenv.StoreURL(t, "sqlite"))
	srv := testenv.MinIO(t)
	blobs, err := s3.New(ctx, s3.Config{Endpoint: srv.Endpoint,
		Bucket: "ixt-" + strings.ToLower(dossier.NewID()), AccessKey: srv.AccessKey, SecretKey: srv.SecretKey})
	if err != nil {
		t.Fatal(err)
	}
	f.ix.Blobs = blobs
	f.ix.Timeout = 200 * time.Millisecond
	f.ix.Extract = func(ctx context.Context, _, _ string, r io.Reader) (string, error) {
		<-ctx.Done() // a slow OCR
		b, err := io.ReadAll(r)
		return string(b), err
	}
	ref, err := blobs.Put(ctx, bytes.NewReader([]byte("扫描件")), "")
	if err != nil {
		t.Fatal(err)
	}
	e := &dossier.Evidence{CaseID: f.c.ID, Kind: "contract", Title: "扫描合同", Filename: "scan.txt",
		MediaType: "text/plain; charset=utf-8", Size: ref.Size, SHA256: ref.SHA256,
		TextStatus: dossier.TextPending, CreatedAt: time.Now()}
	if err := f.store.CreateEvidence(ctx, e); err != nil {
		t.Fatal(err)
	}
	if err := f.ix.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer f.ix.Close(ctx)
	got := f.settle(t, e.ID)[e.ID]
	if got.TextStatus != dossier.TextFailed || got.TextError == "" {
		t.Fatalf("an extraction past its time limit: text_status %q (%q), want failed with the reason", got.TextStatus, got.TextError)
	}
}
