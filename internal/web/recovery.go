package web

import (
	"bytes"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/policy"
	"github.com/dossier/dossier/internal/recovery"
)

// Forms of the case page whose errors are shown by field; the IDs of their
// inputs carry the form's name so that two forms with the same field
// (evidence_id) never share an ID or an error.
const (
	formPayment = "pay"
	formPlan    = "plan"
)

// recoverySection is the payments ledger, the installment plans and what
// their forms offer to pick from.
type recoverySection struct {
	Payments   []*dossier.Payment
	Net        dossier.Money
	Plans      []*recovery.PlanView
	Methods    []string
	Agreements []*dossier.Document // generated installment agreements
	Evidence   []*dossier.Evidence
	PayForm    url.Values
	PlanForm   url.Values
	Today      string
	DocLang    string
}

// recoveryFor loads the case page's recovery section; nil when the service
// is not wired.
func (f *Front) recoveryFor(c echo.Context, a *dossier.Actor, caseID string, ev *evidenceSection) (*recoverySection, error) {
	if f.cfg.Recovery == nil {
		return nil, nil
	}
	ctx := c.Request().Context()
	r := &recoverySection{Methods: dossier.PaymentMethods, PayForm: url.Values{}, PlanForm: url.Values{},
		Today: time.Now().In(f.location()).Format("2006-01-02"), DocLang: langOf(c)}
	var err error
	if r.Payments, err = f.cfg.Recovery.Payments(ctx, a, caseID); err != nil {
		return nil, err
	}
	for _, p := range r.Payments {
		r.Net += p.Amount
	}
	if r.Plans, err = f.cfg.Recovery.Plans(ctx, a, caseID); err != nil {
		return nil, err
	}
	if ev != nil {
		r.Evidence = ev.Items
	}
	if f.cfg.Documents != nil && policy.Can(a, policy.DocumentRead, caseID) == nil {
		docs, err := f.cfg.Documents.List(ctx, a, caseID)
		if err != nil {
			return nil, err
		}
		for _, d := range docs {
			if d.Template == "installment_agreement" {
				r.Agreements = append(r.Agreements, d)
			}
		}
	}
	return r, nil
}

// paymentCreate records a payment from the case page's form.
func (f *Front) paymentCreate(c echo.Context) error {
	a, err := needActor(c)
	if err != nil {
		return err
	}
	id := c.Param("case_id")
	// Refuse a caller who may not write before reporting the shape of the
	// form, so the answer is the policy's whatever was typed.
	if err := policy.Can(a, policy.RecoveryWrite, id); err != nil {
		return err
	}
	form, _ := c.FormParams()
	var fe dossier.Fields
	p := &dossier.Payment{Method: form.Get("method"), Reference: form.Get("reference"),
		EvidenceID: form.Get("evidence_id")}
	switch s := form.Get("paid_at"); {
	case s == "":
		fe.Add("paid_at", "is required")
	default:
		d, perr := dossier.ParseDate(s)
		if perr != nil {
			fe.Add("paid_at", "must be a date YYYY-MM-DD")
		}
		p.PaidAt = d.Start(f.location())
	}
	switch s := strings.TrimSpace(form.Get("amount")); {
	case s == "":
		fe.Add("amount", "is required")
	default:
		m, perr := dossier.ParseMoney(s)
		switch {
		case perr != nil:
			fe.Add("amount", "must be an amount such as 5000.00")
		case m < 0:
			// The service wants a negative entry to name the payment it
			// reverses and a reason, fields this form has not: its
			// errors marked nothing on the page.
			fe.Add("amount", "must be greater than zero; to undo a payment use Reverse in its row")
		}
		p.Amount = m
	}
	err = fe.Err()
	if err == nil {
		_, err = f.cfg.Recovery.AddPayment(c.Request().Context(), a, id, p)
	}
	if err != nil {
		if dossier.ErrorCode(err) == dossier.EINVALID {
			return f.caseShowWith(c, statusOf(err), err, caseForms{which: formPayment, values: form})
		}
		return err
	}
	return f.redirect(c, "/cases/"+id+"?ok=payment#payments")
}

// paymentReverse appends the reversing entry of a payment: the row's form
// carries the payment's ID and amount, the service checks both.
func (f *Front) paymentReverse(c echo.Context) error {
	a, err := needActor(c)
	if err != nil {
		return err
	}
	id := c.Param("case_id")
	if err := policy.Can(a, policy.RecoveryWrite, id); err != nil {
		return err
	}
	form, _ := c.FormParams()
	rev := form.Get("reverses")
	p := &dossier.Payment{PaidAt: time.Now(), Reverses: rev, Reason: form.Get("reason"), Method: form.Get("method")}
	amount, perr := dossier.ParseMoney(strings.TrimSpace(form.Get("amount")))
	if perr == nil {
		p.Amount = -amount
	}
	_, err = f.cfg.Recovery.AddPayment(c.Request().Context(), a, id, p)
	if err != nil {
		if dossier.ErrorCode(err) == dossier.EINVALID {
			return f.caseShowWith(c, statusOf(err), err, caseForms{which: "rev-" + rev, values: form})
		}
		return err
	}
	return f.redirect(c, "/cases/"+id+"?ok=reversed#payments")
}

// planCreate stores an installment plan; totals and dates left empty are
// taken by the service from the chosen agreement document.
func (f *Front) planCreate(c echo.Context) error {
	a, err := needActor(c)
	if err != nil {
		return err
	}
	id := c.Param("case_id")
	if err := policy.Can(a, policy.RecoveryWrite, id); err != nil {
		return err
	}
	form, _ := c.FormParams()
	var fe dossier.Fields
	in := &recovery.PlanInput{DocumentID: form.Get("document_id"), EvidenceID: form.Get("evidence_id")}
	if s := strings.TrimSpace(form.Get("total")); s != "" {
		if m, perr := dossier.ParseMoney(s); perr != nil {
			fe.Add("total", "must be an amount such as 120000.00")
		} else {
			in.Total = &m
		}
	}
	if s := strings.TrimSpace(form.Get("installments")); s != "" {
		if n, perr := strconv.Atoi(s); errors.Is(perr, strconv.ErrRange) {
			fe.Add("installments", "must be a whole number from %d to %d", 1, recovery.MaxInstallments)
		} else if perr != nil {
			fe.Add("installments", "must be a whole number")
		} else {
			in.Installments = &n
		}
	}
	for name, dst := range map[string]*dossier.Date{"first_due_date": &in.FirstDueDate, "agreed_on": &in.AgreedOn} {
		if s := form.Get(name); s != "" {
			d, perr := dossier.ParseDate(s)
			if perr != nil {
				fe.Add(name, "must be a date YYYY-MM-DD")
			}
			*dst = d
		}
	}
	err = fe.Err()
	if err == nil {
		_, err = f.cfg.Recovery.AddPlan(c.Request().Context(), a, id, in)
	}
	if err != nil {
		if dossier.ErrorCode(err) == dossier.EINVALID {
			return f.caseShowWith(c, statusOf(err), err, caseForms{which: formPlan, values: form})
		}
		return err
	}
	return f.redirect(c, "/cases/"+id+"?ok=plan#plans")
}

// paymentOrderLink is the documents page with the payment-order application
// chosen and the plan's pre-fill (the remaining balance) in its fields.
func paymentOrderLink(caseID, lang string, p *recovery.Prefill) string {
	if p == nil {
		return ""
	}
	q := url.Values{"template": {p.Template}, "lang": {lang}}
	for k, v := range p.Fields {
		q.Set("field."+k, v)
	}
	return "/cases/" + caseID + "/documents?" + q.Encode() + "#document-form"
}

type dashboardData struct {
	D *recovery.Dashboard
}

// dashboardPage shows the recovery overview of the cases the caller sees.
func (f *Front) dashboardPage(c echo.Context) error {
	a, err := needActor(c)
	if err != nil {
		return err
	}
	d, err := f.cfg.Recovery.Dashboard(c.Request().Context(), a)
	if err != nil {
		return err
	}
	return f.render(c, http.StatusOK, "dashboard", f.newView(c, "dashboard.title", &dashboardData{D: d}))
}

// dashboardExport serves the service's CSV layout of the same overview.
func (f *Front) dashboardExport(c echo.Context) error {
	a, err := needActor(c)
	if err != nil {
		return err
	}
	d, err := f.cfg.Recovery.Dashboard(c.Request().Context(), a)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := recovery.WriteCSV(&buf, d); err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="dashboard-`+d.AsOf.String()+`.csv"`)
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}
