package search

import (
	"context"
	"fmt"
	"maps"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
)

// bleveFacets counts the facets of q with bleve's own facet builder, the
// oracle for the cached ordinals.
func bleveFacets(t *testing.T, ix *Index, q Query, visible []string) (map[string]int, map[string]int, uint64) {
	t.Helper()
	an := ix.idx.Mapping().AnalyzerNamed(TextAnalyzer)
	textQ, err := buildTextQuery(q.Q, an, true)
	if err != nil {
		t.Fatal(err)
	}
	bq := bleve.NewBooleanQuery()
	if textQ != nil {
		bq.AddMust(textQ)
	} else {
		bq.AddMust(bleve.NewMatchAllQuery())
	}
	if visible != nil {
		perm := bleve.NewDisjunctionQuery()
		for _, id := range visible {
			perm.AddQuery(termQuery(fieldCaseID, id))
		}
		bq.AddMust(perm)
	}
	req := bleve.NewSearchRequestOptions(bq, 0, 0, false)
	req.AddFacet("kind", bleve.NewFacetRequest(fieldKind, 1000))
	req.AddFacet("case", bleve.NewFacetRequest(fieldCaseID, 100000))
	res, err := ix.idx.Search(req)
	if err != nil {
		t.Fatal(err)
	}
	out := [2]map[string]int{{}, {}}
	for i, name := range []string{"kind", "case"} {
		for _, tf := range res.Facets[name].Terms.Terms() {
			out[i][tf.Term] = tf.Count
		}
	}
	return out[0], out[1], res.Total
}

// TestFacetsMatchBleve compares the facets counted from cached segment
// ordinals with bleve's facet builder while the index changes under them:
// several segments, replaced and deleted documents, then a merge into one.
func TestFacetsMatchBleve(t *testing.T) {
	ix, err := Open(t.TempDir() + "/idx")
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ix.batchSize = 150 // many small segments
	docs := genDocs(1200)
	for i := range docs {
		docs[i].CaseID = fmt.Sprintf("case%02d", i%40) // ≤ facetSize cases: every one is returned
	}
	queries := []struct {
		q       Query
		visible []string
	}{
		{Query{Q: "货款"}, nil},
		{Query{Q: `"分期还款"`}, nil},
		{Query{Q: "payment"}, []string{"case03", "case07", "case11"}},
		{Query{}, nil},
	}
	check := func(stage string) {
		t.Helper()
		for _, tc := range queries {
			r := mustSearch(t, ix, tc.q, tc.visible)
			wantKind, wantCase, total := bleveFacets(t, ix, tc.q, tc.visible)
			if r.Total != total {
				t.Errorf("%s %q: total %d, bleve %d", stage, tc.q.Q, r.Total, total)
			}
			if !maps.Equal(r.Facets["kind"], wantKind) || !maps.Equal(r.Facets["case"], wantCase) {
				t.Errorf("%s %q: facets\n kind %v\n case %v\nbleve\n kind %v\n case %v", stage, tc.q.Q,
					r.Facets["kind"], r.Facets["case"], wantKind, wantCase)
			}
			if len(wantKind) == 0 {
				t.Errorf("%s %q: no hits; the query set must exercise the counts", stage, tc.q.Q)
			}
		}
	}
	if err := ix.Index(docs[:800]...); err != nil {
		t.Fatal(err)
	}
	check("first load")

	// New documents, changed kinds and cases, deletions: new segments and
	// deleted documents in the old ones.
	for i := 0; i < 200; i++ {
		docs[i].Kind = genKinds[(i+3)%len(genKinds)]
		docs[i].CaseID = "case-moved"
	}
	if err := ix.Index(append(docs[:200:200], docs[800:]...)...); err != nil {
		t.Fatal(err)
	}
	var gone []string
	for i := 300; i < 400; i++ {
		gone = append(gone, docs[i].EvidenceID)
	}
	if err := ix.Delete(gone...); err != nil {
		t.Fatal(err)
	}
	// The point is a check over deleted documents in a segment that is not
	// the last. scorch's background merger may fold the old segments away
	// before (or while) the check runs; then another round of replaced
	// documents makes new ones, until a check ran with them in place.
	covered := false
	for round := 0; round < 10 && !covered; round++ {
		if round > 0 {
			batch := docs[400+round*30 : 400+round*30+30]
			for i := range batch {
				batch[i].Kind = genKinds[(round+i)%len(genKinds)]
			}
			if err := ix.Index(batch...); err != nil {
				t.Fatal(err)
			}
		}
		before := deletedBeforeLast(t, ix)
		check(fmt.Sprintf("after updates, round %d", round))
		if covered = before > 0 && deletedBeforeLast(t, ix) > 0; covered {
			t.Logf("deleted documents outside the last segment in round %d", round)
		}
	}
	if !covered {
		t.Error("in ten rounds no check ran with deleted documents outside the last segment: the offsets over deleted documents went untested")
	}

	if err := ix.Compact(context.Background()); err != nil {
		t.Fatal(err)
	}
	check("after compact")
	// Segments merged away are dropped from the cache.
	if n, want := len(ix.facets.segs), len(ix.facets.lastSnap.Segments()); n != want {
		t.Errorf("facet cache holds %d segments, the last snapshot %d", n, want)
	}
}

// deletedBeforeLast counts deleted documents in all segments but the last
// of the current snapshot.
func deletedBeforeLast(t *testing.T, ix *Index) uint64 {
	t.Helper()
	adv, err := ix.idx.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	r, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	snap := r.(*scorch.IndexSnapshot)
	var n uint64
	segs := snap.Segments()
	for _, ss := range segs[:len(segs)-1] {
		if d := ss.Deleted(); d != nil {
			n += d.GetCardinality()
		}
	}
	return n
}
