package web

import (
	"context"
	"net/http"
	"sort"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/indexer"
	"github.com/dossier/dossier/internal/policy"
	"github.com/dossier/dossier/internal/search"
)

type facet struct {
	Value, Label string
	Count        int
	Active       bool
}

type searchData struct {
	Q, Kind, CaseID, From, To string
	Ran                       bool
	Result                    *indexer.Result
	Kinds, Cases              []facet
	AllKinds                  []dossier.EvidenceKind
}

// searchPage runs the query through the indexer, which puts the caller's
// visible cases inside the index query.
func (f *Front) searchPage(c echo.Context) error {
	a, err := needActor(c)
	if err != nil {
		return err
	}
	d := &searchData{Q: c.QueryParam("q"), Kind: c.QueryParam("kind"), CaseID: c.QueryParam("case_id"),
		From: c.QueryParam("from"), To: c.QueryParam("to"), AllKinds: dossier.EvidenceKinds}
	v := f.newView(c, "search.title", d)
	q := search.Query{Q: d.Q, Kind: d.Kind, CaseID: d.CaseID, Limit: 50, Cursor: c.QueryParam("cursor")}
	if d.From != "" {
		day, err := dossier.ParseDate(d.From)
		if msg := searchDate(v, day.Time, err); msg != "" {
			v.Errors["from"] = msg
		}
		q.From = day.Start(f.location())
	}
	if d.To != "" {
		day, err := dossier.ParseDate(d.To)
		if msg := searchDate(v, day.Time, err); msg != "" {
			v.Errors["to"] = msg
		}
		// A calendar "to" includes its whole day.
		q.To = day.AddDays(1).Start(f.location())
	}
	anything := d.Q != "" || d.Kind != "" || d.CaseID != "" || d.From != "" || d.To != ""
	if len(v.Errors) == 0 && anything {
		res, err := f.cfg.Search.Search(c.Request().Context(), a, q)
		switch code := dossier.ErrorCode(err); {
		case err == nil:
			numbers, err := f.caseNumbers(c.Request().Context(), a, res)
			if err != nil {
				return err
			}
			d.Ran, d.Result = true, res
			d.Kinds, d.Cases = facets(res, d, numbers)
		case code == dossier.EMALFORMED || code == dossier.EINVALID:
			v.Problem = v.M.Field(dossier.ErrorMessage(err))
		default:
			return err
		}
	}
	return f.render(c, http.StatusOK, "search", v)
}

// searchDate says what is wrong with a from/to date, or "", in the page's
// language.
func searchDate(v *view, t time.Time, err error) string {
	if err != nil {
		return v.M.T("form.date")
	}
	if msg := search.DateProblem(t); msg != "" {
		return v.M.Field(msg)
	}
	return ""
}

// caseNumbers returns the numbers of the cases in the result's case facet,
// by case ID, read from the store in one query: the facet counts every
// visible hit, and the hits of this page name only some of its cases (the
// others were labelled with their IDs). Only cases the actor may read are
// looked up; the index query already keeps the others out of the facet.
func (f *Front) caseNumbers(ctx context.Context, a *dossier.Actor, res *indexer.Result) (map[string]string, error) {
	var ids []string
	for id := range res.Facets["case"] {
		if policy.Can(a, policy.CaseRead, id) == nil {
			ids = append(ids, id)
		}
	}
	numbers := map[string]string{}
	if len(ids) == 0 {
		return numbers, nil
	}
	sort.Strings(ids)
	// The facet holds at most 100 cases, a store page up to 500.
	cs, _, _, err := f.cfg.Cases.Store.ListCases(ctx, dossier.CaseFilter{Restricted: true, Visible: ids,
		Page: dossier.Page{Limit: 500}})
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		numbers[c.ID] = c.Number
	}
	return numbers, nil
}

// facets orders the facet counts for display; case facets are labelled with
// the cases' numbers (numbers, by case ID), else the numbers the hits carry.
func facets(res *indexer.Result, d *searchData, numbers map[string]string) (kinds, cases []facet) {
	for _, h := range res.Items {
		if numbers[h.CaseID] == "" {
			numbers[h.CaseID] = h.CaseNumber
		}
	}
	for k, n := range res.Facets["kind"] {
		kinds = append(kinds, facet{Value: k, Label: k, Count: n, Active: k == d.Kind})
	}
	for id, n := range res.Facets["case"] {
		label := numbers[id]
		if label == "" {
			label = id
		}
		cases = append(cases, facet{Value: id, Label: label, Count: n, Active: id == d.CaseID})
	}
	less := func(s []facet) func(i, j int) bool {
		return func(i, j int) bool {
			if s[i].Count != s[j].Count {
				return s[i].Count > s[j].Count
			}
			return s[i].Label < s[j].Label
		}
	}
	sort.Slice(kinds, less(kinds))
	sort.Slice(cases, less(cases))
	return kinds, cases
}
