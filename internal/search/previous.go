package search

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/blevesearch/bleve/v2"
	index "github.com/blevesearch/bleve_index_api"
)

// Previous is the index a rebuild replaces, open read-only beside the new
// one, so that the rebuild takes each item's text from it instead of
// extracting it again: with OCR of scans that is hours for an archive, and
// search answers 503 all the while. Its schema may be older than the
// current one: only stored fields are read, and the new index analyses the
// text anew.
type Previous struct {
	idx bleve.Index
}

// OpenPrevious opens the index in dir read-only, whatever its schema. It
// returns an error wrapping ErrCorrupt when dir holds no index, or one that
// fails the checks Open makes (a query over it, the document count recorded
// at its last clean close): text from an index that lost segments or reads
// wrongly is not taken, the rebuild extracts everything instead.
func OpenPrevious(dir string) (p *Previous, err error) {
	defer func() {
		if r := recover(); r != nil {
			p, err = nil, fmt.Errorf("search: open previous %s: %w: panic: %v", dir, ErrCorrupt, r)
		}
	}()
	if _, err := os.Stat(filepath.Join(dir, "index_meta.json")); err != nil {
		return nil, fmt.Errorf("search: open previous %s: %w: no index_meta.json", dir, ErrCorrupt)
	}
	// Read-only: the rebuild must leave it as it was if it fails, and scorch
	// then neither merges nor removes files.
	idx, err := bleve.OpenUsing(dir, map[string]interface{}{"read_only": true, "bolt_timeout": "5s"})
	if err != nil {
		return nil, fmt.Errorf("search: open previous %s: %w: %v", dir, ErrCorrupt, err)
	}
	err = (&Index{idx: idx}).Check()
	if err == nil {
		_, err = compareDocCount(idx, dir)
	}
	if err != nil {
		_ = idx.Close()
		return nil, fmt.Errorf("search: open previous %s: %w: %v", dir, ErrCorrupt, err)
	}
	return &Previous{idx: idx}, nil
}

// Text returns the text the previous index holds for an item, if that text
// was extracted from the bytes whose sha256 is sha (the item's current
// version). It reports false for an item it has no document for, one whose
// text came from other bytes, or failed or found no text (no stored sha256,
// as in every schema before 5), and when the document cannot be read: the
// caller then extracts the text as it would without a previous index.
//
// The text is what the index stored: digit-folded (foldDigits) and with the
// item's transcript before it, as indexer put it there. Indexing it again
// folds it once more, which changes nothing, so the new index's terms,
// norm tokens and highlights are those extraction would have given.
func (p *Previous) Text(evidenceID, sha string) (text string, ok bool) {
	if p == nil || sha == "" {
		return "", false
	}
	defer func() {
		if r := recover(); r != nil {
			text, ok = "", false
		}
	}()
	doc, err := p.idx.Document(evidenceID)
	if err != nil || doc == nil {
		return "", false
	}
	var stored string
	doc.VisitFields(func(f index.Field) {
		switch f.Name() {
		case fieldText:
			text = string(f.Value())
		case fieldTextSHA:
			stored = string(f.Value())
		}
	})
	if stored != sha {
		return "", false
	}
	return text, true
}

// Close releases the previous index; it writes nothing to it.
func (p *Previous) Close() error {
	if p == nil {
		return nil
	}
	if err := p.idx.Close(); err != nil {
		return fmt.Errorf("search: close previous: %w", err)
	}
	return nil
}
