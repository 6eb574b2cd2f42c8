package search

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/blevesearch/bleve/v2"
)

// TestPhraseMatchesBleve checks phraseQuery against bleve's
// MatchPhraseQuery, the oracle: the same hits with the same scores, for
// phrases cut from the corpus (Chinese runs, English words, contract
// numbers), phrases that span two values of a multi-valued field (which
// must not match), repeated bigrams and absent phrases.
func TestPhraseMatchesBleve(t *testing.T) {
	ix, err := Open(t.TempDir() + "/idx")
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	docs := genDocs(800)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	docs = append(docs,
		Doc{EvidenceID: "split-party", CaseID: "c", Kind: "other", Title: "t", Text: "无关内容",
			Parties: []string{"鑫淼焱", "垚犇骉"}, CreatedAt: now},
		Doc{EvidenceID: "repeat", CaseID: "c", Kind: "other", Title: "还款还款还款", Text: "还款 还款", CreatedAt: now},
	)
	if err := ix.Index(docs...); err != nil {
		t.Fatal(err)
	}

	rng := rand.New(rand.NewPCG(7, 11))
	queries := []string{`"焱垚"`, `"淼焱"`, `"申达贸易"`, "还款还款", `"还款还款还款还款"`, `"promised to pay"`,
		`"to pay promised"`, "分期还款", "律师函", `"HT-2025"`, "以货抵债 查封", `"不存在的短语"`}
	for len(queries) < 80 {
		d := docs[rng.IntN(800)]
		rs := []rune(d.Text)
		i := rng.IntN(len(rs) - 12)
		if unicode.Is(unicode.Han, rs[i]) {
			n := 2 + rng.IntN(5)
			run := rs[i : i+n]
			if strings.IndexFunc(string(run), func(r rune) bool { return !unicode.Is(unicode.Han, r) }) < 0 {
				queries = append(queries, string(run))
			}
			continue
		}
		words := strings.Fields(string(rs[i:min(len(rs), i+40)]))
		if len(words) >= 4 {
			queries = append(queries, `"`+strings.Join(words[1:2+rng.IntN(3)], " ")+`"`)
		}
	}

	an := ix.idx.Mapping().AnalyzerNamed(TextAnalyzer)
	run := func(q string, forHighlight bool) map[string]float64 {
		tq, err := buildTextQuery(q, an, forHighlight)
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		req := bleve.NewSearchRequestOptions(tq, 10000, 0, false)
		res, err := ix.idx.Search(req)
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		out := map[string]float64{}
		for _, h := range res.Hits {
			out[h.ID] = h.Score
		}
		return out
	}
	matched := 0
	for _, q := range queries {
		got, want := run(q, false), run(q, true)
		if len(got) != len(want) {
			t.Errorf("%q: %d hits, bleve %d", q, len(got), len(want))
			continue
		}
		for id, ws := range want {
			gs, ok := got[id]
			if !ok {
				t.Errorf("%q: missing %s", q, id)
			} else if math.Abs(gs-ws) > 1e-9*math.Max(1, ws) {
				t.Errorf("%q: %s scores %v, bleve %v", q, id, gs, ws)
			}
		}
		if len(want) > 0 {
			matched++
		}
	}
	if matched < len(queries)/2 {
		t.Errorf("only %d of %d phrases found anything: the comparison proves little", matched, len(queries))
	}
	if got := run(`"焱垚"`, false); len(got) != 0 {
		t.Errorf("a phrase across two party names matched %d documents", len(got))
	}
	if got := run(`"淼焱"`, false); len(got) != 1 {
		t.Errorf("a phrase inside one party name matched %d documents, want 1", len(got))
	}
	if got := run(`"还款还款还款"`, false); len(got) != 1 {
		t.Errorf("repeated bigrams: %v, want the one document", got)
	}
}
