package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/dossier/dossier/internal/document"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/policy"
)

type docField struct {
	Name, Label, Type, Value, Err, Source string
	Required, FromCase                    bool
}

type documentsData struct {
	Case      *dossier.Case
	Templates []document.TemplateInfo
	Template  string
	DocLang   string
	Title     string
	Fields    []docField
	Docs      []*dossier.Document
	Show      *dossier.Document
	CanCreate bool
	Readiness *document.ReadinessReport
}

func (f *Front) documentsPage(c echo.Context) error {
	return f.documentsWith(c, http.StatusOK, nil, nil)
}

// documentsWith renders the template picker, the chosen template's form
// (pre-filled from the case, required fields marked, errors by field), the
// case's generated documents and an inline preview of one.
func (f *Front) documentsWith(c echo.Context, status int, formErr error, sent url.Values) error {
	a, err := needActor(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	id := c.Param("case_id")
	cs, err := f.cfg.Cases.Get(ctx, a, id)
	if err != nil {
		return err
	}
	lang := langOf(c)
	d := &documentsData{Case: cs, Templates: f.cfg.Documents.Engine.Templates(),
		Template: firstNonEmpty(c.FormValue("template"), "lawyer_letter"),
		DocLang:  firstNonEmpty(c.FormValue("lang"), lang), CanCreate: policy.Can(a, policy.DocumentCreate, id) == nil}
	if d.Docs, err = f.cfg.Documents.List(ctx, a, id); err != nil {
		return err
	}
	if show := c.QueryParam("doc"); show != "" {
		for _, doc := range d.Docs {
			if doc.ID == show {
				d.Show = doc
			}
		}
	}
	v := f.newView(c, "documents.title", d)
	if formErr != nil {
		fieldErrors(v, formErr)
	}
	t, err := f.cfg.Documents.Engine.Template(d.Template, d.DocLang)
	if err == nil {
		d.Title = t.Title
		pre, err := f.cfg.Documents.Prefill(ctx, a, id, d.Template, d.DocLang)
		if err != nil {
			return err
		}
		for _, fl := range t.Fields {
			label := fl.LabelZH
			if lang == "en" {
				label = fl.LabelEN
			}
			val := pre[fl.Name]
			if d.Show != nil && d.Show.Template == d.Template && d.Show.Lang == d.DocLang && d.Show.Fields[fl.Name] != "" &&
				!asOfToday(fl) {
				// Start the next document from the values of the one shown.
				val = d.Show.Fields[fl.Name]
			}
			if sent != nil {
				val = sent.Get("field." + fl.Name)
			} else if q := c.QueryParam("field." + fl.Name); q != "" {
				// A link may pre-fill a field, e.g. a defaulted plan's
				// remaining balance (recovery's payment_order_prefill).
				val = q
			}
			d.Fields = append(d.Fields, docField{Name: fl.Name, Label: label, Type: inputType(fl.Type), Value: val,
				Err: v.Errors[fl.Name], Required: fl.Required, FromCase: strings.HasPrefix(fl.Source, "case.")})
		}
		if d.Template == "payment_order_application" {
			d.Readiness, _ = f.cfg.Documents.Readiness(ctx, a, id, d.Template)
			d.Readiness = v.M.readinessIn(d.Readiness)
		}
	} else if dossier.ErrorCode(err) != dossier.ENOTFOUND && dossier.ErrorCode(err) != dossier.EINVALID {
		return err
	}
	dossier.Note(ctx, id, "case", id)
	v.Title = cs.Number + " · " + v.M.T("documents.title")
	return f.render(c, status, "documents", v)
}

// documentCreate sends only the values the user changed from the
// pre-filled ones: the document service fills the rest itself, so the case
// stays the one source.
func (f *Front) documentCreate(c echo.Context) error {
	a, err := needActor(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	id := c.Param("case_id")
	if _, err := f.cfg.Cases.Get(ctx, a, id); err != nil {
		return err
	}
	form, _ := c.FormParams()
	req := document.Request{Template: form.Get("template"), Lang: form.Get("lang"), Fields: map[string]string{}}
	if t, terr := f.cfg.Documents.Engine.Template(req.Template, req.Lang); terr == nil {
		pre, err := f.cfg.Documents.Prefill(ctx, a, id, req.Template, req.Lang)
		if err != nil {
			return err
		}
		for _, fl := range t.Fields {
			v := strings.TrimSpace(form.Get("field." + fl.Name))
			if v != "" && v != pre[fl.Name] {
				req.Fields[fl.Name] = v
			}
		}
	}
	doc, err := f.cfg.Documents.Generate(ctx, a, id, req)
	if err != nil {
		if dossier.ErrorCode(err) == dossier.EINVALID {
			return f.documentsWith(c, statusOf(err), err, form)
		}
		return err
	}
	q := url.Values{"template": {doc.Template}, "lang": {doc.Lang}, "doc": {doc.ID}, "ok": {"document"}}
	return f.redirect(c, "/cases/"+id+"/documents?"+q.Encode()+"#preview")
}

// asOfToday reports whether a field's value is the case's position today:
// its amounts, which the pre-fill takes from the ledger after payments
// (document.Service.Prefill), the date they are computed to, and the days
// overdue. A new document started from one shown takes these afresh, never
// from the old document, so it cannot state what was owed before a payment
// while saying the payment was applied.
func asOfToday(fl document.Field) bool {
	return fl.Type == "money" || fl.Source == "now" || fl.Source == "case.days_overdue"
}

func inputType(t string) string {
	switch t {
	case "date":
		return "date"
	case "int":
		return "number"
	}
	return "text"
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
