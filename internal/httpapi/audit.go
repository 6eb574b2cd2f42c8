package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/dossier/dossier/internal/audit"
	"github.com/dossier/dossier/internal/dossier"
)

func (s *Server) listAudit(c echo.Context) error {
	f, err := auditFilter(c, s.zone())
	if err != nil {
		return err
	}
	if prefersCSV(c.Request().Header.Get(echo.HeaderAccept)) || c.QueryParam("format") == "csv" {
		return s.Trail.Export(c.Request().Context(), actor(c), f, &lazyCSV{c: c, name: "dossier-audit.csv"})
	}
	page, err := s.Trail.List(c.Request().Context(), actor(c), f)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, page)
}

// auditFilter parses the query; from and to take RFC 3339 times or dates,
// calendar days in loc as on the web audit page (a date "to" includes that
// whole day).
func auditFilter(c echo.Context, loc *time.Location) (dossier.AuditFilter, error) {
	f := dossier.AuditFilter{Actor: c.QueryParam("actor"), CaseID: c.QueryParam("case_id"),
		Action: c.QueryParam("action"), Object: c.QueryParam("object"), Q: c.QueryParam("q")}
	var fe dossier.Fields
	if msg := dossier.QueryProblem(f.Q); msg != "" {
		fe.Add("q", "%s", msg)
	}
	parse := func(name string, endOfDay bool) time.Time {
		v := c.QueryParam(name)
		if v == "" {
			return time.Time{}
		}
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			return t
		}
		if d, err := dossier.ParseDate(v); err == nil {
			if endOfDay {
				d = d.AddDays(1)
			}
			return d.Start(loc)
		}
		fe.Add(name, "must be an RFC 3339 time or a date YYYY-MM-DD")
		return time.Time{}
	}
	f.From, f.To = parse("from", false), parse("to", true)
	p, err := pageParams(c)
	if err != nil {
		return f, err
	}
	f.Limit = p.Limit
	if f.AfterSeq, err = audit.ParseCursor(p.Cursor); err != nil {
		return f, err
	}
	return f, fe.Err()
}

func (s *Server) verifyAudit(c echo.Context) error {
	// anchor=SEQ:HASH (repeatable): heads the caller kept from earlier
	// checkpoints, which the chain must pass through.
	var anchors map[int64]string
	if vs := c.QueryParams()["anchor"]; len(vs) > 0 {
		var f dossier.Fields
		if len(vs) > 100 {
			f.Add("anchor", "at most 100 anchors")
		}
		anchors = map[int64]string{}
		for _, v := range vs {
			seq, h, err := audit.ParseAnchor(v)
			if err != nil {
				f.Add("anchor", "%v", err)
				continue
			}
			anchors[seq] = h
		}
		if err := f.Err(); err != nil {
			return err
		}
	}
	rep, err := s.Trail.VerifyAnchored(c.Request().Context(), actor(c), anchors)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, rep)
}

// auditCheckpoints pages through the signed checkpoints, newest first
// (limit, default 20); the cursor is the seq the next page stays below.
func (s *Server) auditCheckpoints(c echo.Context) error {
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	limit := p.Limit
	if limit == 0 {
		limit = 20
	}
	var before int64
	if p.Cursor != "" {
		if before, err = strconv.ParseInt(p.Cursor, 10, 64); err != nil || before < 1 {
			return &dossier.Error{Code: dossier.EINVALID, Message: "invalid fields",
				Fields: []dossier.FieldError{{Field: "cursor", Message: "must be the next value of an earlier page"}}}
		}
	}
	// One more than asked says whether a page follows.
	cps, total, err := s.Trail.Checkpoints(c.Request().Context(), actor(c), before, limit+1)
	if err != nil {
		return err
	}
	out := List[*dossier.Checkpoint]{Items: cps, Total: total}
	if len(cps) > limit {
		out.Items = cps[:limit]
		out.Next = strconv.FormatInt(cps[limit-1].Seq, 10)
	}
	return writeJSON(c, http.StatusOK, out)
}

// lazyCSV commits the CSV response on the first write, so an error before
// any output (a refusal) still becomes a problem+json answer.
type lazyCSV struct {
	c       echo.Context
	name    string
	started bool
}

func (w *lazyCSV) Write(p []byte) (int, error) {
	if !w.started {
		w.started = true
		h := w.c.Response().Header()
		h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
		h.Set(echo.HeaderContentDisposition, `attachment; filename="`+w.name+`"`)
		w.c.Response().WriteHeader(http.StatusOK)
	}
	return w.c.Response().Write(p)
}
