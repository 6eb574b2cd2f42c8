package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/blob"
	"github.com/dossier/dossier/internal/blob/disk"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/indexer"
	"github.com/dossier/dossier/internal/search"
	"github.com/dossier/dossier/internal/sqlstore"
)

// reuseData is a metadata store and blob store holding one case with n
// items whose bytes body(i) gives.
type reuseData struct {
	store *sqlstore.DB
	blobs *disk.Store
	data  string // DOSSIER_DATA
	dir   string // the index directory
	ids   []string
}

func newReuseData(tb testing.TB, n int, mediaType string, body func(i int) []byte) *reuseData {
	tb.Helper()
	ctx := context.Background()
	data := tb.TempDir()
	store, err := sqlstore.Open(ctx, filepath.Join(data, "dossier.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { store.Close() })
	blobs, err := disk.New(filepath.Join(data, "blobs"))
	if err != nil {
		tb.Fatal(err)
	}
	c := &dossier.Case{Number: "RU-1", Creditor: dossier.Party{Name: "甲"}, Debtor: dossier.Party{Name: "乙"},
		Principal: 100, DueDate: dossier.NewDate(2026, 1, 31), CreatedAt: time.Now(), UpdatedAt: time.Now()}
	if err := store.CreateCase(ctx, c); err != nil {
		tb.Fatal(err)
	}
	d := &reuseData{store: store, blobs: blobs, data: data, dir: filepath.Join(data, "index")}
	for i := range n {
		ref, err := blobs.Put(ctx, bytes.NewReader(body(i)), "")
		if err != nil {
			tb.Fatal(err)
		}
		e := &dossier.Evidence{CaseID: c.ID, Kind: dossier.EvidenceKind("letter"), Title: fmt.Sprintf("证据 %d", i),
			Filename: fmt.Sprintf("item%d", i), MediaType: mediaType, Size: ref.Size, SHA256: ref.SHA256,
			TextStatus: dossier.TextPending, CreatedAt: time.Now()}
		if err := store.CreateEvidence(ctx, e); err != nil {
			tb.Fatal(err)
		}
		d.ids = append(d.ids, e.ID)
	}
	return d
}

// build rebuilds d.dir, counting the extractor's calls.
func (d *reuseData) build(tb testing.TB, blobs blob.Store, reuse bool) (calls int64, p indexer.Progress) {
	tb.Helper()
	var n atomic.Int64
	err := rebuildIndexDir(context.Background(), d.dir, d.store, blobs, indexBuild{
		Extract: func(ctx context.Context, mediaType, filename string, r io.Reader) (string, error) {
			n.Add(1)
			return indexer.ExtractText(ctx, mediaType, filename, r)
		},
		Reuse:    reuse,
		Progress: func(q indexer.Progress) { p = q },
	})
	if err != nil {
		tb.Fatal(err)
	}
	return n.Load(), p
}

// hits counts the items the index in d.dir finds for q.
func (d *reuseData) hits(t *testing.T, q string) uint64 {
	t.Helper()
	ix, err := search.Open(d.dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	res, err := ix.Search(context.Background(), search.Query{Q: q}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res.Total
}

// `dossier reindex` and serve's rebuild take an item's text from the index
// they replace when it holds the text of the item's current bytes: a second
// rebuild calls the extractor for no item (no OCR again after an upgrade),
// unless --extract asks for it or the index being replaced is missing or
// damaged. Before, every rebuild extracted every item.
func TestRebuildIndexReusesText(t *testing.T) {
	d := newReuseData(t, 3, "text/plain; charset=utf-8", func(i int) []byte {
		return []byte(fmt.Sprintf("第%d号函：贵司拖欠货款 reuseword%d", i, i))
	})
	steps := []struct {
		name       string
		damage     func()
		reuse      bool
		calls      int64
		reusedDone int
	}{
		{"OKNoIndexYet", func() {}, true, 3, 0},
		{"OKReused", func() {}, true, 0, 3},
		{"OKExtractFlag", func() {}, false, 3, 0},
		{"OKReusedAgain", func() {}, true, 0, 3},
		{"ErrCorrupt", func() {
			_ = os.RemoveAll(filepath.Join(d.dir, "store"))
		}, true, 3, 0},
		{"ErrMissing", func() { _ = os.RemoveAll(d.dir) }, true, 3, 0},
	}
	for _, s := range steps {
		s.damage()
		calls, p := d.build(t, d.blobs, s.reuse)
		if calls != s.calls || p.Reused != s.reusedDone || p.Done != 3 || p.Failed != 0 {
			t.Errorf("%s: %d extractions, progress %+v; want %d extractions, %d reused", s.name, calls, p, s.calls, s.reusedDone)
		}
		for i := range 3 {
			if n := d.hits(t, fmt.Sprintf("reuseword%d", i)); n != 1 {
				t.Errorf("%s: reuseword%d found %d times", s.name, i, n)
			}
		}
	}
}

// `dossier reindex` says how many items it reused, and --extract extracts
// them all.
func TestReindexCommandReports(t *testing.T) {
	d := newReuseData(t, 2, "text/plain; charset=utf-8", func(i int) []byte {
		return []byte(fmt.Sprintf("催款函 cliword%d", i))
	})
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{nil, 0, "indexed 2 items (0 reused, 0 failed)"},
		{nil, 0, "indexed 2 items (2 reused, 0 failed)"},
		{[]string{"--extract"}, 0, "indexed 2 items (0 reused, 0 failed)"},
		{[]string{"extra"}, 2, "usage: dossier reindex [--extract]"},
	} {
		code, out := runIn(d.data, nil, "", append([]string{"reindex"}, tc.args...)...)
		if code != tc.code || !strings.Contains(out, tc.want) {
			t.Errorf("reindex %v: exit %d, want %d saying %q:\n%s", tc.args, code, tc.code, tc.want, out)
		}
	}
}

// downBlobs reads nothing, as a blob store that cannot be reached.
type downBlobs struct{ blob.Store }

func (downBlobs) Open(_ context.Context, sha string, _, _ int64) (io.ReadCloser, error) {
	return nil, fmt.Errorf("open %s: %w", sha, blob.ErrUnavailable)
}

// serve's rebuild after an upgrade needs no blob for text the old index
// holds: with the blob store down every item is indexed with its text
// again. Before, each was counted failed and its text missing from search
// until the store came back.
func TestBuildIndexReusesWithBlobStoreDown(t *testing.T) {
	d := newReuseData(t, 2, "text/plain; charset=utf-8", func(i int) []byte {
		return []byte(fmt.Sprintf("对账单 outageword%d", i))
	})
	ctx := context.Background()
	nop := func() {}
	if err := buildIndex(ctx, d.dir, d.store, d.blobs, func(indexer.Progress) {}, nop); err != nil {
		t.Fatal(err)
	}
	done, failed := 0, 0
	if err := buildIndex(ctx, d.dir, d.store, downBlobs{d.blobs}, func(p indexer.Progress) { done, failed = p.Done, p.Failed }, nop); err != nil {
		t.Fatal(err)
	}
	if done != 2 || failed != 0 {
		t.Errorf("rebuild with the blob store down: %d done, %d failed; want 2 done", done, failed)
	}
	for i := range 2 {
		if n := d.hits(t, fmt.Sprintf("outageword%d", i)); n != 1 {
			t.Errorf("outageword%d found %d times", i, n)
		}
	}
}

// BenchmarkRebuildIndexReuse rebuilds the index of 2,000 text PDFs (poppler's
// pdftotext, no OCR; DOSSIER_BENCH_REBUILD_ITEMS, `make bench` takes 500)
// by extraction and by reuse of the previous index:
//
//	go test ./cmd/dossier -run '^$' -bench RebuildIndexReuse -benchtime 1x
func BenchmarkRebuildIndexReuse(b *testing.B) {
	pdf, err := os.ReadFile(filepath.Join("..", "..", "internal", "extract", "testdata", "text.pdf"))
	if err != nil {
		b.Fatal(err)
	}
	n := envInt(b, "DOSSIER_BENCH_REBUILD_ITEMS", 2000)
	d := newReuseData(b, n, "application/pdf", func(i int) []byte {
		// A comment after %%EOF: other bytes, the same text.
		return append(append([]byte{}, pdf...), fmt.Sprintf("\n%% item %d\n", i)...)
	})
	d.build(b, d.blobs, false)
	for _, reuse := range []bool{false, true} {
		b.Run(fmt.Sprintf("reuse=%v", reuse), func(b *testing.B) {
			var calls int64
			var p indexer.Progress
			for b.Loop() {
				calls, p = d.build(b, d.blobs, reuse)
			}
			if p.Done != n || p.Failed != 0 {
				b.Fatalf("progress %+v", p)
			}
			b.ReportMetric(float64(calls), "extractions")
		})
	}
}
