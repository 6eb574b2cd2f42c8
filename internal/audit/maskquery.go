package audit

import (
	"context"
	"strings"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/policy"
)

// maskedQuery reports whether a's q filter must be matched against the
// details as a sees them (masked) rather than as stored: otherwise a q
// with digits tests guesses at the digits the mask hides, one query per
// digit. Masking only turns digits into '*' and keeps the length, so a q
// with neither matches stored and masked text alike and stays in the
// store's query.
func maskedQuery(a *dossier.Actor, q string) bool {
	return q != "" && policy.Masked(a) && strings.ContainsAny(q, "0123456789*")
}

// storeQuery is the part of q the store can look for in the stored text:
// its longest run without '*'. Every masked detail containing q contains
// it unmasked, so the store's matches include all of the masked ones.
func storeQuery(q string) string {
	best := ""
	for _, s := range strings.Split(q, "*") {
		if len(s) > len(best) {
			best = s
		}
	}
	return best
}

// scanMasked calls fn, in seq order from f.AfterSeq on, with each event
// matching f whose masked detail contains f.Q (case-insensitively, as the
// store compares), until fn returns false. f.Limit is ignored.
func (t *Trail) scanMasked(ctx context.Context, f dossier.AuditFilter, fn func(*dossier.Event) bool) error {
	q := strings.ToLower(f.Q)
	f.Q, f.Limit = storeQuery(f.Q), 1000
	for {
		evs, err := t.Store.Events(ctx, f)
		if err != nil {
			return err
		}
		for _, e := range evs {
			if strings.Contains(strings.ToLower(policy.MaskText(e.Detail)), q) && !fn(e) {
				return nil
			}
		}
		if len(evs) < f.Limit {
			return nil
		}
		f.AfterSeq = evs[len(evs)-1].Seq
	}
}

// listMasked is List for a maskedQuery: the page and the total count only
// events whose masked detail matches. The total needs every match, so one
// pass over the trail from its start counts them and keeps the page's (the
// first f.Limit after f.AfterSeq) on the way: reading the page first and
// counting after would read the trail up to twice.
func (t *Trail) listMasked(ctx context.Context, f dossier.AuditFilter) (*Page, error) {
	p := &Page{Items: []*dossier.Event{}}
	more := false
	all := f
	all.AfterSeq = 0
	err := t.scanMasked(ctx, all, func(e *dossier.Event) bool {
		p.Total++
		if e.Seq > f.AfterSeq {
			if len(p.Items) < f.Limit {
				p.Items = append(p.Items, e)
			} else {
				more = true
			}
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	if more {
		p.Next = cursor(p.Items[len(p.Items)-1].Seq)
	}
	return p, nil
}
