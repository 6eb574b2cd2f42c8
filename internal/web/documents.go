package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

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
		for _, fl := range t.Fields {
			label := fl.LabelZH
			if lang == "en" {
				label = fl.LabelEN
			}
			val := prefill(fl.Source, cs, f.location())
			if sent != nil {
				val = sent.Get("field." + fl.Name)
			}
			d.Fields = append(d.Fields, docField{Name: fl.Name, Label: label, Type: inputType(fl.Type), Value: val,
				Err: v.Errors[fl.Name], Required: fl.Required, FromCase: strings.HasPrefix(fl.Source, "case.")})
		}
		if d.Template == "payment_order_application" {
			d.Readiness, _ = f.cfg.Documents.Readiness(ctx, a, id, d.Template)
		}
	} else if dossier.ErrorCode(err) != dossier.ENOTFOUND && dossier.ErrorCode(err) != dossier.EINVALID {
		return err
	}
	dossier.Note(ctx, id, "case", id)
	v.Title = cs.Number + " · " + v.M.T("documents.title")
	return f.render(c, status, "documents", v)
}

// documentCreate sends only the values the user changed from the case's:
// the document service fills the rest from the case itself, so the case
// stays the one source.
func (f *Front) documentCreate(c echo.Context) error {
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
	form, _ := c.FormParams()
	req := document.Request{Template: form.Get("template"), Lang: form.Get("lang"), Fields: map[string]string{}}
	if t, terr := f.cfg.Documents.Engine.Template(req.Template, req.Lang); terr == nil {
		for _, fl := range t.Fields {
			v := strings.TrimSpace(form.Get("field." + fl.Name))
			if v != "" && v != prefill(fl.Source, cs, f.location()) {
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
	return c.Redirect(http.StatusSeeOther, "/cases/"+id+"/documents?"+q.Encode()+"#preview")
}

// prefill shows what the document service will take from the case when a
// field is left as it is; it is display only, the service resolves again.
func prefill(source string, c *dossier.Case, loc *time.Location) string {
	money := func(m dossier.Money) string {
		if m <= 0 {
			return ""
		}
		return m.String()
	}
	party := func(p dossier.Party, k string) string {
		switch k {
		case "name":
			return p.Name
		case "id_number":
			return p.IDNumber
		case "address":
			return p.Address
		case "representative":
			return p.Representative
		case "phone":
			return p.Phone
		}
		return ""
	}
	switch {
	case source == "now":
		return time.Now().In(loc).Format("2006-01-02")
	case strings.HasPrefix(source, "="):
		return strings.TrimPrefix(source, "=")
	case strings.HasPrefix(source, "case.creditor."):
		return party(c.Creditor, strings.TrimPrefix(source, "case.creditor."))
	case strings.HasPrefix(source, "case.debtor."):
		return party(c.Debtor, strings.TrimPrefix(source, "case.debtor."))
	}
	switch strings.TrimPrefix(source, "case.") {
	case "number":
		return c.Number
	case "title":
		return c.Title
	case "principal":
		return money(c.Principal)
	case "interest":
		return money(c.Interest)
	case "total":
		return money(c.Total())
	case "currency":
		return c.Currency
	case "contract_no":
		return c.ContractNo
	case "due_date":
		if c.DueDate.IsZero() {
			return ""
		}
		return c.DueDate.String()
	case "days_overdue":
		return strconv.Itoa(c.DaysOverdue)
	}
	return ""
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
