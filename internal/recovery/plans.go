package recovery

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/dossier/dossier/internal/document"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/policy"
)

// MaxInstallments bounds a plan: ten years of monthly installments.
const MaxInstallments = 120

// Installment statuses.
const (
	StatusDue    = "due"    // not yet due, or due today
	StatusPaid   = "paid"   // paid in full by its due date
	StatusLate   = "late"   // past due within the grace period, or paid in full within it
	StatusMissed = "missed" // not paid in full by the end of the grace period
)

// PlanInput is the body of a new plan. Total, Installments and FirstDueDate
// may be left out when DocumentID names a generated installment agreement:
// they are then read from the document's fields.
type PlanInput struct {
	Total        *dossier.Money `json:"total"`
	Installments *int           `json:"installments"`
	FirstDueDate dossier.Date   `json:"first_due_date"`
	AgreedOn     dossier.Date   `json:"agreed_on"`
	DocumentID   string         `json:"document_id"`
	EvidenceID   string         `json:"evidence_id"`
}

// InstallmentStatus is one schedule row with its live status.
type InstallmentStatus struct {
	N       int           `json:"n"`
	DueDate dossier.Date  `json:"due_date"`
	Amount  dossier.Money `json:"amount"`
	Paid    dossier.Money `json:"paid"`
	PaidOn  dossier.Date  `json:"paid_on"` // the day it was paid in full; null until then
	Status  string        `json:"status"`
}

// Breach is a missed installment, for the payment-order application.
type Breach struct {
	N         int           `json:"n"`
	DueDate   dossier.Date  `json:"due_date"`
	Amount    dossier.Money `json:"amount"`
	Paid      dossier.Money `json:"paid"`
	Shortfall dossier.Money `json:"shortfall"`
}

// Prefill is what a payment-order application (支付令申请书) needs once a
// plan is accelerated: the whole remaining balance, the agreement and the
// breach. Fields are the application's claim_amount, principal and interest,
// which add up exactly: see PlanStatuses.
type Prefill struct {
	Template            string            `json:"template"`
	Amount              dossier.Money     `json:"amount"`
	AgreementDocumentID string            `json:"agreement_document_id"`
	AgreementEvidenceID string            `json:"agreement_evidence_id"`
	Breach              []Breach          `json:"breach"`
	PaymentEvidenceIDs  []string          `json:"payment_evidence_ids"`
	Fields              map[string]string `json:"fields"`
}

// PlanView is a plan with its live status on a given day.
type PlanView struct {
	*dossier.InstallmentPlan
	Schedule    []InstallmentStatus `json:"schedule"`
	Paid        dossier.Money       `json:"paid"`
	Remaining   dossier.Money       `json:"remaining"`
	Overpaid    dossier.Money       `json:"overpaid"` // paid beyond the plan total, carried forward to nothing
	AmountDue   dossier.Money       `json:"amount_due"`
	Defaulted   bool                `json:"defaulted"`
	DefaultedOn dossier.Date        `json:"defaulted_on"`
	Accelerated bool                `json:"accelerated"`
	// AcceleratedOn is the day the whole balance fell due; null until then.
	AcceleratedOn dossier.Date `json:"accelerated_on"`
	// Demand is the written demand that accelerated the plan.
	Demand *Basis `json:"demand,omitempty"`
	// Note says, for a plan in default not accelerated, what acceleration
	// still needs.
	Note string `json:"note,omitempty"`
	// NoteParts is Note by code and parameters (see NotePart).
	NoteParts []NotePart `json:"note_parts,omitempty"`
	Prefill   *Prefill   `json:"payment_order_prefill,omitempty"`
}

// PlanRules are the settings that rate a plan.
type PlanRules struct {
	// GraceDays is how long after its due date an unpaid installment is late
	// rather than missed (DOSSIER_PLAN_GRACE_DAYS).
	GraceDays int
	// DemandDays is the time a written demand gives the debtor, counted from
	// the day after it was served, before the whole balance falls due
	// (DOSSIER_DEMAND_DAYS; Civil Code art. 634's 合理期限).
	DemandDays int
}

// PlanStatuses rates every plan of r on day today.
//
// Payments are matched to the plan agreed most recently before them
// (planPayments) and applied oldest first to the earliest installment not
// yet paid in full; what exceeds an installment carries forward to the next.
// An installment paid in full by its due date is paid; paid in full, or still
// open, within rules.GraceDays after it is late; otherwise missed.
//
// One missed installment defaults the plan, and a default stays on record
// even if the debtor later catches up. Default alone does not make the rest
// due: the agreement Dossier generates accelerates only "经甲方书面催告，乙方
// 自收到催告之日起N日内仍未支付的" (after a written demand, still unpaid N
// days after receipt; Civil Code art. 634, the model, gives the debtor a
// reasonable time, 合理期限, after the demand), N being the demand_days the
// plan's agreement states (agreedRules), or else rules.DemandDays, the
// setting (DOSSIER_DEMAND_DAYS) the document service prints it from. So
// the plan is accelerated, and the whole remaining balance due, once a
// written demand (writtenDemands) made on or after the default day has been
// served (Basis.ServedOn: a notice takes effect when it arrives, art. 137)
// and rules.DemandDays more days have passed with an installment missed
// when it was made still not paid in full: from the day after the last day
// to pay. A longer period in a signed agreement or in the demand itself is
// for counsel to wait out. Until then only the installments fallen due are
// owed (amount_due).
//
// An accelerated plan with a balance offers a payment-order pre-fill for the
// whole of it, split into principal and interest as the ledger applies
// payments (dossier.CaseBalance, Civil Code art. 561: costs, which Dossier
// does not model, then interest, then principal); see claimFields. A plan
// not accelerated offers none: a court orders only a debt that is due, and
// Dossier's application states the debt as a whole (what was paid, what is
// still owed), which would misstate it for a claim of only the installments
// fallen due. Such a claim is counsel's to draft from amount_due.
func PlanStatuses(r *dossier.CaseRecords, today dossier.Date, rules PlanRules, loc *time.Location) []*PlanView {
	if loc == nil {
		loc = time.UTC
	}
	out := make([]*PlanView, 0, len(r.Plans))
	if len(r.Plans) == 0 {
		return out
	}
	split := planPayments(r.Plans, r.Payments, loc)
	demands := writtenDemands(r, loc)
	owed := dossier.CaseBalance(r.Case, r.Payments)
	for _, p := range r.Plans {
		out = append(out, planStatus(p, split[p.ID], demands, owed, today, agreedRules(p, r.Agreements, rules), loc))
	}
	return out
}

// agreedRules are rules with the demand period p's agreement states: the
// debtor signed that many days (the document keeps demand_days as printed),
// and a DOSSIER_DEMAND_DAYS changed since must not rate the plan on
// another. A plan without an agreement, or one drawn up before agreements
// stated the period, takes the setting.
func agreedRules(p *dossier.InstallmentPlan, agreements []*dossier.Document, rules PlanRules) PlanRules {
	if p.DocumentID == "" {
		return rules
	}
	for _, d := range agreements {
		if d.ID != p.DocumentID {
			continue
		}
		if n, err := strconv.Atoi(d.Fields["demand_days"]); err == nil && n >= 0 {
			rules.DemandDays = n
		}
		break
	}
	return rules
}

// planStatus rates p with its payments; see PlanStatuses.
func planStatus(p *dossier.InstallmentPlan, payments []*dossier.Payment, demands []Basis, owed dossier.Balance,
	today dossier.Date, rules PlanRules, loc *time.Location) *PlanView {
	v := &PlanView{InstallmentPlan: p, Schedule: make([]InstallmentStatus, len(p.Schedule))}
	for i, s := range p.Schedule {
		v.Schedule[i] = InstallmentStatus{N: s.N, DueDate: s.DueDate, Amount: s.Amount}
	}
	ps := append([]*dossier.Payment(nil), payments...)
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].PaidAt.Before(ps[j].PaidAt) })
	var evidence []string
	i := 0
	for _, pay := range ps {
		if pay.Amount <= 0 || pay.ReversedBy != "" {
			continue
		}
		if pay.EvidenceID != "" {
			evidence = append(evidence, pay.EvidenceID)
		}
		on, amt := dossier.DateOf(pay.PaidAt.In(loc)), pay.Amount
		for amt > 0 && i < len(v.Schedule) {
			row := &v.Schedule[i]
			take := min(row.Amount-row.Paid, amt)
			row.Paid += take
			amt -= take
			if row.Paid == row.Amount {
				row.PaidOn = on
				i++
			}
		}
		v.Overpaid += amt
	}
	var breach []Breach
	for i := range v.Schedule {
		row := &v.Schedule[i]
		v.Paid += row.Paid
		lastGrace := row.DueDate.AddDays(rules.GraceDays)
		settled := row.PaidOn
		if settled.IsZero() {
			settled = today
		}
		switch {
		case !settled.After(row.DueDate.Time):
			row.Status = StatusDue
			if !row.PaidOn.IsZero() {
				row.Status = StatusPaid
			}
		case !settled.After(lastGrace.Time):
			row.Status = StatusLate
		default:
			row.Status = StatusMissed
			if !v.Defaulted {
				v.Defaulted, v.DefaultedOn = true, lastGrace.AddDays(1)
			}
			breach = append(breach, Breach{N: row.N, DueDate: row.DueDate, Amount: row.Amount, Paid: row.Paid,
				Shortfall: row.Amount - row.Paid})
		}
		if row.PaidOn.IsZero() && !row.DueDate.After(today.Time) {
			v.AmountDue += row.Amount - row.Paid
		}
	}
	v.Remaining = p.Total - v.Paid
	if v.Defaulted && v.Remaining > 0 {
		v.accelerate(demands, today, rules)
	}
	if v.Accelerated {
		v.AmountDue = v.Remaining
	}
	if v.Accelerated && v.Remaining > 0 {
		if evidence == nil {
			evidence = []string{}
		}
		v.Prefill = &Prefill{Template: "payment_order_application", Amount: v.Remaining,
			AgreementDocumentID: p.DocumentID, AgreementEvidenceID: p.EvidenceID, Breach: breach,
			PaymentEvidenceIDs: evidence, Fields: claimFields(v.Remaining, owed)}
	}
	return v
}

// accelerate finds the written demand that made v's whole balance due; see
// PlanStatuses. It leaves a note when there is none yet.
func (v *PlanView) accelerate(demands []Basis, today dossier.Date, rules PlanRules) {
	for _, dm := range demands {
		if dm.Date.Before(v.DefaultedOn.Time) {
			continue // made before the default: nothing was yet to be demanded
		}
		// The last day the debtor may pay what was demanded: the demand
		// period counts from the day after service (art. 201), so with none
		// it is the day of service itself.
		last := dm.ServedOn.AddDays(rules.DemandDays)
		unpaid := false
		for _, row := range v.Schedule {
			missed := row.DueDate.AddDays(rules.GraceDays).Before(dm.Date.Time)
			unpaid = unpaid || (missed && (row.PaidOn.IsZero() || row.PaidOn.After(last.Time)))
		}
		if !unpaid {
			continue // the debtor paid what was missed in time
		}
		on := last.AddDays(1)
		if on.After(today.Time) {
			v.note(NotePlanDemandPending, "demand_date", dm.Date.String(), "served_on", dm.ServedOn.String(),
				"last_day", last.String(), "days", strconv.Itoa(rules.DemandDays), "due_on", on.String())
			return
		}
		v.Accelerated, v.AcceleratedOn, v.Demand = true, on, &dm
		return
	}
	v.note(NotePlanNoDemand, "defaulted_on", v.DefaultedOn.String(), "days", strconv.Itoa(rules.DemandDays))
}

// claimFields are the payment-order application's amounts for a claim of
// the plan's remaining balance, given what the case still owes by its
// ledger. The interest is what the ledger shows unpaid, or more when the
// balance exceeds the principal unpaid (the plan took in more interest or
// penalty), and at most the balance; the rest is principal. So interest is
// left out only when the ledger shows none unpaid, which is what the
// document engine then falls back to: the amounts add up as generation
// requires. (A balance of nothing but interest leaves principal out, and the
// application, which needs one, is refused until counsel sets the amounts.)
func claimFields(remaining dossier.Money, owed dossier.Balance) map[string]string {
	interest := min(remaining, max(owed.Interest, remaining-min(remaining, owed.Principal)))
	f := map[string]string{"claim_amount": remaining.String()}
	if p := remaining - interest; p > 0 {
		f["principal"] = p.String()
	}
	if interest > 0 {
		f["interest"] = interest.String()
	}
	return f
}

// planPayments splits a case's payments between its plans: each payment goes
// to the latest plan agreed on or before the day it was made.
func planPayments(plans []*dossier.InstallmentPlan, payments []*dossier.Payment, loc *time.Location) map[string][]*dossier.Payment {
	out := map[string][]*dossier.Payment{}
	for _, pay := range payments {
		on := dossier.DateOf(pay.PaidAt.In(loc))
		var best *dossier.InstallmentPlan
		for _, p := range plans {
			if !p.AgreedOn.After(on.Time) && (best == nil || !p.AgreedOn.Before(best.AgreedOn.Time)) {
				best = p
			}
		}
		if best != nil {
			out[best.ID] = append(out[best.ID], pay)
		}
	}
	return out
}

// AddPlan stores a plan and answers it with its live status.
func (s *Service) AddPlan(ctx context.Context, a *dossier.Actor, caseID string, in *PlanInput) (*PlanView, error) {
	dossier.Note(ctx, caseID, "installment_plan", "")
	if err := policy.Can(a, policy.RecoveryWrite, caseID); err != nil {
		return nil, err
	}
	p := &dossier.InstallmentPlan{ID: dossier.NewID(), CaseID: caseID, FirstDueDate: in.FirstDueDate,
		AgreedOn: in.AgreedOn, DocumentID: in.DocumentID, EvidenceID: in.EvidenceID, CreatedBy: a.UserID(),
		CreatedAt: s.now().UTC()}
	var view *PlanView
	err := s.inTx(ctx, func(tx Store) error {
		r, err := s.records(ctx, tx, caseID)
		if err != nil {
			return err
		}
		var f dossier.Fields
		fields := map[string]string{}
		if p.DocumentID != "" {
			var d *dossier.Document
			if s.Documents != nil {
				d, err = s.Documents.Document(ctx, p.DocumentID)
			}
			switch {
			case s.Documents == nil || dossier.ErrorCode(err) == dossier.ENOTFOUND || (err == nil && d.CaseID != caseID):
				f.Add("document_id", "unknown document %s", p.DocumentID)
			case err != nil:
				return err
			case d.Template != "installment_agreement":
				f.Add("document_id", "is a %s, not an installment agreement", d.Template)
			default:
				fields = d.Fields
				// The agreement is signed on or after the day it was drawn
				// up; a plan agreed earlier would take payments its
				// acknowledged debt already left out as installments paid.
				drawn := dossier.DateOf(d.CreatedAt.In(s.loc()))
				if p.AgreedOn.IsZero() {
					p.AgreedOn = drawn
				} else if p.AgreedOn.Before(drawn.Time) {
					f.Add("agreed_on", "must not be before the agreement's date %s", drawn)
				}
			}
		}
		if err := liveEvidence(ctx, tx, caseID, "evidence_id", p.EvidenceID); err != nil {
			if dossier.ErrorCode(err) != dossier.EINVALID {
				return err
			}
			f.Add("evidence_id", "unknown evidence %s", p.EvidenceID)
		}
		s.fillPlan(p, in, fields, r.Case.Currency, &f)
		if err := f.Err(); err != nil {
			return err
		}
		if err := tx.AddPlan(ctx, p); err != nil {
			return err
		}
		r.Plans = append(r.Plans, p)
		for _, v := range PlanStatuses(r, s.today(), s.rules(), s.loc()) {
			if v.ID == p.ID {
				view = v
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	dossier.NoteFrom(ctx).ObjectID = p.ID
	return view, nil
}

// fillPlan takes total, installments and first due date from the input or,
// when left out, from the agreement document's fields, and builds the
// schedule with the document engine's ScheduleIn so the plan and the printed
// agreement agree to the fen (to the yen in a currency without fen).
func (s *Service) fillPlan(p *dossier.InstallmentPlan, in *PlanInput, doc map[string]string, cur string, f *dossier.Fields) {
	switch {
	case in.Total != nil:
		p.Total = *in.Total
	case doc["debt_total"] != "":
		p.Total, _ = dossier.ParseMoney(doc["debt_total"])
	default:
		f.Add("total", "is required")
	}
	switch {
	case in.Installments != nil:
		p.Installments = *in.Installments
	case doc["installments"] != "":
		p.Installments, _ = strconv.Atoi(doc["installments"])
	default:
		f.Add("installments", "is required")
	}
	if p.FirstDueDate.IsZero() && doc["first_due_date"] != "" {
		p.FirstDueDate, _ = dossier.ParseDate(doc["first_due_date"])
	}
	// A value given beside the agreement must be the one it prints: the
	// plan is rated on the schedule the debtor signs, and its payment-order
	// pre-fill names the agreement as the basis of the balance.
	// (The document keeps canonical values: 300000.00, 6, 2026-08-31.)
	printed := func(field, docField string, given fmt.Stringer) {
		if v := doc[docField]; v != "" && given.String() != v {
			f.Add(field, "must be %s, as agreement document %s states (leave it out to take the agreement's)", v, p.DocumentID)
		}
	}
	if in.Total != nil {
		printed("total", "debt_total", *in.Total)
	}
	if in.Installments != nil {
		printed("installments", "installments", count(*in.Installments))
	}
	if !in.FirstDueDate.IsZero() {
		printed("first_due_date", "first_due_date", in.FirstDueDate)
	}
	if p.AgreedOn.IsZero() {
		p.AgreedOn = s.today()
	}
	if (in.Total != nil || doc["debt_total"] != "") && (p.Total <= 0 || p.Total > dossier.MaxMoney) {
		f.Add("total", "must be greater than zero and at most 999999999999.99")
	}
	if (in.Installments != nil || doc["installments"] != "") && (p.Installments < 1 || p.Installments > MaxInstallments) {
		f.Add("installments", "must be a whole number from 1 to %d", MaxInstallments)
	}
	// Only a count in range can be too many for the total: one out of it
	// is the count's error alone, not the total's.
	if p.Total > 0 && p.Installments >= 1 && p.Installments <= MaxInstallments && p.Total < dossier.Money(p.Installments) {
		f.Add("total", "cannot be split into %d installments of at least 0.01", p.Installments)
	}
	// The agreement's currency, else the case's: in one without a minor
	// unit (JPY) the schedule is in whole units, as the agreement prints it.
	if doc["currency"] != "" {
		cur = doc["currency"]
	}
	if document.WholeCurrency(cur) && p.Total%100 != 0 {
		f.Add("total", "must be a whole amount: %s has no minor unit", cur)
	}
	switch {
	case p.FirstDueDate.IsZero():
		f.Add("first_due_date", "is required (YYYY-MM-DD)")
	case p.FirstDueDate.Before(p.AgreedOn.Time):
		f.Add("first_due_date", "must not be before the agreement date %s", p.AgreedOn)
	case p.FirstDueDate.Year() > 2200:
		f.Add("first_due_date", "is out of range")
	}
	if p.AgreedOn.After(s.today().Time) {
		f.Add("agreed_on", "must not be in the future")
	}
	if len(*f) > 0 {
		return
	}
	rows, err := document.ScheduleIn(p.Total, p.Installments, p.FirstDueDate, cur)
	if err != nil {
		f.Add("installments", "%v", err)
		return
	}
	p.Schedule = make([]dossier.ScheduledInstallment, len(rows))
	for i, r := range rows {
		p.Schedule[i] = dossier.ScheduledInstallment{N: r.N, DueDate: r.DueDate, Amount: r.Amount}
	}
}

// Plans lists a visible case's plans with their live status.
func (s *Service) Plans(ctx context.Context, a *dossier.Actor, caseID string) ([]*PlanView, error) {
	dossier.Note(ctx, caseID, "case", caseID)
	if err := policy.Can(a, policy.RecoveryRead, caseID); err != nil {
		return nil, err
	}
	r, err := s.records(ctx, s.Store, caseID)
	if err != nil {
		return nil, err
	}
	return PlanStatuses(r, s.today(), s.rules(), s.loc()), nil
}

// count is an installment count as a document keeps it.
type count int

func (n count) String() string { return strconv.Itoa(int(n)) }
