package search

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
)

// phraseQuery matches the documents bleve's MatchPhraseQuery matches, with
// the same scores, for the main pass of a search, which needs hits and
// scores but not where the phrase is. Every Chinese word of two or more
// bigrams is a phrase here, so this is most of the work of most queries.
// bleve's phrase searcher turns every candidate's term locations into maps
// of maps before checking adjacency, and that was a quarter of the query
// CPU and much of the garbage at 100,000 documents (docs/benchmarks.md).
// This one checks adjacency on the candidate's location list directly.
// The highlighting pass, which needs the phrase's locations, still uses
// bleve's MatchPhraseQuery on the page's few hits.
type phraseQuery struct {
	field string
	// slots are the phrase's positions from its first token; each holds
	// the terms that may stand there (an empty slot accepts any term), as
	// bleve's tokenStreamToPhrase builds them.
	slots [][]string
	boost float64
}

// newPhraseQuery makes the phrase of an analysed term, slotting its tokens
// by position as bleve's MatchPhraseQuery does (tokenStreamToPhrase).
func newPhraseQuery(toks analysis.TokenStream, field string, boost float64) *phraseQuery {
	first, last := math.MaxInt, 0
	for _, t := range toks {
		first, last = min(first, t.Position), max(last, t.Position)
	}
	slots := make([][]string, last-first+1)
	for _, t := range toks {
		slots[t.Position-first] = append(slots[t.Position-first], string(t.Term))
	}
	return &phraseQuery{field: field, slots: slots, boost: boost}
}

func (q *phraseQuery) SetBoost(b float64) { q.boost = b }
func (q *phraseQuery) Boost() float64     { return q.boost }

// Searcher builds a conjunction of the slots' term searchers, with term
// vectors, and filters its candidates by adjacency.
func (q *phraseQuery) Searcher(ctx context.Context, r index.IndexReader, _ mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	options.IncludeTermVectors = true
	var subs []search.Searcher
	closeAll := func() {
		for _, s := range subs {
			_ = s.Close()
		}
	}
	for _, slot := range q.slots {
		var terms []search.Searcher
		for _, t := range slot {
			if t == "" {
				continue
			}
			ts, err := searcher.NewTermSearcher(ctx, r, t, q.field, q.boost, options)
			if err != nil {
				for _, s := range terms {
					_ = s.Close()
				}
				closeAll()
				return nil, fmt.Errorf("search: phrase term %q: %w", t, err)
			}
			terms = append(terms, ts)
		}
		switch len(terms) {
		case 0:
		case 1:
			subs = append(subs, terms[0])
		default:
			d, err := searcher.NewDisjunctionSearcher(ctx, r, terms, 1, options)
			if err != nil {
				for _, s := range terms {
					_ = s.Close()
				}
				closeAll()
				return nil, fmt.Errorf("search: phrase alternatives: %w", err)
			}
			subs = append(subs, d)
		}
	}
	must, err := searcher.NewConjunctionSearcher(ctx, r, subs, options)
	if err != nil {
		closeAll()
		return nil, fmt.Errorf("search: phrase: %w", err)
	}
	s := newPhraseSearcher(must, q.slots)
	// As bleve's PhraseSearcher: normalise once here; an enclosing
	// disjunction or boolean searcher normalises again through SetQueryNorm.
	must.SetQueryNorm(1 / math.Sqrt(must.Weight()))
	return s, nil
}

// phraseSearcher is the searcher of a phraseQuery.
type phraseSearcher struct {
	must search.Searcher
	// terms are the phrase's distinct terms; slots[i] lists the indexes in
	// terms of the terms slot i accepts (none: any term).
	terms []string
	slots [][]int
	// locs[i] are the candidate's occurrences of terms[i], reused from hit
	// to hit.
	locs [][]loc
}

func newPhraseSearcher(must search.Searcher, slots [][]string) *phraseSearcher {
	s := &phraseSearcher{must: must, slots: make([][]int, len(slots))}
	for i, slot := range slots {
		for _, t := range slot {
			if t == "" {
				continue
			}
			j := slices.Index(s.terms, t)
			if j < 0 {
				j = len(s.terms)
				s.terms = append(s.terms, t)
			}
			s.slots[i] = append(s.slots[i], j)
		}
	}
	s.locs = make([][]loc, len(s.terms))
	return s
}

// loc is one occurrence of a term: its array element (for multi-valued
// fields such as parties) and its position.
type loc struct {
	elem uint64
	pos  uint64
}

func cmpLoc(a, b loc) int {
	if a.elem != b.elem {
		if a.elem < b.elem {
			return -1
		}
		return 1
	}
	if a.pos != b.pos {
		if a.pos < b.pos {
			return -1
		}
		return 1
	}
	return 0
}

func (s *phraseSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	for {
		dm, err := s.must.Next(ctx)
		if err != nil || dm == nil {
			return nil, err
		}
		if s.matches(dm) {
			return dm, nil
		}
		ctx.DocumentMatchPool.Put(dm)
	}
}

func (s *phraseSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	dm, err := s.must.Advance(ctx, id)
	if err != nil || dm == nil {
		return nil, err
	}
	if s.matches(dm) {
		return dm, nil
	}
	ctx.DocumentMatchPool.Put(dm)
	return s.Next(ctx)
}

// matches reports whether the candidate holds the slots at consecutive
// positions of one array element, and drops its locations: the main pass
// does not highlight, and the collector would otherwise build maps of them.
func (s *phraseSearcher) matches(dm *search.DocumentMatch) bool {
	for i := range s.locs {
		s.locs[i] = s.locs[i][:0]
	}
	for _, ftl := range dm.FieldTermLocations {
		i := slices.Index(s.terms, ftl.Term)
		if i < 0 {
			continue
		}
		var elem uint64
		if ap := ftl.Location.ArrayPositions; len(ap) > 0 {
			// The mapping has no nested arrays: one array position at most.
			elem = ap[0] + 1
		}
		s.locs[i] = append(s.locs[i], loc{elem, ftl.Location.Pos})
	}
	dm.FieldTermLocations = dm.FieldTermLocations[:0]
	for _, l := range s.locs {
		if !slices.IsSortedFunc(l, cmpLoc) {
			slices.SortFunc(l, cmpLoc)
		}
	}
	for _, t := range s.slots[0] {
		for _, start := range s.locs[t] {
			if s.phraseAt(start) {
				return true
			}
		}
	}
	return false
}

// phraseAt reports whether every later slot has one of its terms at the
// position that follows start's by the slot's offset.
func (s *phraseSearcher) phraseAt(start loc) bool {
	for i, slot := range s.slots[1:] {
		if len(slot) == 0 {
			continue
		}
		want := loc{start.elem, start.pos + uint64(i+1)}
		found := false
		for _, t := range slot {
			if _, ok := slices.BinarySearchFunc(s.locs[t], want, cmpLoc); ok {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func (s *phraseSearcher) Weight() float64            { return s.must.Weight() }
func (s *phraseSearcher) SetQueryNorm(qnorm float64) { s.must.SetQueryNorm(qnorm) }
func (s *phraseSearcher) Count() uint64              { return s.must.Count() }
func (s *phraseSearcher) Min() int                   { return 0 }
func (s *phraseSearcher) Close() error               { return s.must.Close() }
func (s *phraseSearcher) Size() int                  { return s.must.Size() }
func (s *phraseSearcher) DocumentMatchPoolSize() int { return s.must.DocumentMatchPoolSize() + 1 }
