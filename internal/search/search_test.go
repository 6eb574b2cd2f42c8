package search

import (
	"context"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search"

	"github.com/dossier/dossier/internal/dossier"
)

func ids(r *Result) []string {
	out := make([]string, len(r.Items))
	for i, h := range r.Items {
		out[i] = h.EvidenceID
	}
	return out
}

func mustSearch(t *testing.T, ix *Index, q Query, visible []string) *Result {
	t.Helper()
	r, err := ix.Search(context.Background(), q, visible)
	if err != nil {
		t.Fatalf("Search(%+v): %v", q, err)
	}
	return r
}

// checkFinds reports each of want missing from got and each of not in it.
func checkFinds(t *testing.T, q string, got, want, not []string) {
	t.Helper()
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("%q: missing %s, got %v", q, w, got)
		}
	}
	for _, n := range not {
		if slices.Contains(got, n) {
			t.Errorf("%q: unexpected %s, got %v", q, n, got)
		}
	}
}

// indexed opens a fresh index holding docs.
func indexed(t *testing.T, docs ...Doc) *Index {
	t.Helper()
	ix := mustOpen(t)
	if err := ix.Index(docs...); err != nil {
		t.Fatal(err)
	}
	return ix
}

// expectFinds runs query q, reports what checkFinds does, and returns the
// result.
func expectFinds(t *testing.T, ix *Index, q string, want, not []string) *Result {
	t.Helper()
	r, err := ix.Search(context.Background(), Query{Q: q}, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkFinds(t, q, ids(r), want, not)
	return r
}

func TestSearchFixtures(t *testing.T) {
	ix := mustFixture(t)
	for _, tc := range fixtureQueries {
		t.Run(tc.name, func(t *testing.T) {
			r := mustSearch(t, ix, Query{Q: tc.q}, nil)
			got := ids(r)
			checkFinds(t, tc.q, got, tc.want, tc.not)
			if int(r.Total) != len(got) {
				t.Errorf("%q: total %d, %d items", tc.q, r.Total, len(got))
			}
		})
	}
}

func TestSearchFilters(t *testing.T) {
	ix := mustFixture(t)
	tests := []struct {
		name string
		q    Query
		want []string
	}{
		{"Case", Query{Q: "货款", CaseID: "c3"}, []string{"e10", "e13"}},
		{"Kind", Query{Q: "货款", Kind: "recording"}, []string{"e03"}},
		{"KindNoText", Query{Kind: "photo"}, []string{"e14"}},
		{"DateRange", Query{Q: "货款", From: day("2026-02-01"), To: day("2026-03-03")}, []string{"e02", "e03", "e04"}},
		{"ToExclusive", Query{Q: "货款", From: day("2026-02-01"), To: day("2026-03-02")}, []string{"e02", "e03"}},
		{"FromOnly", Query{Q: "货款", From: day("2026-03-05")}, []string{"e13", "e20"}},
		{"CreatedAtFallback", Query{From: day("2026-01-15"), To: day("2026-01-16")}, []string{"e14"}},
		{"CaseAndKind", Query{CaseID: "c2", Kind: "email"}, []string{"e07"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ids(mustSearch(t, ix, tc.q, nil))
			slices.Sort(got)
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestSearchFacets(t *testing.T) {
	ix := mustFixture(t)
	r := mustSearch(t, ix, Query{Q: "货款", Limit: 2}, nil)
	if r.Total != 7 || len(r.Items) != 2 {
		t.Fatalf("total %d items %d, want 7 and 2", r.Total, len(r.Items))
	}
	wantKind := map[string]int{"contract": 1, "email": 1, "recording": 1, "letter": 1, "statement": 1, "judgment": 1, "other": 1}
	wantCase := map[string]int{"c1": 5, "c3": 2}
	if !maps.Equal(r.Facets["kind"], wantKind) {
		t.Errorf("kind facet %v, want %v", r.Facets["kind"], wantKind)
	}
	if !maps.Equal(r.Facets["case"], wantCase) {
		t.Errorf("case facet %v, want %v", r.Facets["case"], wantCase)
	}
}

func TestSearchPermissions(t *testing.T) {
	ix := mustFixture(t)
	t.Run("OK", func(t *testing.T) {
		r := mustSearch(t, ix, Query{Q: "货款", Limit: 1}, []string{"c3", "c9"})
		if r.Total != 2 || r.Facets["case"]["c1"] != 0 || r.Facets["case"]["c3"] != 2 {
			t.Errorf("total %d facets %v, want only c3's 2", r.Total, r.Facets)
		}
		if r.Next == "" {
			t.Fatal("no next page")
		}
		r2 := mustSearch(t, ix, Query{Q: "货款", Limit: 1, Cursor: r.Next}, []string{"c3", "c9"})
		if len(r2.Items) != 1 || r2.Items[0].CaseID != "c3" || r2.Next != "" {
			t.Errorf("page 2 %+v", r2)
		}
	})
	t.Run("NoCases", func(t *testing.T) {
		r := mustSearch(t, ix, Query{Q: "货款"}, []string{})
		if r.Total != 0 || len(r.Items) != 0 {
			t.Errorf("empty visible list found %v", ids(r))
		}
	})
	t.Run("CaseFilterOutsideVisible", func(t *testing.T) {
		r := mustSearch(t, ix, Query{Q: "货款", CaseID: "c1"}, []string{"c3"})
		if r.Total != 0 {
			t.Errorf("found invisible %v", ids(r))
		}
	})
	t.Run("AllVisible", func(t *testing.T) {
		if r := mustSearch(t, ix, Query{}, nil); r.Total != uint64(len(fixtureDocs)) {
			t.Errorf("total %d, want %d", r.Total, len(fixtureDocs))
		}
	})
}

func TestSearchPagination(t *testing.T) {
	ix := mustFixture(t)
	for _, sort := range []string{"score", "date"} {
		t.Run(sort, func(t *testing.T) {
			all := ids(mustSearch(t, ix, Query{Q: "货款 OR payment", Sort: sort, Limit: 500}, nil))
			_ = all
			full := ids(mustSearch(t, ix, Query{Sort: sort}, nil))
			var paged []string
			q := Query{Sort: sort, Limit: 3}
			for page := 0; ; page++ {
				r := mustSearch(t, ix, q, nil)
				paged = append(paged, ids(r)...)
				if r.Next == "" {
					break
				}
				if page > 10 {
					t.Fatal("pagination does not end")
				}
				q.Cursor = r.Next
			}
			if !slices.Equal(paged, full) || len(full) != len(fixtureDocs) {
				t.Errorf("paged %v\nfull  %v", paged, full)
			}
		})
	}
	t.Run("DateOrder", func(t *testing.T) {
		got := ids(mustSearch(t, ix, Query{Q: "货款", Sort: "date"}, nil))
		want := []string{"e13", "e20", "e04", "e03", "e02", "e10", "e01"}
		if !slices.Equal(got, want) {
			t.Errorf("got %v, want %v", got, want)
		}
	})
	t.Run("ErrCursorOfOtherQuery", func(t *testing.T) {
		r := mustSearch(t, ix, Query{Q: "货款", Limit: 2}, nil)
		_, err := ix.Search(context.Background(), Query{Q: "律师函", Limit: 2, Cursor: r.Next}, nil)
		if dossier.ErrorCode(err) != dossier.EMALFORMED {
			t.Errorf("err %v, want EMALFORMED", err)
		}
	})
}

func TestSearchMalformed(t *testing.T) {
	ix := mustFixture(t)
	tests := []struct {
		name string
		q    Query
		code string // "" means a clean (possibly empty) result
	}{
		{"UnbalancedQuote", Query{Q: `"分期还款`}, ""},
		{"UnbalancedQuoteEnd", Query{Q: `货款 "`}, ""},
		{"ErrQuotesOnly", Query{Q: `"""`}, dossier.EMALFORMED},
		{"ErrDashesOnly", Query{Q: "- -- ---"}, dossier.EMALFORMED},
		{"ErrPunctuationOnly", Query{Q: "!!! ??? ，。"}, dossier.EMALFORMED},
		{"ExclusionOnly", Query{Q: "-律师函"}, ""},
		{"Operators", Query{Q: "AND OR NOT * ? ~ ^ : ( ) [ ] { }"}, ""},
		{"ErrTooLong", Query{Q: strings.Repeat("货", 10000)}, dossier.EMALFORMED},
		{"ErrTooManyTerms", Query{Q: strings.Repeat("a ", 40)}, dossier.EMALFORMED},
		{"ErrInvalidUTF8", Query{Q: "\xff\xfe货款"}, dossier.EMALFORMED},
		{"ErrBadSort", Query{Q: "货款", Sort: "title"}, dossier.EMALFORMED},
		{"ErrNegativeLimit", Query{Q: "货款", Limit: -1}, dossier.EMALFORMED},
		{"ErrGarbageCursor", Query{Q: "货款", Cursor: "!!notbase64"}, dossier.EMALFORMED},
		{"ErrForgedCursor", Query{Q: "货款", Cursor: encodeCursor(maxOffset+1, 0)}, dossier.EMALFORMED},
		{"HugeLimitClamped", Query{Q: "货款", Limit: 1 << 30}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := ix.Search(context.Background(), tc.q, nil)
			if got := dossier.ErrorCode(err); got != tc.code {
				t.Fatalf("code %q (%v), want %q", got, err, tc.code)
			}
			if err == nil && r == nil {
				t.Fatal("nil result without error")
			}
		})
	}
	t.Run("ExclusionOnlyExcludes", func(t *testing.T) {
		got := ids(mustSearch(t, ix, Query{Q: "-律师函", Limit: 100}, nil))
		if len(got) != len(fixtureDocs)-2 || slices.Contains(got, "e04") {
			t.Errorf("got %v", got)
		}
	})
}

func TestSearchHighlights(t *testing.T) {
	ix := mustFixture(t)
	r := mustSearch(t, ix, Query{Q: "分期还款", Kind: "other"}, nil)
	if len(r.Items) != 1 || r.Items[0].EvidenceID != "e15" {
		t.Fatalf("got %v", ids(r))
	}
	h := r.Items[0]
	if h.Title != "<script>alert(1)</script> 备忘录" {
		t.Errorf("title %q: stored titles are returned raw, escaping is the renderer's job", h.Title)
	}
	joined := strings.Join(h.Highlights, "\n")
	if !strings.Contains(joined, "<mark>分期还款</mark>") {
		t.Errorf("highlights %q lack <mark>分期还款</mark>", joined)
	}
	if strings.Contains(joined, "<script") || !strings.Contains(joined, "&lt;script&gt;") || !strings.Contains(joined, "&amp;") {
		t.Errorf("highlights %q not escaped", joined)
	}
	for _, s := range h.Highlights {
		if !utf8.ValidString(s) {
			t.Errorf("highlight %q splits a character", s)
		}
	}

	// A one-token word takes the term-query path; it must highlight too.
	r = mustSearch(t, ix, Query{Q: "货款", CaseID: "c3", Sort: "date"}, nil)
	if len(r.Items) != 2 || len(r.Items[0].Highlights) == 0 || !strings.Contains(r.Items[0].Highlights[0], "<mark>货款</mark>") {
		t.Errorf("term highlights %+v", r.Items)
	}

	r = mustSearch(t, ix, Query{Q: `"promised to pay"`, CaseID: "c3"}, nil)
	if len(r.Items) != 1 || len(r.Items[0].Highlights) == 0 ||
		!strings.Contains(r.Items[0].Highlights[0], "<mark>promised</mark> <mark>to</mark> <mark>pay</mark>") {
		t.Errorf("english highlights %+v", r.Items)
	}
}

func TestIndexDeleteAndReplace(t *testing.T) {
	ix := mustFixture(t)
	if err := ix.Delete("e04", "missing"); err != nil {
		t.Fatal(err)
	}
	if got := ids(mustSearch(t, ix, Query{Q: "律师函"}, nil)); !slices.Equal(got, []string{"e11"}) {
		t.Errorf("after delete got %v", got)
	}
	d := fixtureDocs[10] // e11
	d.Text = "replaced text"
	if err := ix.Index(d); err != nil {
		t.Fatal(err)
	}
	if got := ids(mustSearch(t, ix, Query{Q: "律师函"}, nil)); len(got) != 0 {
		t.Errorf("after replace got %v", got)
	}
	if n, _ := ix.DocCount(); n != uint64(len(fixtureDocs)-1) {
		t.Errorf("doc count %d", n)
	}
	t.Run("ErrNoID", func(t *testing.T) {
		if err := ix.Index(Doc{Title: "x"}); dossier.ErrorCode(err) != dossier.EINVALID {
			t.Errorf("err %v", err)
		}
	})
}

func TestOpenReopen(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Index(fixtureDocs...); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	ix, err = Open(dir)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer ix.Close()
	if n, err := ix.DocCount(); err != nil || n != uint64(len(fixtureDocs)) {
		t.Errorf("doc count %d, %v", n, err)
	}
	if err := ix.Check(); err != nil {
		t.Error(err)
	}
	if r := mustSearch(t, ix, Query{Q: "分期还款"}, nil); r.Total != 2 {
		t.Errorf("after reopen total %d", r.Total)
	}
}

func TestOpenCorrupt(t *testing.T) {
	build := func(t *testing.T) string {
		dir := filepath.Join(t.TempDir(), "idx")
		ix, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		if err := ix.Index(fixtureDocs...); err != nil {
			t.Fatal(err)
		}
		if err := ix.Close(); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	tests := []struct {
		name    string
		corrupt func(t *testing.T) string
	}{
		{"ErrGarbageDir", func(t *testing.T) string {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "garbage"), []byte("not an index"), 0o600); err != nil {
				t.Fatal(err)
			}
			return dir
		}},
		{"ErrGarbageMeta", func(t *testing.T) string {
			dir := build(t)
			if err := os.WriteFile(filepath.Join(dir, "index_meta.json"), []byte("{garbage"), 0o600); err != nil {
				t.Fatal(err)
			}
			return dir
		}},
		{"ErrGarbageRoot", func(t *testing.T) string {
			dir := build(t)
			if err := os.WriteFile(filepath.Join(dir, "store", "root.bolt"), []byte(strings.Repeat("x", 8192)), 0o600); err != nil {
				t.Fatal(err)
			}
			return dir
		}},
		{"ErrTruncatedSegment", func(t *testing.T) string {
			dir := build(t)
			segs, _ := filepath.Glob(filepath.Join(dir, "store", "*.zap"))
			if len(segs) == 0 {
				t.Fatal("no segment files")
			}
			for _, s := range segs {
				if err := os.Truncate(s, 100); err != nil {
					t.Fatal(err)
				}
			}
			return dir
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := tc.corrupt(t)
			ix, err := Open(dir)
			if err == nil {
				ix.Close()
				t.Fatal("Open succeeded on a corrupt index")
			}
			if !errors.Is(err, ErrCorrupt) {
				t.Errorf("err %v does not wrap ErrCorrupt", err)
			}
		})
	}
}

// TestSearchAdmission checks that a query waiting for a free core gives up
// when its request is cancelled, and runs once a core is free again.
func TestSearchAdmission(t *testing.T) {
	ix := mustFixture(t)
	for range cap(ix.searching) {
		ix.searching <- struct{}{}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := ix.Search(ctx, Query{Q: "货款"}, nil)
	for range cap(ix.searching) {
		<-ix.searching
	}
	t.Run("ErrCancelled", func(t *testing.T) {
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Search with all cores busy and a cancelled context: %v, want context.Canceled", err)
		}
	})
	t.Run("OK", func(t *testing.T) {
		if r := mustSearch(t, ix, Query{Q: "货款"}, nil); r.Total == 0 {
			t.Fatal("no hits for 货款 once a core is free")
		}
	})
}

// TestCompact checks that merging to one segment keeps every answer.
func TestCompact(t *testing.T) {
	ix := mustOpen(t)
	for _, d := range fixtureDocs {
		if err := ix.Index(d); err != nil { // one segment per batch
			t.Fatalf("Index: %v", err)
		}
	}
	before := map[string][]string{}
	for _, tc := range fixtureQueries {
		before[tc.q] = ids(mustSearch(t, ix, Query{Q: tc.q}, nil))
	}
	if err := ix.Compact(context.Background()); err != nil {
		t.Fatalf("Compact: %v", err)
	}
	if n := segments(ix); n != 1 {
		t.Errorf("%d segments after Compact, want 1", n)
	}
	for _, tc := range fixtureQueries {
		got := ids(mustSearch(t, ix, Query{Q: tc.q}, nil))
		slices.Sort(got)
		want := slices.Sorted(slices.Values(before[tc.q]))
		if !slices.Equal(got, want) {
			t.Errorf("%q: %v after Compact, %v before", tc.q, got, want)
		}
	}
}

// A page hit that the highlight pass no longer finds (changed between the
// two passes; simulated here by a hit that does not match the query) keeps
// its stored fields and gets no highlights.
func TestHighlightKeepsFieldsOfVanishedHits(t *testing.T) {
	ix, err := Open(t.TempDir() + "/idx")
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := ix.Index(
		Doc{EvidenceID: "a", CaseID: "c1", CaseNumber: "(2026)沪01民初1号", Kind: "letter", Title: "律师函", Text: "请于七日内付款", CreatedAt: now},
		Doc{EvidenceID: "b", CaseID: "c2", CaseNumber: "(2026)沪01民初2号", Kind: "invoice", Title: "发票", Text: "增值税专用发票", CreatedAt: now},
	); err != nil {
		t.Fatal(err)
	}
	an := ix.idx.Mapping().AnalyzerNamed(TextAnalyzer)
	hlQ, err := buildTextQuery("付款", an, true)
	if err != nil {
		t.Fatal(err)
	}
	hits := search.DocumentMatchCollection{{ID: "a"}, {ID: "b"}}
	if err := ix.highlight(context.Background(), hlQ, hits); err != nil {
		t.Fatal(err)
	}
	if got := str(hits[0].Fields[fieldTitle]); got != "律师函" || len(highlights(hits[0].Fragments)) == 0 {
		t.Errorf("matching hit: title %q, fragments %v", got, hits[0].Fragments)
	}
	if got := str(hits[1].Fields[fieldKind]); got != "invoice" || str(hits[1].Fields[fieldCaseNumber]) != "(2026)沪01民初2号" {
		t.Errorf("vanished hit lost its fields: %v", hits[1].Fields)
	}
	if len(highlights(hits[1].Fragments)) != 0 {
		t.Errorf("vanished hit highlighted: %v", hits[1].Fragments)
	}
}
