package search

import (
	"strings"

	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
)

// schemaVersion is stored inside the index. Bump it whenever the mapping,
// the analysis chain or the tokens Dossier derives itself (the norm field)
// change: Open then refuses the old index, and serve rebuilds it (or the
// operator runs `dossier reindex`). 3: ID numbers separated by a single space are all
// found (idTokens), where schema 2 indexed only the first. 4: traditional
// characters are indexed as simplified (foldTradName), and amounts written
// in them (圓, 兩) get their amount tokens. 5: each document stores the
// sha256 of the bytes its text was extracted from (text_sha256), so that the
// next rebuild takes the text from this index instead of extracting (and
// OCRing) it again; schema 4 documents lack it and are extracted once more.
const schemaVersion = "5"

// TextAnalyzer is the analyzer of every free-text field (title, text,
// parties). Chinese is indexed as overlapping bigrams, which keeps recall for
// any substring of two or more characters; Latin words are lower-cased and
// snowball-stemmed. Measured against gse (go-ego/gse v0.80.3, zh_s
// dictionary, HMM) with the same phrase queries: on the labelled fixture set
// both reach precision 1.00 and recall 0.95; on 5,000 synthetic documents
// with 22 Chinese queries judged by substring match, bigrams keep precision
// and recall at 1.00 while gse falls to recall 0.77 (人民币 0.57, 保证责任 0,
// 法定代表人 0.16: its cut disagrees with the query, e.g. 借款人|民币) and
// indexes 40% slower.
//
// The chain is declared in the mapping (not hard-coded) so that later
// filters — amount normalisation, ID numbers as exact tokens, party aliases —
// can be registered with bleve's registry and appended here, followed by a
// schemaVersion bump.
const TextAnalyzer = "dossier_text"

// Field names in the index.
const (
	fieldTitle = "title"
	fieldText  = "text"
	// fieldTextSHA is only stored, never searched: Previous.Text reads it.
	// A later schema must keep it and fieldText (names and content), or
	// Previous must learn the old names, for rebuilds to reuse the text.
	fieldTextSHA = "text_sha256"
	fieldParties = "parties"
	// fieldNorm holds canonical tokens for what is written many ways:
	// amounts ("amt" + cents) and ID numbers / credit codes ("id" + code).
	fieldNorm       = "norm"
	fieldKind       = "kind"
	fieldCaseID     = "case_id"
	fieldCaseNumber = "case_number"
	fieldOccurredAt = "occurred_at"
	fieldCreatedAt  = "created_at"
	// fieldDate is occurred_at, or created_at when the occurrence is unknown:
	// the one date that filters and date sorting use.
	fieldDate = "date"
)

// docType is the bleve document type of evidence documents.
const docType = "evidence"

// foldDigits maps full-width digits (common in OCR output and Chinese
// forms) to ASCII before analysis: bleve's unicode tokenizer drops them, and
// unlike a char filter this keeps stored text and term offsets consistent.
// Other full-width forms are folded by the cjk_width token filter.
func foldDigits(s string) string {
	if !strings.ContainsFunc(s, isWideDigit) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isWideDigit(r) {
			return r - '０' + '0'
		}
		return r
	}, s)
}

func isWideDigit(r rune) bool { return r >= '０' && r <= '９' }

func textAnalysisChain() []string {
	return []string{cjk.WidthName, foldTradName, lowercase.Name, cjk.BigramName, en.PossessiveName, latinStemmerName}
}

// newMapping builds the index mapping. Long text skips the _all field and
// doc values: both are unused (queries name their fields, nothing sorts or
// facets on text) and together they halve indexing throughput.
func newMapping() (*mapping.IndexMappingImpl, error) {
	im := mapping.NewIndexMapping()
	err := im.AddCustomAnalyzer(TextAnalyzer, map[string]interface{}{
		"type":          custom.Name,
		"tokenizer":     unicode.Name,
		"token_filters": textAnalysisChain(),
	})
	if err != nil {
		return nil, err
	}
	im.DefaultAnalyzer = TextAnalyzer
	im.TypeField = "_type"

	text := func(store bool) *mapping.FieldMapping {
		f := mapping.NewTextFieldMapping()
		f.Analyzer = TextAnalyzer
		f.Store = store
		// Term positions make phrase queries possible (every query term is
		// a phrase) and give the highlighter its match locations.
		f.IncludeTermVectors = true
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	kw := func(store, docValues bool) *mapping.FieldMapping {
		f := mapping.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = store
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = docValues // facets need them
		return f
	}
	date := func(docValues bool) *mapping.FieldMapping {
		f := mapping.NewDateTimeFieldMapping()
		f.Store = false
		f.IncludeInAll = false
		f.DocValues = docValues
		return f
	}

	dm := mapping.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt(fieldTitle, text(true))
	dm.AddFieldMappingsAt(fieldText, text(true))
	stored := kw(true, false)
	stored.Index = false
	dm.AddFieldMappingsAt(fieldTextSHA, stored)
	dm.AddFieldMappingsAt(fieldParties, text(false))
	dm.AddFieldMappingsAt(fieldNorm, kw(false, false))
	dm.AddFieldMappingsAt(fieldKind, kw(true, true))
	dm.AddFieldMappingsAt(fieldCaseID, kw(true, true))
	dm.AddFieldMappingsAt(fieldCaseNumber, kw(true, false))
	dm.AddFieldMappingsAt(fieldOccurredAt, date(false))
	dm.AddFieldMappingsAt(fieldCreatedAt, date(false))
	dm.AddFieldMappingsAt(fieldDate, date(true))
	// No _all composite field: queries always name their fields, and
	// building it costs about 8% of indexing CPU even when empty.
	dm.AddSubDocumentMapping("_all", mapping.NewDocumentDisabledMapping())
	im.AddDocumentMapping(docType, dm)

	// Anything that is not an evidence document is not indexed at all.
	im.DefaultMapping = mapping.NewDocumentDisabledMapping()
	return im, nil
}
