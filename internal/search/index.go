// Package search is Dossier's full-text index over evidence: a bleve v2
// (scorch) index with Chinese bigram and English stemming analysis, a small
// query language of its own, permission filtering inside the query, facets,
// escaped highlights and cursor pagination.
//
// The index is derived data. It can always be rebuilt from the metadata and
// blobs (`dossier reindex`), so Open reports a corrupt or outdated index as
// ErrCorrupt rather than trying to repair it.
package search

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
	index "github.com/blevesearch/bleve_index_api"
	"golang.org/x/sync/errgroup"

	"github.com/dossier/dossier/internal/dossier"
)

// ErrCorrupt reports an index that cannot be opened or read, or one built
// with another schema. The fix is a reindex.
var ErrCorrupt = errors.New("search index corrupt or incompatible (run dossier reindex)")

// Doc is one evidence item as the index sees it.
type Doc struct {
	EvidenceID string
	CaseID     string
	CaseNumber string
	Title      string
	Kind       string
	Text       string
	// TextSHA256 is the sha256 of the bytes whose extraction Text is
	// (with the item's transcript, which is fixed at upload), and empty
	// when Text is not one: extraction failed or found no text. A rebuild
	// takes Text from the old index instead of extracting it again only for
	// the same bytes (Previous.Text).
	TextSHA256 string
	Parties    []string
	OccurredAt time.Time // zero when unknown
	CreatedAt  time.Time
}

// BleveType names the mapping documents of this type use.
func (Doc) BleveType() string { return docType }

// indexDoc is what bleve stores: JSON names are the field names of the
// mapping, and unknown dates are nil rather than year 1.
type indexDoc struct {
	Title      string     `json:"title"`
	Text       string     `json:"text"`
	TextSHA256 string     `json:"text_sha256"`
	Parties    []string   `json:"parties,omitempty"`
	Norm       []string   `json:"norm,omitempty"`
	Kind       string     `json:"kind"`
	CaseID     string     `json:"case_id"`
	CaseNumber string     `json:"case_number"`
	OccurredAt *time.Time `json:"occurred_at,omitempty"`
	CreatedAt  *time.Time `json:"created_at,omitempty"`
	Date       *time.Time `json:"date,omitempty"`
}

func (indexDoc) BleveType() string { return docType }

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

func (d Doc) indexDoc() indexDoc {
	x := indexDoc{
		Title: foldDigits(d.Title), Text: foldDigits(d.Text), TextSHA256: d.TextSHA256, Kind: d.Kind,
		CaseID: d.CaseID, CaseNumber: d.CaseNumber,
		OccurredAt: timePtr(d.OccurredAt), CreatedAt: timePtr(d.CreatedAt),
	}
	for _, p := range d.Parties {
		x.Parties = append(x.Parties, foldDigits(p))
	}
	x.Norm = normTokens(x.Title + "\n" + x.Text)
	x.Date = x.OccurredAt
	if x.Date == nil {
		x.Date = x.CreatedAt
	}
	return x
}

// Index is an open search index. It is safe for concurrent use; only one
// process may hold it open.
type Index struct {
	idx       bleve.Index
	dir       string
	batchSize int
	// searching admits one query per core at a time. Eight clients on two
	// cores otherwise time-slice every query to four times its service
	// time and keep eight queries' garbage live at once, and the extra GC
	// cycles land on the slowest percentile (measured in docs/benchmarks.md).
	searching chan struct{}
	facets    *facetCache
}

func newIndex(idx bleve.Index, dir string) *Index {
	return &Index{idx: idx, dir: dir, batchSize: defaultBatchSize,
		searching: make(chan struct{}, runtime.GOMAXPROCS(0)), facets: newFacetCache()}
}

const (
	schemaKey = "dossier_schema"
	// defaultBatchSize: larger batches were slower on 2 cores (500: 920
	// docs/s, 2000: 501, 5000: 424), as segment building is serial.
	defaultBatchSize = 500
)

// Open opens the index in dir, creating it when dir is missing or empty. It
// returns an error wrapping ErrCorrupt when dir holds something that is not
// a readable index of the current schema.
func Open(dir string) (ix *Index, err error) {
	// Corrupt segment files can make the storage layer panic; a bad index
	// must become an error the caller can report, not a crash.
	defer func() {
		if r := recover(); r != nil {
			ix, err = nil, fmt.Errorf("search: open %s: %w: panic: %v", dir, ErrCorrupt, r)
		}
	}()
	entries, statErr := os.ReadDir(dir)
	switch {
	case errors.Is(statErr, os.ErrNotExist) || (statErr == nil && len(entries) == 0):
		return create(dir)
	case statErr != nil:
		return nil, fmt.Errorf("search: open %s: %w", dir, statErr)
	}
	if _, err := os.Stat(filepath.Join(dir, "index_meta.json")); err != nil {
		return nil, fmt.Errorf("search: open %s: %w: no index_meta.json", dir, ErrCorrupt)
	}
	// A second process would otherwise wait forever on the bolt file lock.
	idx, err := bleve.OpenUsing(dir, map[string]interface{}{"bolt_timeout": "5s"})
	if err != nil {
		return nil, fmt.Errorf("search: open %s: %w: %v", dir, ErrCorrupt, err)
	}
	ix = newIndex(idx, dir)
	v, err := idx.GetInternal([]byte(schemaKey))
	if err == nil && string(v) != schemaVersion {
		err = fmt.Errorf("schema %q, want %q", v, schemaVersion)
	}
	if err == nil {
		err = ix.Check()
	}
	if err == nil {
		err = ix.checkDocCount()
	}
	if err != nil {
		_ = idx.Close()
		return nil, fmt.Errorf("search: open %s: %w: %v", dir, ErrCorrupt, err)
	}
	return ix, nil
}

func create(dir string) (*Index, error) {
	// bleve refuses to create an index in an existing directory, even an
	// empty one; Remove only succeeds on an empty directory.
	_ = os.Remove(dir)
	m, err := newMapping()
	if err != nil {
		return nil, fmt.Errorf("search: mapping: %w", err)
	}
	idx, err := bleve.NewUsing(dir, m, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("search: create %s: %w", dir, err)
	}
	if err := idx.SetInternal([]byte(schemaKey), []byte(schemaVersion)); err != nil {
		_ = idx.Close()
		return nil, fmt.Errorf("search: create %s: %w", dir, err)
	}
	return newIndex(idx, dir), nil
}

// Compact merges the index towards a single segment (bleve may leave one or
// two, e.g. 2 at 100,000 documents). Queries then look each
// term up once instead of once per segment: on 20,000 documents, 9 settled
// segments against 1 (see docs/benchmarks.md). Call it after a bulk load such
// as `dossier reindex`; it is safe while queries run, and a failed or
// cancelled merge leaves the index as it was.
func (ix *Index) Compact(ctx context.Context) error {
	adv, err := ix.idx.Advanced()
	if err != nil {
		return fmt.Errorf("search: compact: %w", err)
	}
	s, ok := adv.(*scorch.Scorch)
	if !ok {
		return fmt.Errorf("search: compact: index type %T cannot merge", adv)
	}
	if err := s.ForceMerge(ctx, &mergeplan.SingleSegmentMergePlanOptions); err != nil {
		return fmt.Errorf("search: compact: %w", err)
	}
	return nil
}

// Check reads the index's document count and runs a query over it, so that
// unreadable segments are found before a user's search finds them. /readyz
// calls it.
func (ix *Index) Check() (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("search: check: %w: panic: %v", ErrCorrupt, r)
		}
	}()
	if _, err := ix.idx.DocCount(); err != nil {
		return fmt.Errorf("search: check: %w: %v", ErrCorrupt, err)
	}
	req := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), 1, 0, false)
	req.Fields = []string{fieldCaseID}
	if _, err := ix.idx.Search(req); err != nil {
		return fmt.Errorf("search: check: %w: %v", ErrCorrupt, err)
	}
	return nil
}

// countFile records the document count at the last clean Close. Scorch
// skips a snapshot whose segments it cannot load and silently opens an older
// one; a count that differs from the recorded one exposes that.
const countFile = "dossier_doc_count"

func (ix *Index) checkDocCount() error {
	recorded, err := compareDocCount(ix.idx, ix.dir)
	if err != nil || !recorded {
		return err
	}
	// Until the next clean Close the count is unknown (a crash may lose
	// unpersisted batches without the index being corrupt).
	return os.Remove(filepath.Join(ix.dir, countFile))
}

// compareDocCount returns an error when the index in dir holds another
// number of documents than countFile recorded; recorded is false when there
// is no countFile (never closed cleanly: nothing to compare with).
func compareDocCount(idx bleve.Index, dir string) (recorded bool, err error) {
	raw, err := os.ReadFile(filepath.Join(dir, countFile))
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	want, err := strconv.ParseUint(strings.TrimSpace(string(raw)), 10, 64)
	if err != nil {
		return false, fmt.Errorf("%s: %v", countFile, err)
	}
	got, err := idx.DocCount()
	if err != nil {
		return false, err
	}
	if got != want {
		return false, fmt.Errorf("%d documents, %d at last close: segments lost", got, want)
	}
	return true, nil
}

// Close releases the index and its file lock, after recording the document
// count Open will compare against.
func (ix *Index) Close() error {
	n, err := ix.idx.DocCount()
	if cerr := ix.idx.Close(); cerr != nil {
		return fmt.Errorf("search: close: %w", cerr)
	}
	if err != nil {
		return nil
	}
	return os.WriteFile(filepath.Join(ix.dir, countFile), []byte(strconv.FormatUint(n, 10)+"\n"), 0o644)
}

// DocCount returns the number of indexed documents.
func (ix *Index) DocCount() (uint64, error) { return ix.idx.DocCount() }

// Index adds or replaces documents, keyed by EvidenceID. Large calls are
// split into batches indexed concurrently, one per CPU: bleve builds each
// batch's segment on a single goroutine, so one batch at a time leaves the
// other core idle. When an ID occurs twice in one call the last one wins. A
// document without EvidenceID is EINVALID and nothing is indexed.
func (ix *Index) Index(docs ...Doc) error {
	last := make(map[string]int, len(docs))
	for i, d := range docs {
		if d.EvidenceID == "" {
			return dossier.Errorf(dossier.EINVALID, "search: document without evidence id")
		}
		last[d.EvidenceID] = i
	}
	var batches [][]Doc
	cur := make([]Doc, 0, min(len(docs), ix.batchSize))
	for i, d := range docs {
		if last[d.EvidenceID] != i {
			continue // a later copy in this call replaces it
		}
		cur = append(cur, d)
		if len(cur) == ix.batchSize {
			batches = append(batches, cur)
			cur = make([]Doc, 0, ix.batchSize)
		}
	}
	if len(cur) > 0 {
		batches = append(batches, cur)
	}

	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for _, batch := range batches {
		g.Go(func() error {
			b := ix.idx.NewBatch()
			for _, d := range batch {
				if err := b.Index(d.EvidenceID, d.indexDoc()); err != nil {
					return fmt.Errorf("search: index %s: %w", d.EvidenceID, err)
				}
			}
			if err := ix.idx.Batch(b); err != nil {
				return fmt.Errorf("search: index batch: %w", err)
			}
			return nil
		})
	}
	return g.Wait()
}

// Refresh re-indexes an item's document with d's fields and the text the
// index already holds for it, with that text's sha256 (d.Text and
// d.TextSHA256 are ignored): a new case number or party
// name reaches the index without the text being extracted again, which may
// mean minutes of OCR, or fail where it once succeeded. It reports false,
// changing nothing, when the index holds no document for d.EvidenceID.
func (ix *Index) Refresh(d Doc) (bool, error) {
	if d.EvidenceID == "" {
		return false, dossier.Errorf(dossier.EINVALID, "search: document without evidence id")
	}
	old, err := ix.idx.Document(d.EvidenceID)
	if err != nil {
		return false, fmt.Errorf("search: refresh %s: %w", d.EvidenceID, err)
	}
	if old == nil {
		return false, nil
	}
	// The stored text is digit-folded already; folding again keeps it.
	d.Text, d.TextSHA256 = "", ""
	old.VisitFields(func(f index.Field) {
		switch f.Name() {
		case fieldText:
			d.Text = string(f.Value())
		case fieldTextSHA:
			d.TextSHA256 = string(f.Value())
		}
	})
	return true, ix.Index(d)
}

// Delete removes documents by evidence ID; unknown IDs are ignored.
func (ix *Index) Delete(ids ...string) error {
	b := ix.idx.NewBatch()
	for _, id := range ids {
		b.Delete(id)
	}
	if err := ix.idx.Batch(b); err != nil {
		return fmt.Errorf("search: delete: %w", err)
	}
	return nil
}
