package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"unicode"

	"github.com/labstack/echo/v4"

	"github.com/dossier/dossier/internal/audit"
	"github.com/dossier/dossier/internal/dossier"
)

type auditData struct {
	Filter  url.Values
	Events  []*dossier.Event
	Next    template.URL // query of the next page (filters and cursor), already encoded
	HeadSeq int64
	Head    string
	Report  *audit.Report
	Anchors int // heads kept outside the database the report was checked through
	// AnchorsError: why a kept head was refused (the chain was not verified).
	AnchorsError string
	// CSVQuery: the filters, already encoded, for the export and verify
	// links (a plain string would be escaped whole, "=" and "&" included,
	// and the links would drop every filter).
	CSVQuery template.URL
	// Actions: every known action code with its label, suggested by the
	// action filter (which still takes any code or "prefix.").
	Actions []auditActionOption
}

const auditPageSize = 200

// auditFilter reads the page's filter fields; a bad date, cursor or an
// over-long q is a field error, both on the page (v.Errors, in its
// language) and in the returned fields (the service's words, for the CSV
// export's error page).
func (f *Front) auditFilter(c echo.Context, v *view) (dossier.AuditFilter, dossier.Fields) {
	q := c.QueryParams()
	af := dossier.AuditFilter{Actor: q.Get("actor"), CaseID: q.Get("case_id"), Action: q.Get("action"),
		Object: q.Get("object"), Q: q.Get("q"), Limit: auditPageSize}
	var fe dossier.Fields
	bad := func(name, msg string) {
		fe.Add(name, "%s", msg)
		if msg == "must be a date YYYY-MM-DD" {
			v.Errors[name] = v.M.T("form.date") // as on every other form
		} else {
			v.Errors[name] = v.M.Field(msg)
		}
	}
	if msg := dossier.QueryProblem(af.Q); msg != "" {
		bad("q", msg)
	}
	if s := q.Get("from"); s != "" {
		d, err := dossier.ParseDate(s)
		if err != nil {
			bad("from", "must be a date YYYY-MM-DD")
		}
		af.From = d.Start(f.location())
	}
	if s := q.Get("to"); s != "" {
		d, err := dossier.ParseDate(s)
		if err != nil {
			bad("to", "must be a date YYYY-MM-DD")
		}
		af.To = d.AddDays(1).Start(f.location())
	}
	if s := q.Get("cursor"); s != "" {
		seq, err := audit.ParseCursor(s)
		if err != nil {
			bad("cursor", cursorMessage(err))
		}
		af.AfterSeq = seq
	}
	return af, fe
}

// head flushes pending events, so the page covers every request before this
// one, and returns the chain head.
func (f *Front) head(c echo.Context, d *auditData) error {
	if f.cfg.Audit.Log == nil {
		return nil
	}
	if err := f.cfg.Audit.Log.Flush(c.Request().Context()); err != nil {
		return err
	}
	d.HeadSeq, d.Head = f.cfg.Audit.Log.Head()
	return nil
}

// auditPage lists events for admins and auditors; audit.Trail decides who
// may and masks what some roles must not see.
func (f *Front) auditPage(c echo.Context) error {
	return f.auditWith(c, &auditData{})
}

// auditWith renders the filters, a page of events and, after a
// verification, its report.
func (f *Front) auditWith(c echo.Context, d *auditData) error {
	a, err := needActor(c)
	if err != nil {
		return err
	}
	d.Filter = c.QueryParams()
	v := f.newView(c, "audit.title", d)
	d.Actions = auditActionOptions(v.M)
	af, _ := f.auditFilter(c, v)
	if len(v.Errors) == 0 {
		p, err := f.cfg.Audit.List(c.Request().Context(), a, af)
		if err != nil {
			return err
		}
		d.Events = p.Items
		if p.Next != "" {
			nq := c.QueryParams()
			nq.Set("cursor", p.Next)
			d.Next = template.URL(nq.Encode())
		}
	} else if _, err := f.cfg.Audit.List(c.Request().Context(), a, dossier.AuditFilter{Limit: 1}); err != nil {
		return err // not allowed at all: say so rather than show the form
	} else if _, bad := v.Errors["cursor"]; bad && len(v.Errors) == 1 {
		v.Problem = v.M.T("audit.cursor_bad")
	} else {
		v.Problem = v.M.T("form.invalid")
	}
	// The chain head shows whatever the filter: it describes the whole
	// trail, not the page.
	if err := f.head(c, d); err != nil {
		return err
	}
	cq := c.QueryParams()
	cq.Del("cursor")
	cq.Del("anchors")
	d.CSVQuery = template.URL(cq.Encode())
	if d.Report != nil && d.Report.Reason != "" && v.M.Lang != "en" {
		rep := *d.Report
		if zh, ok := translateFormat(auditReasons, rep.Reason); ok {
			rep.Reason = zh
		}
		d.Report = &rep
	}
	status := http.StatusOK
	if d.AnchorsError != "" {
		d.AnchorsError = v.M.Field(d.AnchorsError)
		status = http.StatusUnprocessableEntity
	}
	return f.render(c, status, "audit", v)
}

// auditExport streams the selected events as CSV.
func (f *Front) auditExport(c echo.Context) error {
	a, err := needActor(c)
	if err != nil {
		return err
	}
	v := f.newView(c, "audit.title", nil)
	af, fe := f.auditFilter(c, v)
	if err := fe.Err(); err != nil {
		return err
	}
	af.AfterSeq = 0
	if err := f.head(c, &auditData{}); err != nil {
		return err
	}
	// Refuse before the first byte, so a refusal is a page and not a
	// truncated file.
	if _, err := f.cfg.Audit.List(c.Request().Context(), a, dossier.AuditFilter{Limit: 1}); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="audit.csv"`)
	c.Response().WriteHeader(http.StatusOK)
	return f.cfg.Audit.Export(c.Request().Context(), a, af, c.Response())
}

// auditVerify recomputes the whole chain and shows the report on the page.
func (f *Front) auditVerify(c echo.Context) error {
	a, err := needActor(c)
	if err != nil {
		return err
	}
	// anchors: heads an auditor kept from earlier checkpoints, SEQ:HASH,
	// one per line (or separated by spaces or commas).
	anchors := map[int64]string{}
	var bad dossier.Fields
	for _, v := range strings.FieldsFunc(c.QueryParam("anchors"), func(r rune) bool {
		return r == ',' || r == ';' || unicode.IsSpace(r)
	}) {
		seq, h, err := audit.ParseAnchor(v)
		if err != nil {
			bad.Add("anchors", "%v", err)
			continue
		}
		anchors[seq] = h
	}
	if len(bad) > 0 {
		return f.auditWith(c, &auditData{AnchorsError: bad[0].Message})
	}
	rep, err := f.cfg.Audit.VerifyAnchored(c.Request().Context(), a, anchors)
	if err != nil {
		return err
	}
	return f.auditWith(c, &auditData{Report: &rep, Anchors: len(anchors)})
}

// auditReasons are the reasons audit.Verify gives for a broken chain (the
// formats in internal/audit/verify.go), in Chinese.
var auditReasons = func() []fieldFormat {
	var out []fieldFormat
	for _, p := range [][2]string{
		{"checkpoint at seq %d: bad signature", "序号 %s 处的检查点签名无效"},
		{"checkpoint at seq %d: signed by an untrusted key", "序号 %s 处的检查点由不受信任的密钥签名"},
		{"checkpoint at seq %d: head differs from the anchor", "序号 %s 处的检查点链头与留存的链头不符"},
		{"events %d to %d missing", "第 %s 至 %s 条事件缺失"},
		{"a row after event %d repeats seq %d (inserted)", "第 %s 条事件之后有一行重复序号 %s（被插入）"},
		{"event %d does not link to event %d (deleted or reordered)", "第 %s 条事件未链接到第 %s 条（有事件被删除或调换顺序）"},
		{"event %d does not match its hash (altered)", "第 %s 条事件与其哈希不符（被修改）"},
		{"chain at seq %d differs from its signed head (events up to it rewritten)",
			"序号 %s 处的链与签名或留存的链头不符（此前的事件被改写）"},
		{"events from %d missing: a checkpoint or anchor covers seq %d", "自第 %s 条起的事件缺失：检查点或留存链头已覆盖到序号 %s"},
	} {
		out = append(out, fieldFormat{re: formatRE(p[0]), zh: p[1]})
	}
	return out
}()

// cursorMessage is the message of err's first field error, or its message.
func cursorMessage(err error) string {
	if fs := dossier.ErrorFields(err); len(fs) > 0 {
		return fs[0].Message
	}
	return dossier.ErrorMessage(err)
}
