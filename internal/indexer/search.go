package indexer

import (
	"context"
	"html"
	"strings"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/policy"
	"github.com/dossier/dossier/internal/search"
)

// Hit is one search result as the API answers it.
type Hit struct {
	EvidenceID string   `json:"evidence_id"`
	CaseID     string   `json:"case_id"`
	CaseNumber string   `json:"case_number"`
	Title      string   `json:"title"`
	Kind       string   `json:"kind"`
	Score      float64  `json:"score"`
	Highlights []string `json:"highlights"`
}

// Result is one page of search results.
type Result struct {
	Total  uint64                    `json:"total"`
	Items  []Hit                     `json:"items"`
	Facets map[string]map[string]int `json:"facets"`
	Next   string                    `json:"next"`
}

// Search runs q over the cases the actor may see. The permission filter is
// inside the index query, so totals, facets and pages count only visible
// evidence. A case filter on a case the actor cannot see answers ENOTFOUND.
func (ix *Indexer) Search(ctx context.Context, a *dossier.Actor, q search.Query) (*Result, error) {
	if err := policy.Can(a, policy.SearchRun, ""); err != nil {
		return nil, err
	}
	if q.CaseID != "" {
		dossier.Note(ctx, q.CaseID, "case", q.CaseID)
		if err := policy.Can(a, policy.CaseRead, q.CaseID); err != nil {
			return nil, err
		}
	}
	dossier.NoteFrom(ctx).Detail = "q=" + q.Q
	index, _ := ix.live()
	if index == nil {
		return nil, ix.Check(ctx)
	}
	all, ids := policy.VisibleCases(a)
	var visible []string
	if !all {
		visible = append([]string{}, ids...)
	}
	res, err := index.Search(ctx, q, visible)
	if err != nil {
		return nil, err
	}
	out := &Result{Total: res.Total, Items: make([]Hit, 0, len(res.Items)), Facets: res.Facets, Next: res.Next}
	masked := policy.Masked(a)
	for _, h := range res.Items {
		hl := h.Highlights
		if hl == nil {
			hl = []string{}
		}
		if masked {
			for i := range hl {
				hl[i] = maskHighlight(hl[i])
			}
		}
		out.Items = append(out.Items, Hit{EvidenceID: h.EvidenceID, CaseID: h.CaseID, CaseNumber: h.CaseNumber,
			Title: h.Title, Kind: h.Kind, Score: h.Score, Highlights: hl})
	}
	return out, nil
}

// maskHighlight masks ID and phone numbers in a highlight (escaped HTML
// with <mark> tags) as policy.MaskText does in plain text. Masking the HTML
// itself missed a number with a tag inside it (138 <mark>1234</mark> 5678,
// when the search was for 1234), shown whole. So the text is unescaped,
// masked with the tags taken out, and escaped again with the tags put back
// where they were.
func maskHighlight(h string) string {
	const open, closing = "<mark>", "</mark>"
	var plain strings.Builder
	var parts []string // text, tag, text, tag, …, text
	for rest := h; ; {
		i, tag := strings.Index(rest, open), open
		if j := strings.Index(rest, closing); j >= 0 && (i < 0 || j < i) {
			i, tag = j, closing
		}
		if i < 0 {
			parts = append(parts, html.UnescapeString(rest))
			break
		}
		parts = append(parts, html.UnescapeString(rest[:i]), tag)
		rest = rest[i+len(tag):]
	}
	for i := 0; i < len(parts); i += 2 {
		plain.WriteString(parts[i])
	}
	masked := maskCutEdges(policy.MaskText(plain.String()))
	if len(masked) != plain.Len() {
		// MaskText only turns ASCII digits into '*'; should that change,
		// the text stays masked and loses its marks.
		return html.EscapeString(masked)
	}
	var out strings.Builder
	off := 0
	for i, p := range parts {
		if i%2 == 1 {
			out.WriteString(p)
			continue
		}
		out.WriteString(html.EscapeString(masked[off : off+len(p)]))
		off += len(p)
	}
	return out.String()
}

// cut is what the highlighter writes where a snippet cuts the text.
const cut = "…"

// maskCutEdges masks the digits of a number the snippet's cut runs
// through, at its start or end: MaskText knows an ID or phone number only
// whole, and the 13 digits of an ID number left of a cut (3301021990030…)
// were shown as they are. The run of digits (with the X, spaces, dashes and
// '+' numbers carry) next to a cut is masked whole, '*' for each digit so
// that the marks keep their places.
func maskCutEdges(s string) string {
	b := []byte(s)
	if strings.HasPrefix(s, cut) {
		for i := len(cut); i < len(b) && isNumberByte(b[i]); i++ {
			maskDigit(b, i)
		}
	}
	if strings.HasSuffix(s, cut) {
		for i := len(b) - len(cut) - 1; i >= 0 && isNumberByte(b[i]); i-- {
			maskDigit(b, i)
		}
	}
	return string(b)
}

func isNumberByte(c byte) bool {
	return c >= '0' && c <= '9' || c == 'X' || c == 'x' || c == ' ' || c == '-' || c == '+' || c == '*'
}

func maskDigit(b []byte, i int) {
	if b[i] >= '0' && b[i] <= '9' {
		b[i] = '*'
	}
}

// Check reports whether the index is usable (for /readyz).
func (ix *Indexer) Check(context.Context) error {
	index, reason := ix.live()
	if index == nil {
		if reason == "" {
			reason = "search index unavailable: run `dossier reindex`"
		}
		return dossier.Errorf(dossier.EUNAVAILABLE, "%s", reason)
	}
	return index.Check()
}

// live returns the index in use, or nil and why there is none.
func (ix *Indexer) live() (*search.Index, string) {
	if ix == nil {
		return nil, ""
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.Index, ix.Unavailable
}

// SetUnavailable says why there is no index yet, for /readyz and searches,
// while one is being built.
func (ix *Indexer) SetUnavailable(reason string) {
	ix.mu.Lock()
	ix.Unavailable = reason
	ix.mu.Unlock()
}

// Install puts an index built while the service ran (see cmd/dossier's
// rebuild) in use and starts the workers on the jobs queued meanwhile. If
// the workers cannot start, the index is taken out of use again (the caller
// closes it) and the reason before stays.
func (ix *Indexer) Install(ctx context.Context, index *search.Index) error {
	ix.mu.Lock()
	reason := ix.Unavailable
	ix.Index, ix.Unavailable = index, ""
	ix.mu.Unlock()
	if err := ix.Start(ctx); err != nil {
		ix.mu.Lock()
		ix.Index, ix.Unavailable = nil, reason
		ix.mu.Unlock()
		return err
	}
	return nil
}
