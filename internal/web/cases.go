package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/dossier/dossier/internal/casefile"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/policy"
	"github.com/dossier/dossier/internal/recovery"
)

type caseListData struct {
	Items                 []*dossier.Case
	Total                 int
	Next                  string
	Bucket, Stage, Q      string
	Within                string // limitation_within: days, or "" for any
	WithinChoices         []string
	Buckets               []dossier.Bucket
	Stages                []dossier.Stage
	CanCreate             bool
	PrevCursor, ThisQuery string
}

func (f *Front) caseList(c echo.Context) error {
	a, err := needActor(c)
	if err != nil {
		return err
	}
	d := &caseListData{Bucket: c.QueryParam("bucket"), Stage: c.QueryParam("stage"), Q: c.QueryParam("q"),
		Buckets: dossier.Buckets, Stages: dossier.Stages, CanCreate: policy.Can(a, policy.CaseCreate, "") == nil}
	filter := casefile.Filter{Bucket: d.Bucket, Stage: d.Stage, Q: d.Q,
		Page: dossier.Page{Limit: 50, Cursor: c.QueryParam("cursor")}}
	if f.cfg.Recovery == nil {
		d.Items, d.Total, d.Next, err = f.cfg.Cases.List(c.Request().Context(), a, filter)
	} else {
		d.WithinChoices = []string{"30", "90", "180"}
		d.Within = c.QueryParam("limitation_within")
		if d.Within == "" {
			d.Items, d.Total, d.Next, err = f.cfg.Cases.List(c.Request().Context(), a, filter)
		} else {
			// The deadline depends on records the case list does not hold;
			// the recovery service selects the cases and keeps the paging.
			days, perr := strconv.Atoi(d.Within)
			if perr != nil {
				days = -1 // out of range: the service names the field
			}
			d.Items, d.Total, d.Next, err = f.cfg.Recovery.NearDeadline(c.Request().Context(), a, filter, days)
		}
	}
	if err != nil {
		if !typedOnly(err, "q") {
			return err
		}
		// The search box is the one field a user types: an over-long
		// text is its error on the list's own form, the other filters
		// kept (a refused bookmark's bucket or cursor has no field to
		// mark and gets the error page).
		v := f.newView(c, "cases.title", d)
		fieldErrors(v, err)
		return f.render(c, statusOf(err), "cases", v)
	}
	return f.render(c, http.StatusOK, "cases", f.newView(c, "cases.title", d))
}

// typedOnly reports whether err is a field error naming only the given
// fields.
func typedOnly(err error, names ...string) bool {
	fs := dossier.ErrorFields(err)
	if dossier.ErrorCode(err) != dossier.EINVALID || len(fs) == 0 {
		return false
	}
	for _, fe := range fs {
		if !slices.Contains(names, fe.Field) {
			return false
		}
	}
	return true
}

type caseFormData struct {
	Case   *dossier.Case
	Form   url.Values
	Stages []dossier.Stage
}

func (f *Front) caseNew(c echo.Context) error {
	a, err := needActor(c)
	if err != nil {
		return err
	}
	if err := policy.Can(a, policy.CaseCreate, ""); err != nil {
		return err
	}
	return f.render(c, http.StatusOK, "case_new", f.newView(c, "case.new", &caseFormData{Form: url.Values{}, Stages: dossier.Stages}))
}

func (f *Front) caseCreate(c echo.Context) error {
	a, err := needActor(c)
	if err != nil {
		return err
	}
	// The same refusal as the form's page, before the form is read: a
	// caller who may not create cases learns nothing from field errors.
	if err := policy.Can(a, policy.CaseCreate, ""); err != nil {
		return err
	}
	form, _ := c.FormParams()
	in, perr := parseCaseForm(form)
	out := perr
	var created *dossier.Case
	if perr == nil {
		created, out = f.cfg.Cases.Create(c.Request().Context(), a, in)
	}
	if out != nil {
		code := dossier.ErrorCode(out)
		if code != dossier.EINVALID && code != dossier.ECONFLICT {
			return out
		}
		v := f.newView(c, "case.new", &caseFormData{Form: form, Stages: dossier.Stages})
		fieldErrors(v, out)
		if code == dossier.ECONFLICT {
			v.Errors["number"] = v.M.T("case.number_taken")
		}
		return f.render(c, statusOf(out), "case_new", v)
	}
	return f.redirect(c, "/cases/"+created.ID+"?ok=created")
}

// parseCaseForm turns the form into a case; values that are not even the
// right shape (an amount, a date) are reported by field like the domain's
// own validation, which runs next.
func parseCaseForm(form url.Values) (*dossier.Case, error) {
	var fe dossier.Fields
	party := func(p string) dossier.Party {
		return dossier.Party{Name: form.Get(p + ".name"), Kind: dossier.PartyKind(form.Get(p + ".kind")),
			IDNumber: strings.TrimSpace(form.Get(p + ".id_number")), Address: form.Get(p + ".address"),
			Representative: form.Get(p + ".representative"), Phone: strings.TrimSpace(form.Get(p + ".phone"))}
	}
	money := func(name string, required bool) dossier.Money {
		s := strings.TrimSpace(form.Get(name))
		if s == "" {
			if required {
				fe.Add(name, "is required")
			}
			return 0
		}
		m, err := dossier.ParseMoney(s)
		if err != nil {
			fe.Add(name, "must be an amount such as 128000.50")
		}
		return m
	}
	c := &dossier.Case{Number: form.Get("number"), Title: form.Get("title"), Creditor: party("creditor"),
		Debtor: party("debtor"), Principal: money("principal", true), Interest: money("interest", false),
		Currency: strings.ToUpper(strings.TrimSpace(form.Get("currency"))), ContractNo: form.Get("contract_no"),
		Stage: dossier.Stage(form.Get("stage"))}
	if s := form.Get("due_date"); s != "" {
		d, err := dossier.ParseDate(s)
		if err != nil {
			fe.Add("due_date", "must be a date YYYY-MM-DD")
		}
		c.DueDate = d
	}
	if err := fe.Err(); err != nil {
		// Merge with the domain's checks so every bad field shows at once.
		if verr := c.Validate(); verr != nil {
			seen := map[string]bool{}
			for _, e := range fe {
				seen[e.Field] = true
			}
			for _, e := range dossier.ErrorFields(verr) {
				if !seen[e.Field] {
					fe = append(fe, e)
				}
			}
		}
		return nil, fe.Err()
	}
	return c, nil
}

type caseData struct {
	Case       *dossier.Case
	Comms      []*dossier.Communication
	Stages     []dossier.Stage
	Channels   []dossier.Channel
	CanUpdate  bool
	CanWrite   bool // communications, evidence, documents
	CommForm   url.Values
	Evidence   *evidenceSection
	Documents  bool
	Bundles    bool
	CanGrant   bool // outside-firm access (admin, counsel)
	Now        string
	Limitation *recovery.Limitation
	Recovery   *recoverySection
	// Cited are the live evidence items by ID, for the evidence each
	// communication cites; CommBasis is each communication's row of the
	// limitation basis (what the recovery service made of it), if any.
	Cited     map[string]*dossier.Evidence
	CommBasis map[string]*recovery.Basis
	// Interruptions are the limitation values a communication may carry.
	Interruptions []string
}

// caseForms names the form of the case page that was sent back with errors
// and the values it carried.
type caseForms struct {
	which  string // "comm", formPayment, formPlan, "rev-<payment ID>", or "" (stage)
	values url.Values
}

// Interruptions are the values of the communication form's limitation
// field (empty: the contact does not interrupt the period).
var Interruptions = []string{dossier.InterruptionDemand, dossier.InterruptionAcknowledgment}

func (f *Front) caseShow(c echo.Context) error {
	return f.caseShowWith(c, http.StatusOK, nil, caseForms{})
}

// caseShowWith renders the case page, optionally with the communication
// form's errors.
func (f *Front) caseShowWith(c echo.Context, status int, formErr error, forms caseForms) error {
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
	commForm := url.Values{}
	if forms.which == "comm" {
		commForm = forms.values
	}
	d := &caseData{Case: cs, Stages: dossier.Stages, Channels: dossier.Channels, CommForm: commForm, Interruptions: Interruptions,
		CanUpdate: policy.Can(a, policy.CaseUpdate, id) == nil,
		CanWrite:  policy.Can(a, policy.RecoveryWrite, id) == nil,
		Now:       time.Now().In(f.location()).Format("2006-01-02T15:04")}
	if d.Comms, err = f.cfg.Cases.Communications(ctx, a, id); err != nil {
		return err
	}
	if d.Evidence, err = f.evidenceFor(c, a, id); err != nil {
		return err
	}
	d.Cited = map[string]*dossier.Evidence{}
	if d.Evidence != nil {
		for _, x := range d.Evidence.Items {
			d.Cited[x.ID] = x
		}
	}
	d.Documents = f.cfg.Documents != nil && policy.Can(a, policy.DocumentRead, id) == nil
	d.Bundles = f.cfg.Bundles != nil && policy.Can(a, policy.BundleRead, id) == nil
	d.CanGrant = policy.Can(a, policy.CaseGrant, id) == nil
	if d.Recovery, err = f.recoveryFor(c, a, id, d.Evidence); err != nil {
		return err
	}
	if d.Recovery != nil {
		switch {
		case forms.which == formPayment:
			d.Recovery.PayForm = forms.values
		case forms.which == formPlan:
			d.Recovery.PlanForm = forms.values
		}
	}
	if f.cfg.Recovery != nil {
		// The deadline is advice on the page; a failure to compute it must
		// not hide the case.
		if lim, err := f.cfg.Recovery.Limitation(ctx, a, id); err == nil {
			d.Limitation = lim
			d.CommBasis = map[string]*recovery.Basis{}
			for i := range lim.Basis {
				if b := &lim.Basis[i]; b.CommunicationID != "" {
					d.CommBasis[b.CommunicationID] = b
				}
			}
		} else {
			f.cfg.Log.Warn("limitation", "case", id, "err", err)
		}
	}
	// Reading the case above noted it; keep the page's own action name.
	dossier.Note(ctx, id, "case", id)
	v := f.newView(c, "case.title", d)
	v.Title = cs.Number
	if formErr != nil {
		fieldErrors(v, formErr)
		v.ErrForm = forms.which
	}
	return f.render(c, status, "case", v)
}

func (f *Front) location() *time.Location {
	if f.cfg.Cases == nil {
		return time.Local
	}
	if cp := f.cfg.Cases.Compliance; cp != nil && cp.Location != nil {
		return cp.Location
	}
	return time.Local
}

func (f *Front) caseStage(c echo.Context) error {
	a, err := needActor(c)
	if err != nil {
		return err
	}
	st := dossier.Stage(c.FormValue("stage"))
	id := c.Param("case_id")
	if _, err := f.cfg.Cases.Update(c.Request().Context(), a, id, &dossier.CasePatch{Stage: &st}); err != nil {
		if dossier.ErrorCode(err) == dossier.EINVALID {
			return f.caseShowWith(c, statusOf(err), err, caseForms{})
		}
		return err
	}
	return f.redirect(c, "/cases/"+id+"?ok=stage")
}

func (f *Front) commCreate(c echo.Context) error {
	a, err := needActor(c)
	if err != nil {
		return err
	}
	id := c.Param("case_id")
	// The policy's answer before the form's shape, as for payments and
	// plans: a reader gets 403, not field errors on a form it cannot use.
	if err := policy.Can(a, policy.RecoveryWrite, id); err != nil {
		return err
	}
	form, _ := c.FormParams()
	m := &dossier.Communication{Channel: dossier.Channel(form.Get("channel")), Summary: form.Get("summary"),
		Outcome: form.Get("outcome"), Interruption: form.Get("interruption")}
	// The evidence cited, one checkbox each, kept in the order sent as the
	// API keeps its array; the service refuses an ID not of this case.
	for _, eid := range form["evidence_ids"] {
		if eid = strings.TrimSpace(eid); eid != "" {
			m.EvidenceIDs = append(m.EvidenceIDs, eid)
		}
	}
	var fe dossier.Fields
	if s := form.Get("occurred_at"); s != "" {
		t, perr := time.ParseInLocation("2006-01-02T15:04", s, f.location())
		if perr != nil {
			fe.Add("occurred_at", "must be a date and time")
		}
		m.OccurredAt = t
	}
	if s := strings.TrimSpace(form.Get("promise_amount")); s != "" {
		if p, perr := dossier.ParseMoney(s); perr != nil {
			fe.Add("promise_amount", "must be an amount such as 5000.00")
		} else {
			m.PromiseAmount = &p
		}
	}
	if s := form.Get("promise_date"); s != "" {
		if d, perr := dossier.ParseDate(s); perr != nil {
			fe.Add("promise_date", "must be a date YYYY-MM-DD")
		} else {
			m.PromiseDate = &d
		}
	}
	err = fe.Err()
	if err == nil {
		_, err = f.cfg.Cases.AddCommunication(c.Request().Context(), a, id, m)
	}
	if err != nil {
		if dossier.ErrorCode(err) == dossier.EINVALID {
			return f.caseShowWith(c, statusOf(err), err, caseForms{which: "comm", values: form})
		}
		return err
	}
	return f.redirect(c, "/cases/"+id+"?ok=communication#communications")
}
