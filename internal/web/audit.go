package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/dossier/dossier/internal/audit"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/policy"
)

type auditData struct {
	Filter   url.Values
	Events   []*dossier.Event
	Next     string
	HeadSeq  int64
	Head     string
	Report   *audit.Report
	CSVQuery string
}

const auditPageSize = 200

// auditFilter reads the page's filter fields; a bad date is a field error.
func (f *Front) auditFilter(c echo.Context, v *view) dossier.AuditFilter {
	q := c.QueryParams()
	af := dossier.AuditFilter{Actor: q.Get("actor"), CaseID: q.Get("case_id"), Action: q.Get("action"),
		Object: q.Get("object"), Q: q.Get("q"), Limit: auditPageSize}
	if s := q.Get("from"); s != "" {
		t, err := time.ParseInLocation("2006-01-02", s, f.location())
		if err != nil {
			v.Errors["from"] = v.M.T("form.date")
		}
		af.From = t
	}
	if s := q.Get("to"); s != "" {
		t, err := time.ParseInLocation("2006-01-02", s, f.location())
		if err != nil {
			v.Errors["to"] = v.M.T("form.date")
		}
		af.To = t.AddDate(0, 0, 1)
	}
	af.AfterSeq, _ = strconv.ParseInt(q.Get("after"), 10, 64)
	return af
}

// auditPage lists events for admins and auditors (policy.AuditRead).
func (f *Front) auditPage(c echo.Context) error {
	a, err := needActor(c)
	if err != nil {
		return err
	}
	if err := policy.Can(a, policy.AuditRead, ""); err != nil {
		return err
	}
	ctx := c.Request().Context()
	d := &auditData{Filter: c.QueryParams()}
	v := f.newView(c, "audit.title", d)
	af := f.auditFilter(c, v)
	if f.cfg.AuditLog != nil {
		// Show events up to this request's predecessors, not a stale batch.
		if err := f.cfg.AuditLog.Flush(ctx); err != nil {
			return err
		}
		d.HeadSeq, d.Head = f.cfg.AuditLog.Head()
	}
	if len(v.Errors) == 0 {
		if d.Events, err = f.cfg.Audit.Events(ctx, af); err != nil {
			return err
		}
		if len(d.Events) == auditPageSize {
			nq := c.QueryParams()
			nq.Set("after", strconv.FormatInt(d.Events[len(d.Events)-1].Seq, 10))
			d.Next = nq.Encode()
		}
	}
	cq := c.QueryParams()
	cq.Del("after")
	d.CSVQuery = cq.Encode()
	return f.render(c, http.StatusOK, "audit", v)
}

// auditExport streams the selected events as CSV.
func (f *Front) auditExport(c echo.Context) error {
	a, err := needActor(c)
	if err != nil {
		return err
	}
	if err := policy.Can(a, policy.AuditRead, ""); err != nil {
		return err
	}
	ctx := c.Request().Context()
	v := f.newView(c, "audit.title", nil)
	af := f.auditFilter(c, v)
	if len(v.Errors) > 0 {
		return dossier.Errorf(dossier.EMALFORMED, "dates must be YYYY-MM-DD")
	}
	if f.cfg.AuditLog != nil {
		if err := f.cfg.AuditLog.Flush(ctx); err != nil {
			return err
		}
	}
	h := c.Response().Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="audit.csv"`)
	c.Response().WriteHeader(http.StatusOK)
	cw, err := audit.NewCSVWriter(c.Response())
	if err != nil {
		return err
	}
	af.Limit = 1000
	for {
		evs, err := f.cfg.Audit.Events(ctx, af)
		if err != nil {
			return err
		}
		for _, e := range evs {
			if err := cw.Write(e); err != nil {
				return err
			}
		}
		if len(evs) < af.Limit {
			break
		}
		af.AfterSeq = evs[len(evs)-1].Seq
	}
	return cw.Flush()
}

// auditVerify recomputes the whole chain and shows the report on the page.
func (f *Front) auditVerify(c echo.Context) error {
	a, err := needActor(c)
	if err != nil {
		return err
	}
	if err := policy.Can(a, policy.AuditRead, ""); err != nil {
		return err
	}
	ctx := c.Request().Context()
	var opts audit.VerifyOptions
	d := &auditData{Filter: url.Values{}}
	if f.cfg.AuditLog != nil {
		if err := f.cfg.AuditLog.Flush(ctx); err != nil {
			return err
		}
		opts.TrustedKeys = []string{f.cfg.AuditLog.PublicKey()}
		d.HeadSeq, d.Head = f.cfg.AuditLog.Head()
	}
	rep, err := audit.VerifyWith(ctx, f.cfg.Audit, opts)
	if err != nil {
		return err
	}
	d.Report = &rep
	return f.render(c, http.StatusOK, "audit", f.newView(c, "audit.title", d))
}
