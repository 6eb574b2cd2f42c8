package search

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"slices"
	"sync"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/collector"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// Facets are counted from ordinals cached per index segment rather than by
// bleve's facet builder. bleve reads every hit's kind and case from the
// compressed doc values and counts them in string maps: for a common word
// matching 15% of 100,000 documents that was two thirds of the query's CPU
// (docs/benchmarks.md). Segments are immutable, so each document's kind and
// case can be read once, from the terms' postings, into two small arrays;
// counting a hit is then two array increments. A new segment (indexing,
// merging) is read on the first query that sees it; segments that left the
// index are dropped from the cache.

// segFacets holds, for each document number of one segment, the ordinal of
// its kind and of its case (0: none).
type segFacets struct {
	kind, caseID []uint32
}

// termTable interns the terms of one keyword field: ordinal i+1 is names[i].
// It only grows; the names of terms that left the index cost a few bytes.
type termTable struct {
	ord   map[string]uint32
	names []string
}

func (t *termTable) intern(term string) uint32 {
	if o, ok := t.ord[term]; ok {
		return o
	}
	t.names = append(t.names, term)
	o := uint32(len(t.names))
	t.ord[term] = o
	return o
}

// facetCache is an Index's cache of segment ordinals.
type facetCache struct {
	mu    sync.Mutex
	kinds termTable
	cases termTable
	segs  map[segment.Segment]*segFacets
	// last is the view of the most recent snapshot; most queries share it.
	lastSnap *scorch.IndexSnapshot
	last     *facetView
}

func newFacetCache() *facetCache {
	return &facetCache{
		kinds: termTable{ord: map[string]uint32{}},
		cases: termTable{ord: map[string]uint32{}},
		segs:  map[segment.Segment]*segFacets{},
	}
}

// facetView maps a snapshot's document numbers to ordinals: the snapshot
// numbers documents segment after segment, each segment starting at the sum
// of the sizes (deleted documents included) of those before it.
type facetView struct {
	offsets    []uint64 // first document number of each segment
	segs       []*segFacets
	kindNames  []string
	caseNames  []string
	kindCounts int // len of the count arrays a query needs
	caseCounts int
}

// view returns the view of snap, reading the segments it has not seen.
func (fc *facetCache) view(snap *scorch.IndexSnapshot) (*facetView, error) {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if snap == fc.lastSnap {
		return fc.last, nil
	}
	segs := snap.Segments()
	v := &facetView{offsets: make([]uint64, len(segs)), segs: make([]*segFacets, len(segs))}
	live := make(map[segment.Segment]*segFacets, len(segs))
	var running uint64
	for i, ss := range segs {
		seg := ss.Segment()
		sf := fc.segs[seg]
		if sf == nil {
			var err error
			if sf, err = fc.read(seg); err != nil {
				return nil, err
			}
		}
		live[seg] = sf
		v.offsets[i], v.segs[i] = running, sf
		running += seg.Count()
	}
	fc.segs = live
	v.kindNames, v.caseNames = fc.kinds.names, fc.cases.names
	v.kindCounts, v.caseCounts = len(v.kindNames)+1, len(v.caseNames)+1
	fc.lastSnap, fc.last = snap, v
	return v, nil
}

// read fills a segment's ordinals from the postings of its kind and case
// terms: one pass over each keyword field, no stored documents.
func (fc *facetCache) read(seg segment.Segment) (*segFacets, error) {
	n := seg.Count()
	sf := &segFacets{kind: make([]uint32, n), caseID: make([]uint32, n)}
	for _, f := range []struct {
		field string
		table *termTable
		dst   []uint32
	}{{fieldKind, &fc.kinds, sf.kind}, {fieldCaseID, &fc.cases, sf.caseID}} {
		dict, err := seg.Dictionary(f.field)
		if err != nil {
			return nil, fmt.Errorf("search: facets: %s: %w", f.field, err)
		}
		it := dict.AutomatonIterator(nil, nil, nil)
		var pl segment.PostingsList
		var pi segment.PostingsIterator
		for {
			e, err := it.Next()
			if err != nil {
				return nil, fmt.Errorf("search: facets: %s terms: %w", f.field, err)
			}
			if e == nil {
				break
			}
			ord := f.table.intern(e.Term)
			if pl, err = dict.PostingsList([]byte(e.Term), nil, pl); err != nil {
				return nil, fmt.Errorf("search: facets: %s postings: %w", f.field, err)
			}
			pi = pl.Iterator(false, false, false, pi)
			for {
				p, err := pi.Next()
				if err != nil {
					return nil, fmt.Errorf("search: facets: %s postings: %w", f.field, err)
				}
				if p == nil {
					break
				}
				if num := p.Number(); num < n {
					f.dst[num] = ord
				}
			}
		}
	}
	return sf, nil
}

// facetCounter counts the kinds and cases of one query's hits.
type facetCounter struct {
	v            *facetView
	kinds, cases []int
	err          error
}

func (c *facetCounter) add(id []byte) {
	if len(id) != 8 {
		c.err = fmt.Errorf("search: facets: internal ID of %d bytes", len(id))
		return
	}
	num := binary.BigEndian.Uint64(id)
	// The last segment whose first document number is ≤ num.
	i, _ := slices.BinarySearch(c.v.offsets, num+1)
	i--
	if i < 0 {
		c.err = fmt.Errorf("search: facets: document %d before the first segment", num)
		return
	}
	local := num - c.v.offsets[i]
	sf := c.v.segs[i]
	if local >= uint64(len(sf.kind)) {
		c.err = fmt.Errorf("search: facets: document %d outside its segment", num)
		return
	}
	c.kinds[sf.kind[local]]++
	c.cases[sf.caseID[local]]++
}

// handler returns bleve's collector hook: every hit is counted, then handed
// to the top-N collector as usual.
func (ix *Index) facetHandler(counter **facetCounter) search.MakeDocumentMatchHandler {
	return func(sctx *search.SearchContext) (search.DocumentMatchHandler, bool, error) {
		next, loadID, err := collector.MakeTopNDocumentMatchHandler(sctx)
		if err != nil {
			return nil, false, err
		}
		snap, ok := sctx.IndexReader.(*scorch.IndexSnapshot)
		if !ok {
			return nil, false, fmt.Errorf("search: facets: reader is %T, not a scorch snapshot", sctx.IndexReader)
		}
		v, err := ix.facets.view(snap)
		if err != nil {
			return nil, false, err
		}
		c := &facetCounter{v: v, kinds: make([]int, v.kindCounts), cases: make([]int, v.caseCounts)}
		*counter = c
		return func(d *search.DocumentMatch) error {
			if d != nil {
				c.add(d.IndexInternalID)
			}
			return next(d)
		}, loadID, nil
	}
}

// result returns the counts by term: every kind, and the size cases with
// the most hits (ties by case ID), as bleve's terms facet would.
func (c *facetCounter) result(size int) (map[string]int, map[string]int) {
	kinds := map[string]int{}
	for o, n := range c.kinds[1:] {
		if n > 0 {
			kinds[c.v.kindNames[o]] = n
		}
	}
	type tc struct {
		term  string
		count int
	}
	var top []tc
	for o, n := range c.cases[1:] {
		if n > 0 {
			top = append(top, tc{c.v.caseNames[o], n})
		}
	}
	slices.SortFunc(top, func(a, b tc) int {
		if a.count != b.count {
			return cmp.Compare(b.count, a.count)
		}
		return cmp.Compare(a.term, b.term)
	})
	cases := map[string]int{}
	for _, t := range top[:min(size, len(top))] {
		cases[t.term] = t.count
	}
	return kinds, cases
}
