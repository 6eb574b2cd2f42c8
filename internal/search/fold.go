package search

import (
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
	"github.com/longbridgeapp/opencc"
)

// foldTradName is the token filter that writes traditional Chinese
// characters as their simplified forms (貨款 → 货款, 債務人 → 债务人), at index
// and at query time alike: evidence from Hong Kong, Macao or Taiwan parties
// (chats, letters, invoices) is found by a query typed in simplified
// characters, and the other way round. The fold is character by character
// (OpenCC's TSCharacters table, first candidate), not phrase by phrase: a
// search only needs both sides folded the same way, and the stored text and
// the snippets keep the characters as written.
const foldTradName = "dossier_fold_traditional"

// foldFirst and foldLast bound the runes the table covers: CJK Extension
// A, the Unified Ideographs and the Compatibility Ideographs, where every
// traditional character with a simplified form lies.
const (
	foldFirst = 0x3400
	foldLast  = 0xFAFF
)

// foldTable maps rune-foldFirst to its simplified form (0: unchanged). It
// is built once, from OpenCC's embedded dictionary (about 40 ms), when the
// first index mapping needs the filter.
var foldTable = sync.OnceValues(func() ([]rune, error) {
	c, err := opencc.New("t2s")
	if err != nil {
		return nil, err
	}
	// One conversion of every rune, each on a line of its own: no phrase
	// spans two lines, so each line converts as a single character.
	var b strings.Builder
	for r := rune(foldFirst); r <= foldLast; r++ {
		b.WriteRune(r)
		b.WriteByte('\n')
	}
	out, err := c.Convert(b.String())
	if err != nil {
		return nil, err
	}
	t := make([]rune, foldLast-foldFirst+1)
	r := rune(foldFirst)
	for line := range strings.SplitSeq(out, "\n") {
		if r > foldLast {
			break
		}
		if s, size := utf8.DecodeRuneInString(line); size == len(line) && s != r && s != utf8.RuneError {
			t[r-foldFirst] = s
		}
		r++
	}
	if r <= foldLast {
		return nil, fmt.Errorf("search: traditional fold table: %d of %d characters converted", r-foldFirst, foldLast-foldFirst+1)
	}
	return t, nil
})

// foldTraditional returns s with its traditional characters simplified.
func foldTraditional(t []rune, s []byte) []byte {
	var out []byte
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRune(s[i:])
		if r >= foldFirst && r <= foldLast {
			if f := t[r-foldFirst]; f != 0 {
				if out == nil {
					out = append(make([]byte, 0, len(s)), s[:i]...)
				}
				out = utf8.AppendRune(out, f)
				i += size
				continue
			}
		}
		if out != nil {
			out = append(out, s[i:i+size]...)
		}
		i += size
	}
	if out == nil {
		return s
	}
	return out
}

type foldTrad struct{ table []rune }

func (f foldTrad) Filter(input analysis.TokenStream) analysis.TokenStream {
	for _, tok := range input {
		// Latin words pass untouched.
		if !isASCII(tok.Term) {
			tok.Term = foldTraditional(f.table, tok.Term)
		}
	}
	return input
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func init() {
	err := registry.RegisterTokenFilter(foldTradName, func(map[string]interface{}, *registry.Cache) (analysis.TokenFilter, error) {
		t, err := foldTable()
		if err != nil {
			return nil, err
		}
		return foldTrad{t}, nil
	})
	if err != nil {
		panic(err) // a second filter by this name: a programming error
	}
}
