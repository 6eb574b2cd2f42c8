package search

import (
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
)

// TestLatinStemmerSameTokens: the chain with the Latin-only stemmer yields
// exactly the tokens of the chain with bleve's stemmer on every token, on
// mixed Chinese, English, numbers, full-width forms, kana and hangul.
func TestLatinStemmerSameTokens(t *testing.T) {
	im := mapping.NewIndexMapping()
	chain := textAnalysisChain()
	if !slices.Contains(chain, latinStemmerName) {
		t.Fatalf("the text chain %v does not use %s", chain, latinStemmerName)
	}
	old := slices.Clone(chain)
	old[slices.Index(old, latinStemmerName)] = en.SnowballStemmerName
	for name, filters := range map[string][]string{"new": chain, "old": old} {
		if err := im.AddCustomAnalyzer(name, map[string]interface{}{
			"type": custom.Name, "tokenizer": unicode.Name, "token_filters": filters,
		}); err != nil {
			t.Fatal(err)
		}
	}
	newAn, oldAn := im.AnalyzerNamed("new"), im.AnalyzerNamed("old")
	texts := []string{
		"The buyer's promises: payments were delayed, running accounts reconciled. 律师函已送达，对方承诺下月付款。",
		"ＡＢＣ公司 Ｄelivered ９９ units; ありがとうございます 감사합니다 HT-2025-0042 11010519491231002X",
		"generously, happily, agreed, agreement, relational 关系 的 一 是",
	}
	for _, d := range genDocs(200) {
		texts = append(texts, d.Title+" "+d.Text)
	}
	latin := 0
	for _, text := range texts {
		got, want := newAn.Analyze([]byte(text)), oldAn.Analyze([]byte(text))
		if len(got) != len(want) {
			t.Fatalf("%d tokens, bleve's stemmer %d: %q", len(got), len(want), text)
		}
		for i := range got {
			if !tokensEqual(got[i], want[i]) {
				t.Fatalf("token %d: %+v, bleve's stemmer %+v", i, got[i], want[i])
			}
			if got[i].Type == analysis.AlphaNumeric && string(got[i].Term) != string(text[got[i].Start:got[i].End]) {
				latin++ // stemmed (or lower-cased): the stemmer did run on Latin words
			}
		}
	}
	if latin == 0 {
		t.Fatal("no Latin token was changed: the stemmer never ran")
	}
}

func tokensEqual(a, b *analysis.Token) bool {
	return string(a.Term) == string(b.Term) && a.Position == b.Position && a.Start == b.Start &&
		a.End == b.End && a.Type == b.Type && a.KeyWord == b.KeyWord
}
