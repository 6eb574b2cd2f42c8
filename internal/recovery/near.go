package recovery

import (
	"context"
	"slices"
	"sort"

	"github.com/dossier/dossier/internal/casefile"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/policy"
)

// MaxLimitationWithin bounds the limitation_within filter (ten years).
const MaxLimitationWithin = 3650

// maxInList is the most case IDs handed to the store as one IN list; SQLite
// allows 32766 parameters in a statement. A variable so tests can take the
// other path.
var maxInList = 20000

// NearDeadline lists the visible cases matching f whose limitation deadline
// falls within the next `within` days (today included; time-barred claims are
// not listed). Closed cases are left out, as from the dashboard's
// near-deadline lists, which link here and must count the same cases,
// unless f asks for stage closed.
//
// Deadlines depend on communications, evidence, payments, plans, filings and
// documents, several kept by other capabilities, so they are computed on each
// request rather than stored in a column every writer would have to keep up
// to date. The records of the visible cases are read in one pass (as for the
// dashboard), the cases within the window are selected, and the store then
// applies the other filters, the order and the paging to that ID set, so
// totals, order and cursors are those of the plain case list.
func (s *Service) NearDeadline(ctx context.Context, a *dossier.Actor, f casefile.Filter, within int) ([]*dossier.Case, int, string, error) {
	if a == nil {
		return nil, 0, "", dossier.Errorf(dossier.EUNAUTHENTICATED, "sign in first")
	}
	var fe dossier.Fields
	if within < 0 || within > MaxLimitationWithin {
		fe.Add("limitation_within", "must be a whole number of days from 0 to 3650")
	}
	if f.Bucket != "" && !slices.Contains(dossier.Buckets, dossier.Bucket(f.Bucket)) {
		fe.Add("bucket", "must be one of normal, attention, warning, danger")
	}
	if f.Stage != "" && !dossier.Stage(f.Stage).Valid() {
		fe.Add("stage", "is not a known stage")
	}
	if err := fe.Err(); err != nil {
		return nil, 0, "", err
	}
	recs, err := s.visibleRecords(ctx, a)
	if err != nil {
		return nil, 0, "", err
	}
	today := s.today()
	hits := []string{}
	wantClosed := f.Stage == string(dossier.StageClosed)
	for id, r := range recs {
		if r.Case == nil || (r.Case.Stage == dossier.StageClosed && !wantClosed) {
			continue
		}
		if l := ComputeLimitation(r, today, s.loc()); l.DaysLeft >= 0 && l.DaysLeft <= within {
			hits = append(hits, id)
		}
	}
	if len(hits) == 0 {
		return []*dossier.Case{}, 0, "", nil
	}
	if len(hits) > maxInList {
		return s.nearDeadlineScan(ctx, a, f, hits)
	}
	sort.Strings(hits)
	items, total, next, err := s.Store.ListCases(ctx, dossier.CaseFilter{Bucket: dossier.Bucket(f.Bucket),
		Stage: dossier.Stage(f.Stage), Q: f.Q, Restricted: true, Visible: hits, Today: today, Page: f.Page})
	if err != nil {
		return nil, 0, "", err
	}
	for _, c := range items {
		c.Compute(today)
		if policy.Masked(a) {
			c.Creditor, c.Debtor = policy.MaskParty(c.Creditor), policy.MaskParty(c.Debtor)
		}
	}
	return items, total, next, nil
}

// nearDeadlineScan serves a window too wide for one IN list: it reads every
// matching visible case through the case list and pages the hits itself.
func (s *Service) nearDeadlineScan(ctx context.Context, a *dossier.Actor, f casefile.Filter, hits []string) ([]*dossier.Case, int, string, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 500)
	cur, err := dossier.ParseCursor(f.Cursor)
	if err != nil {
		return nil, 0, "", err
	}
	near := make(map[string]bool, len(hits))
	for _, id := range hits {
		near[id] = true
	}
	var matched []*dossier.Case
	q := f
	q.Page = dossier.Page{Limit: 500}
	for {
		items, _, next, err := s.Cases.List(ctx, a, q)
		if err != nil {
			return nil, 0, "", err
		}
		for _, c := range items {
			if near[c.ID] {
				matched = append(matched, c)
			}
		}
		if next == "" {
			break
		}
		q.Cursor = next
	}
	// The same cursors as the plain case list (newest first): a client
	// paging while the window's hits cross maxInList goes on from its row.
	offset := cur.Offset
	if cur.Keyed() {
		offset = sort.Search(len(matched), func(i int) bool {
			at := matched[i].CreatedAt.UTC().Format(dossier.CursorTimeLayout)
			return at < cur.At || (at == cur.At && matched[i].ID < cur.ID)
		})
	}
	total := len(matched)
	page := []*dossier.Case{}
	if offset < total {
		page = matched[offset:min(offset+limit, total)]
	}
	next := ""
	if offset+len(page) < total && len(page) > 0 {
		last := page[len(page)-1]
		next = dossier.KeyCursor(last.CreatedAt, last.ID)
	}
	return page, total, next, nil
}
