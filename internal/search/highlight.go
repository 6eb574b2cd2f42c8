package search

import (
	"bytes"
	"fmt"

	"github.com/blevesearch/bleve/v2/registry"
	"github.com/blevesearch/bleve/v2/search/highlight"
	htmlFormatter "github.com/blevesearch/bleve/v2/search/highlight/format/html"
	simpleFragmenter "github.com/blevesearch/bleve/v2/search/highlight/fragmenter/simple"
	simpleHighlighter "github.com/blevesearch/bleve/v2/search/highlight/highlighter/simple"
)

// highlighterName is the highlighter of search snippets: bleve's "html"
// highlighter (matches in <mark>, the rest escaped, "…" where a fragment
// cuts the text) with a fragmenter that does not give up on U+FFFD.
//
// The text extractor writes U+FFFD for bytes it cannot read, and bleve's
// simple fragmenter abandons a fragment when it meets utf8.RuneError, which
// a U+FFFD decodes as: a hit with one within 200 characters of its match
// got no snippet at all. The fragmenter is given the text with each U+FFFD
// shown as 〓 (the mark Chinese typesetting uses for a missing character):
// the same three bytes, so every term offset stays where it was. It works
// on the stored text at query time, so existing indexes need no reindex.
const highlighterName = "dossier_html"

var (
	replacementChar = []byte("\uFFFD")
	unreadableMark  = []byte("〓")
)

// unreadableFragmenter shows U+FFFD as 〓 before bleve's fragmenter reads
// the text; the fragments (and so the snippets) carry the replaced copy.
type unreadableFragmenter struct{ highlight.Fragmenter }

func (f unreadableFragmenter) Fragment(orig []byte, ot highlight.TermLocations) []*highlight.Fragment {
	if bytes.Contains(orig, replacementChar) {
		orig = bytes.ReplaceAll(orig, replacementChar, unreadableMark)
	}
	return f.Fragmenter.Fragment(orig, ot)
}

func newHighlighter(_ map[string]interface{}, cache *registry.Cache) (highlight.Highlighter, error) {
	fr, err := cache.FragmenterNamed(simpleFragmenter.Name)
	if err != nil {
		return nil, fmt.Errorf("search: fragmenter: %w", err)
	}
	fm, err := cache.FragmentFormatterNamed(htmlFormatter.Name)
	if err != nil {
		return nil, fmt.Errorf("search: fragment formatter: %w", err)
	}
	return simpleHighlighter.NewHighlighter(unreadableFragmenter{fr}, fm, simpleHighlighter.DefaultSeparator), nil
}

func init() {
	if len(replacementChar) != len(unreadableMark) {
		panic("search: 〓 must take as many bytes as U+FFFD")
	}
	if err := registry.RegisterHighlighter(highlighterName, newHighlighter); err != nil {
		panic(err)
	}
}
