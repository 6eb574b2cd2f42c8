package search

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/dossier/dossier/internal/dossier"
)

// Query is a search request. Q uses a small language: words are ANDed,
// "quoted phrases" (also “…” and 「…」) match adjacent words, and a leading
// '-' excludes a word or phrase. A blank Q lists everything that matches the
// filters.
type Query struct {
	Q      string
	CaseID string
	Kind   string
	// From ≤ date < To on the evidence date (occurred_at, else created_at);
	// zero means unbounded. For a calendar date "to", pass the next day.
	From, To time.Time
	Limit    int    // default 50, at most 500
	Cursor   string // Result.Next of the previous page
	Sort     string // "score" (default) or "date" (newest first)
}

// Hit is one matching evidence item.
type Hit struct {
	EvidenceID string
	CaseID     string
	CaseNumber string
	Title      string
	Kind       string
	Score      float64
	// Highlights are HTML: matches wrapped in <mark>, everything else escaped.
	Highlights []string
}

// Result is one page of hits. Total and Facets count every visible match,
// not just this page.
type Result struct {
	Total  uint64
	Items  []Hit
	Facets map[string]map[string]int // "kind" and "case" (by case ID)
	Next   string                    // empty on the last page
}

const (
	defaultLimit  = 50
	maxLimit      = 500
	maxOffset     = 10000
	maxHighlights = 3
	facetSize     = 100
)

// Search runs q over the documents of visibleCaseIDs. A nil slice means every
// case is visible; an empty non-nil slice means none is and the result is
// empty. The permission filter is part of the bleve query, so totals, facets
// and pages only ever count visible documents. Bad input (query syntax,
// sort, cursor, limit) is EMALFORMED.
func (ix *Index) Search(ctx context.Context, q Query, visibleCaseIDs []string) (*Result, error) {
	limit, offset, err := q.page()
	if err != nil {
		return nil, err
	}
	an := ix.idx.Mapping().AnalyzerNamed(TextAnalyzer)
	if an == nil {
		return nil, fmt.Errorf("search: analyzer %s missing", TextAnalyzer)
	}
	textQ, err := buildTextQuery(q.Q, an, false)
	if err != nil {
		return nil, err
	}
	empty := &Result{Items: []Hit{}, Facets: map[string]map[string]int{"kind": {}, "case": {}}}
	if visibleCaseIDs != nil && len(visibleCaseIDs) == 0 {
		return empty, nil
	}

	var filters []query.Query
	if visibleCaseIDs != nil {
		perm := make([]query.Query, len(visibleCaseIDs))
		for i, id := range visibleCaseIDs {
			perm[i] = termQuery(fieldCaseID, id)
		}
		filters = append(filters, query.NewDisjunctionQuery(perm))
	}
	if q.CaseID != "" {
		filters = append(filters, termQuery(fieldCaseID, q.CaseID))
	}
	if q.Kind != "" {
		filters = append(filters, termQuery(fieldKind, q.Kind))
	}
	if !q.From.IsZero() || !q.To.IsZero() {
		incl, excl := true, false
		r := query.NewDateRangeInclusiveQuery(q.From, q.To, &incl, &excl)
		r.SetField(fieldDate)
		filters = append(filters, r)
	}

	b := query.NewBooleanQuery(nil, nil, nil)
	if textQ != nil {
		b.AddMust(textQ)
	} else {
		b.AddMust(query.NewMatchAllQuery())
	}
	if len(filters) > 0 {
		// A filter clause restricts without scoring: a case ID's rarity must
		// not change the ranking.
		b.AddFilter(query.NewConjunctionQuery(filters))
	}

	req := bleve.NewSearchRequestOptions(b, limit, offset, false)
	if textQ == nil {
		// Nothing to highlight: the stored fields come with the hits.
		// Otherwise the highlight pass loads them, once per page hit.
		req.Fields = hitFields
	}
	// Facets are counted by a hook on the collector (facets.go), not by
	// bleve's facet builder.
	var counter *facetCounter
	sctx := context.WithValue(ctx, search.MakeDocumentMatchHandlerKey, ix.facetHandler(&counter))
	// The evidence ID breaks ties, so that equal scores or dates page
	// stably. It costs loading every match's external ID (about 10% of
	// query CPU), but without it ties kept the index's internal order, and
	// a segment merge, which runs in the background after any indexing
	// (and in Compact), reorders that: the next page then repeated hits of
	// the one before and skipped others.
	if q.Sort == "date" {
		req.SortBy([]string{"-" + fieldDate, "-_score", "_id"})
	} else {
		req.SortBy([]string{"-_score", "_id"})
	}

	select {
	case ix.searching <- struct{}{}:
		defer func() { <-ix.searching }()
	case <-ctx.Done():
		return nil, fmt.Errorf("search: %w", ctx.Err())
	}
	res, err := ix.idx.SearchInContext(sctx, req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("search: %w", ctx.Err())
		}
		return nil, fmt.Errorf("search: %w", err)
	}
	if counter == nil {
		return nil, errors.New("search: the facet hook did not run")
	}
	if counter.err != nil {
		return nil, counter.err
	}
	if textQ != nil && len(res.Hits) > 0 {
		hlQ, err := buildTextQuery(q.Q, an, true)
		if err != nil {
			return nil, err
		}
		if err := ix.highlight(ctx, hlQ, res.Hits); err != nil {
			return nil, err
		}
	}
	out := &Result{Total: res.Total, Items: make([]Hit, 0, len(res.Hits)), Facets: empty.Facets}
	for _, h := range res.Hits {
		out.Items = append(out.Items, Hit{
			EvidenceID: h.ID,
			CaseID:     str(h.Fields[fieldCaseID]),
			CaseNumber: str(h.Fields[fieldCaseNumber]),
			Title:      str(h.Fields[fieldTitle]),
			Kind:       str(h.Fields[fieldKind]),
			Score:      h.Score,
			Highlights: highlights(h.Fragments),
		})
	}
	out.Facets["kind"], out.Facets["case"] = counter.result(facetSize)
	if next := offset + len(res.Hits); len(res.Hits) > 0 && uint64(next) < res.Total && next < maxOffset {
		out.Next = encodeCursor(next, q.fingerprint())
	}
	return out, nil
}

// hitFields are the stored fields a Hit shows.
var hitFields = []string{fieldTitle, fieldKind, fieldCaseID, fieldCaseNumber}

// highlight fills the page's hits with their stored fields and highlighted
// fragments. Asking for highlights in the main search would make bleve
// collect term locations for every match (tens of thousands for a common
// word), not just this page, so a second search restricted to the page's
// IDs does it, loading each page hit's stored document once. A hit that
// this pass no longer finds (deleted or replaced in between) still gets its
// fields, without highlights.
func (ix *Index) highlight(ctx context.Context, textQ query.Query, hits search.DocumentMatchCollection) error {
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	q := query.NewConjunctionQuery([]query.Query{query.NewDocIDQuery(ids), textQ})
	req := bleve.NewSearchRequestOptions(q, len(ids), 0, false)
	req.Highlight = bleve.NewHighlightWithStyle(highlighterName)
	req.Highlight.Fields = []string{fieldTitle, fieldText}
	req.Fields = hitFields
	hl, err := ix.idx.SearchInContext(ctx, req)
	if err != nil {
		return fmt.Errorf("search: highlight: %w", err)
	}
	byID := make(map[string]*search.DocumentMatch, len(hl.Hits))
	for _, h := range hl.Hits {
		byID[h.ID] = h
	}
	var missing []string
	for _, h := range hits {
		if m := byID[h.ID]; m != nil {
			h.Fields, h.Fragments = m.Fields, m.Fragments
		} else {
			missing = append(missing, h.ID)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	req = bleve.NewSearchRequestOptions(query.NewDocIDQuery(missing), len(missing), 0, false)
	req.Fields = hitFields
	res, err := ix.idx.SearchInContext(ctx, req)
	if err != nil {
		return fmt.Errorf("search: stored fields: %w", err)
	}
	for _, m := range res.Hits {
		byID[m.ID] = m
	}
	for _, h := range hits {
		if m := byID[h.ID]; m != nil && h.Fields == nil {
			h.Fields = m.Fields
		}
	}
	return nil
}

func termQuery(field, v string) query.Query {
	t := query.NewTermQuery(v)
	t.SetField(field)
	return t
}

func str(v interface{}) string {
	s, _ := v.(string)
	return s
}

// highlights orders title fragments before text fragments and keeps only
// those that mark something.
func highlights(frags map[string][]string) []string {
	out := []string{}
	for _, f := range []string{fieldTitle, fieldText} {
		for _, s := range frags[f] {
			if len(out) < maxHighlights && strings.Contains(s, "<mark>") {
				out = append(out, s)
			}
		}
	}
	return out
}

// page validates limit, sort and cursor and returns the page's size and
// offset.
func (q Query) page() (limit, offset int, err error) {
	switch q.Sort {
	case "", "score", "date":
	default:
		return 0, 0, dossier.Errorf(dossier.EMALFORMED, "sort must be score or date")
	}
	switch {
	case q.Limit < 0:
		return 0, 0, dossier.Errorf(dossier.EMALFORMED, "limit must not be negative")
	case q.Limit == 0:
		limit = defaultLimit
	case q.Limit > maxLimit:
		limit = maxLimit
	default:
		limit = q.Limit
	}
	if q.Cursor != "" {
		offset, err = decodeCursor(q.Cursor, q.fingerprint())
		if err != nil {
			return 0, 0, err
		}
	}
	return limit, offset, nil
}

// fingerprint ties a cursor to the query it came from: continuing a cursor
// with other filters would silently skip or repeat hits.
func (q Query) fingerprint() uint32 {
	h := sha256.New()
	for _, s := range []string{q.Q, q.CaseID, q.Kind, q.From.UTC().String(), q.To.UTC().String(), q.Sort} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return binary.BigEndian.Uint32(h.Sum(nil))
}

// Cursors are opaque to clients: "v1.<offset>.<fingerprint>" in base64url.
func encodeCursor(offset int, fp uint32) string {
	return base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("v1.%d.%d", offset, fp)))
}

func decodeCursor(c string, fp uint32) (int, error) {
	bad := dossier.Errorf(dossier.EMALFORMED, "invalid cursor")
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, bad
	}
	parts := strings.Split(string(raw), ".")
	if len(parts) != 3 || parts[0] != "v1" {
		return 0, bad
	}
	off, err1 := strconv.Atoi(parts[1])
	got, err2 := strconv.ParseUint(parts[2], 10, 32)
	if err1 != nil || err2 != nil || off < 0 || off > maxOffset {
		return 0, bad
	}
	if uint32(got) != fp {
		return 0, dossier.Errorf(dossier.EMALFORMED, "cursor belongs to another query")
	}
	return off, nil
}

// DateProblem says what is wrong with a From or To date ("" if nothing).
// The index keeps times as int64 nanoseconds (1677 to 2262): a date beyond
// them, such as 0000-01-01 or 9999-12-31, was a 500.
func DateProblem(t time.Time) string {
	if t.Year() < 1900 || t.Year() > 2199 {
		return "must be a date from 1900-01-01 to 2199-12-31"
	}
	return ""
}
