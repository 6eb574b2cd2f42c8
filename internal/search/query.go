package search

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/dossier/dossier/internal/dossier"
)

// Limits on user queries. Beyond them a query is EMALFORMED: long inputs are
// pasted documents, not searches, and each term costs a phrase searcher.
const (
	maxQueryRunes = 1000
	maxQueryTerms = 32
)

// term is one unit of a user query: a quoted phrase or a bare word.
type term struct {
	text    string
	exclude bool // written with a leading '-'
}

// isQuote reports ASCII and the Chinese curly/corner quotes, which Chinese
// input methods produce instead of '"'.
func isQuote(r rune) bool {
	switch r {
	case '"', '“', '”', '「', '」', '『', '』':
		return true
	}
	return false
}

// parseTerms splits q into terms. Quotes group a phrase; an unbalanced quote
// runs to the end of the input rather than failing, as a search box should.
// A '-' directly before a word or phrase excludes it.
func parseTerms(q string) []term {
	var out []term
	rs := []rune(q)
	for i := 0; i < len(rs); {
		r := rs[i]
		if unicode.IsSpace(r) {
			i++
			continue
		}
		t := term{}
		if r == '-' && i+1 < len(rs) && !unicode.IsSpace(rs[i+1]) && rs[i+1] != '-' {
			t.exclude = true
			i++
			r = rs[i]
		}
		start := i
		if isQuote(r) {
			i++
			start = i
			for i < len(rs) && !isQuote(rs[i]) {
				i++
			}
			t.text = string(rs[start:i])
			i++ // past the closing quote, if any
		} else {
			for i < len(rs) && !unicode.IsSpace(rs[i]) && !isQuote(rs[i]) {
				i++
			}
			t.text = string(rs[start:i])
		}
		if strings.TrimSpace(t.text) != "" {
			out = append(out, t)
		}
	}
	return out
}

// searchFields are the free-text fields a term may match, with boosts: a
// hit in the title says more than one deep in a 40-page contract.
var searchFields = []struct {
	name  string
	boost float64
}{{fieldTitle, 2}, {fieldText, 1}, {fieldParties, 1.5}}

// buildTextQuery turns the user's q into a bleve query. Every term becomes a
// phrase over its analysed tokens, so a Chinese run must match as a whole
// (all its bigrams, adjacent) instead of any one bigram, and every term is
// required (AND). Terms that analyse to nothing (punctuation) are dropped.
// It returns nil, nil for a blank q (match everything visible).
//
// The main pass uses phraseQuery (phrase.go); forHighlight builds bleve's
// MatchPhraseQuery instead, whose hits carry the phrase's locations.
func buildTextQuery(q string, an analysis.Analyzer, forHighlight bool) (query.Query, error) {
	if strings.TrimSpace(q) == "" {
		return nil, nil
	}
	if !utf8.ValidString(q) {
		return nil, dossier.Errorf(dossier.EMALFORMED, "query is not valid UTF-8")
	}
	if utf8.RuneCountInString(q) > maxQueryRunes {
		return nil, dossier.Errorf(dossier.EMALFORMED, "query longer than %d characters", maxQueryRunes)
	}
	terms := parseTerms(foldDigits(q))
	if len(terms) > maxQueryTerms {
		return nil, dossier.Errorf(dossier.EMALFORMED, "query has more than %d terms", maxQueryTerms)
	}
	var must, mustNot []query.Query
	for _, t := range terms {
		toks := an.Analyze([]byte(t.text))
		if len(toks) == 0 && normTokenOf(t.text) == "" {
			continue
		}
		fq := make([]query.Query, 0, len(searchFields))
		for _, f := range searchFields {
			var q query.Query
			if len(toks) == 1 {
				// One token (an English word, a two-character Chinese word):
				// a term query needs no positions and is ~10× cheaper than a
				// one-term phrase.
				tq := query.NewTermQuery(string(toks[0].Term))
				tq.SetField(f.name)
				tq.SetBoost(f.boost)
				q = tq
			} else if forHighlight {
				p := query.NewMatchPhraseQuery(t.text)
				p.SetField(f.name)
				p.Analyzer = TextAnalyzer
				p.SetBoost(f.boost)
				q = p
			} else {
				q = newPhraseQuery(toks, f.name, f.boost)
			}
			fq = append(fq, q)
		}
		// An amount or an ID number also matches its canonical token, so
		// 12000, 12,000.00 and 壹万贰仟元 find each other.
		if nt := normTokenOf(t.text); nt != "" {
			fq = append(fq, termQuery(fieldNorm, nt))
		}
		// A case number names the case's evidence: typed as the case has
		// it, in lower case, or with full-width brackets and letters.
		for _, v := range caseNumberForms(t.text) {
			fq = append(fq, termQuery(fieldCaseNumber, v))
		}
		d := query.NewDisjunctionQuery(fq)
		if t.exclude {
			mustNot = append(mustNot, d)
		} else {
			must = append(must, d)
		}
	}
	if len(must) == 0 && len(mustNot) == 0 {
		return nil, dossier.Errorf(dossier.EMALFORMED, "query has no searchable words")
	}
	b := query.NewBooleanQuery(nil, nil, nil)
	if len(must) > 0 {
		b.AddMust(must...)
	} else {
		// Only exclusions: everything visible except them.
		b.AddMust(query.NewMatchAllQuery())
	}
	if len(mustNot) > 0 {
		b.AddMustNot(mustNot...)
	}
	return b, nil
}

// caseNumberForms are the spellings of a typed case number the index may
// hold it under (case numbers are kept exactly as entered, in a keyword
// field). A court's number is written (2026)京0105民初1234号, with full-width,
// ASCII or 〔〕 brackets, and a case may hold it with or without the brackets
// and the closing 号; any of these typed must find the others. So the typed
// term is reduced to its core (full-width letters, digits and punctuation
// made ASCII, brackets and a final 号 dropped) and the core is spelled every
// way back: as is, with the year in ASCII, full-width or 〔〕 brackets, each
// with and without 号, in the typed case, upper and lower case. A firm's
// reference (2026-HZ-0001) is also spelled without separators and with
// hyphens between its letters and digits, so 2026HZ0001 finds it. Every
// form is an exact keyword: none matches a longer number (2026-HZ-00010).
// A term that cannot be a case number (no digit) gives none.
func caseNumberForms(s string) []string {
	if !strings.ContainsFunc(s, unicode.IsDigit) || utf8.RuneCountInString(s) > 64 {
		return nil
	}
	ascii := strings.Map(func(r rune) rune {
		if r >= '！' && r <= '～' {
			return r - '！' + '!'
		}
		return r
	}, s)
	core := strings.TrimSuffix(caseNumberBrackets.Replace(ascii), "号")
	shapes := []string{core}
	if len(core) > 4 && allDigits(core[:4]) && core[4] >= utf8.RuneSelf {
		// A year first, then the court's code: (2026)京…
		shapes = append(shapes, "("+core[:4]+")"+core[4:], "（"+core[:4]+"）"+core[4:], "〔"+core[:4]+"〕"+core[4:])
	}
	if bare, ok := firmReference(core); ok {
		// A firm's reference typed without its hyphens (2026HZ0001, as
		// copied from a system that drops them) or with others: the bare
		// run, and hyphens where letters and digits meet (2026-HZ-0001).
		shapes = append(shapes, bare, hyphenate(bare))
	}
	out := []string{s}
	add := func(v string) {
		if v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	add(ascii)
	for _, sh := range shapes {
		for _, v := range []string{sh, sh + "号"} {
			add(v)
			add(strings.ToUpper(v))
			add(strings.ToLower(v))
		}
	}
	return out
}

// firmReference reports whether core reads as a firm's own reference
// (2026-HZ-0001): ASCII letters and digits, both present, perhaps separated
// by '-', '_' or '/'. It returns core without the separators.
func firmReference(core string) (string, bool) {
	var b strings.Builder
	letter, digit := false, false
	for i := 0; i < len(core); i++ {
		c := core[i]
		switch {
		case c >= '0' && c <= '9':
			digit = true
		case c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z':
			letter = true
		case c == '-' || c == '_' || c == '/':
			continue
		default:
			return "", false
		}
		b.WriteByte(c)
	}
	return b.String(), letter && digit
}

// hyphenate puts a '-' wherever an ASCII letter and a digit meet:
// 2026HZ0001 → 2026-HZ-0001.
func hyphenate(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if i > 0 && isASCIIDigit(s[i]) != isASCIIDigit(s[i-1]) {
			b.WriteByte('-')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isASCIIDigit(c byte) bool { return c >= '0' && c <= '9' }

// caseNumberBrackets drops the brackets court numbers put around the year.
var caseNumberBrackets = strings.NewReplacer("(", "", ")", "", "（", "", "）", "", "〔", "", "〕", "", "[", "", "]", "", "【", "", "】", "")
