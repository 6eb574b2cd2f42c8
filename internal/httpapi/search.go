package httpapi

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/search"
)

func (s *Server) search(c echo.Context) error {
	q, err := searchQuery(c, s.zone())
	if err != nil {
		return err
	}
	res, err := s.Search.Search(c.Request().Context(), actor(c), q)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, res)
}

// searchQuery parses the query string; dates are calendar days in loc (the
// business zone, so an item of 07:00 on 1 March in China is on 1 March) and
// "to" is inclusive.
func searchQuery(c echo.Context, loc *time.Location) (search.Query, error) {
	q := search.Query{Q: c.QueryParam("q"), CaseID: c.QueryParam("case_id"), Kind: c.QueryParam("kind"),
		Cursor: c.QueryParam("cursor"), Sort: c.QueryParam("sort")}
	var f dossier.Fields
	if msg := dossier.QueryProblem(q.Q); msg != "" {
		f.Add("q", "%s", msg)
	}
	if q.Kind != "" && !dossier.EvidenceKind(q.Kind).Valid() {
		f.Add("kind", "is not a known evidence kind")
	}
	if q.Sort != "" && q.Sort != "score" && q.Sort != "date" {
		f.Add("sort", "must be score or date")
	}
	for _, p := range []struct {
		name string
		dst  *time.Time
		next bool
	}{{"from", &q.From, false}, {"to", &q.To, true}} {
		v := c.QueryParam(p.name)
		if v == "" {
			continue
		}
		d, err := dossier.ParseDate(v)
		if err != nil {
			f.Add(p.name, "must be a date YYYY-MM-DD")
			continue
		}
		if msg := search.DateProblem(d.Time); msg != "" {
			f.Add(p.name, "%s", msg)
			continue
		}
		if p.next {
			d = d.AddDays(1)
		}
		*p.dst = d.Start(loc)
	}
	if !q.From.IsZero() && !q.To.IsZero() && !q.From.Before(q.To) {
		f.Add("to", "must not be before from")
	}
	page, err := pageParams(c)
	if err != nil {
		return q, err
	}
	q.Limit = page.Limit
	return q, f.Err()
}
