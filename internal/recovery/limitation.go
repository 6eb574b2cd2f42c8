package recovery

import (
	"sort"
	"strconv"
	"time"

	"github.com/dossier/dossier/internal/dossier"
)

// Limitation event kinds, as API.md names them.
const (
	EventDue                  = "due"
	EventDemand               = "demand"
	EventAcknowledgment       = "acknowledgment"
	EventInstallmentAgreement = "installment_agreement"
	EventPartialPayment       = "partial_payment"
	EventFiling               = "filing"
)

// LimitationYears is the general limitation period (Civil Code art. 188).
const LimitationYears = 3

// Basis is one event that started, restarted or failed to restart the period.
type Basis struct {
	Event           string       `json:"event"`
	Date            dossier.Date `json:"date"`
	EvidenceID      string       `json:"evidence_id"`
	CommunicationID string       `json:"communication_id"`
	PaymentID       string       `json:"payment_id,omitempty"`
	PlanID          string       `json:"plan_id,omitempty"`
	DocumentID      string       `json:"document_id,omitempty"`
	FilingID        string       `json:"filing_id,omitempty"`
	Note            string       `json:"note"`
	// NoteParts is Note by code and parameters (see NotePart).
	NoteParts []NotePart `json:"note_parts"`
	// Proven: the event cites live evidence. Counted: it moved the deadline.
	Proven  bool `json:"proven"`
	Counted bool `json:"counted"`
	// ServedOn is, for a proven demand, the day it reached the debtor (Civil
	// Code art. 137): for a letter the later of the communication's day and
	// the proof of service's, where Date takes the earlier. The period is
	// counted from Date, which can only shorten it; a plan's acceleration
	// from ServedOn, which can only delay it.
	ServedOn dossier.Date `json:"served_on,omitzero"`

	// written: a proven demand made in writing (a served letter, an email,
	// an SMS or a WeChat message), which can accelerate an installment plan.
	written bool
	// letter: a demand by letter (channel letter, or citing nothing but
	// letters), which counts only with proof of service.
	letter bool
	// lastDue: for a plan, its last installment's due date.
	lastDue dossier.Date
}

// Letter reports whether b is a demand by letter: one recorded on channel
// letter, or one citing nothing but letters. Such a demand needs proof of
// service among what it cites (see communicationEvents).
func (b *Basis) Letter() bool { return b.letter }

// Limitation is the 诉讼时效 position of a case on a given day.
type Limitation struct {
	Deadline dossier.Date `json:"deadline"`
	DaysLeft int          `json:"days_left"`
	Expired  bool         `json:"expired"`
	Basis    []Basis      `json:"basis"`
}

// AddYears returns the last day of a period of n years starting the day after
// d. Civil Code arts. 201–202: the first day is not counted and the period ends
// on the corresponding day of the final month, or on that month's last day when
// it has none — so 2024-02-29 + 3 years is 2027-02-28, not 2027-03-01 as
// time.AddDate would normalise it. The art. 203 extension past a public
// holiday is not applied: it only ever lengthens the period, so omitting it
// errs on the safe side.
func AddYears(d dossier.Date, n int) dossier.Date {
	y, m := d.Year()+n, d.Month()
	last := time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
	return dossier.NewDate(y, m, min(d.Day(), last))
}

// debtorSide events are the debtor agreeing to perform; after the period has
// run they still count, because a debtor who agreed to perform can no longer
// plead it (art. 192; SPC Provisions on limitation, 2020 rev., art. 19), and
// a new period runs from them. A payment after expiry is not among them: it
// binds only what was paid unless it shows agreement to pay the rest, which
// is counsel's call (see ComputeLimitation).
func debtorSide(event string) bool {
	return event == EventAcknowledgment || event == EventInstallmentAgreement
}

// ComputeLimitation works out the deadline of r's claim on day today. Dates of
// timestamped records are taken in loc. The rules:
//   - due: the case's due date starts the period (art. 188).
//   - demand: a communication with interruption "demand", proven when it cites
//     live evidence of the case (see communicationEvents; a letter counts
//     only with proof that it was served, and a goods delivery note is never
//     that proof); or a "letter" evidence item not cited by a communication,
//     proven only when its own record says it was served (see letters).
//   - acknowledgment: a communication with interruption "acknowledgment" or a
//     promise to pay, proven when it cites live evidence.
//   - installment_agreement: a plan, proven only by the signed agreement it
//     cites as evidence, dated on agreed_on. A plan made from a generated
//     agreement without that evidence, and a generated installment_agreement
//     document that no plan was made from, are shown unproven: a draft until
//     signed.
//   - partial_payment: a payment not reversed, proven by its evidence.
//   - filing: a filing record, proven by its evidence; a case standing at
//     payment_order, litigation or arbitration with no filing record is shown
//     as an unproven filing.
//
// Unproven events are listed and never move the deadline. A creditor's
// demand or filing after the deadline does not revive the claim; nor does a
// payment after it: whether that payment waived the defence is for counsel,
// so the deadline shown stays the earlier one.
func ComputeLimitation(r *dossier.CaseRecords, today dossier.Date, loc *time.Location) *Limitation {
	if loc == nil {
		loc = time.UTC
	}
	c := r.Case
	events := limitationEvents(r, loc)
	// Sort positions, not the large Basis values; stable so same-day events
	// keep the order they were gathered in.
	order := make([]int, len(events))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return events[order[i]].Date.Before(events[order[j]].Date.Time) })

	out := &Limitation{Basis: make([]Basis, 0, len(events)+1)}
	deadline := AddYears(c.DueDate, LimitationYears)
	due := Basis{Event: EventDue, Date: c.DueDate, Proven: true, Counted: true}
	due.note(NoteDue)
	out.Basis = append(out.Basis, due)
	for _, k := range order {
		b := events[k]
		if b.Proven {
			expired := b.Date.After(deadline.Time)
			switch {
			case expired && b.Event == EventPartialPayment:
				b.note(NotePaidAfterExpiry, "deadline", deadline.String())
			case expired && !debtorSide(b.Event):
				b.note(NoteAfterExpiry)
			default:
				if next := AddYears(b.Date, LimitationYears); next.After(deadline.Time) {
					deadline, b.Counted = next, true
				}
				if expired {
					b.note(NoteDebtorAfterExpiry)
				}
			}
		}
		out.Basis = append(out.Basis, b)
	}
	for i := range out.Basis {
		// SPC Provisions on limitation art. 5: a debt agreed to be paid in
		// installments runs from the last one's due date. Whether that holds
		// for a plan agreed after the debt fell due is counsel's call; the
		// deadline stays the earlier one, and the note says what the later
		// would be.
		b := &out.Basis[i]
		if b.Event != EventInstallmentAgreement || !b.Proven || b.lastDue.IsZero() {
			continue
		}
		if later := AddYears(b.lastDue, LimitationYears); later.After(deadline.Time) {
			b.note(NotePlanLastDue, "last_due", b.lastDue.String(), "later", later.String())
		}
	}
	out.Deadline = deadline
	out.DaysLeft = today.DaysUntil(deadline)
	out.Expired = out.DaysLeft < 0
	return out
}

// limitationEvents gathers every event of r that may restart the period, in
// no particular order.
func limitationEvents(r *dossier.CaseRecords, loc *time.Location) []Basis {
	c := r.Case
	live := liveEvidenceOf(r)
	events, cited := communicationEvents(r.Communications, live, loc)
	events = append(events, letters(r.Evidence, cited, loc)...)
	for _, p := range r.Payments {
		if p.Amount <= 0 || p.ReversedBy != "" {
			continue // reversed entries never happened; reversals are not payments
		}
		b := Basis{Event: EventPartialPayment, Date: dossier.DateOf(p.PaidAt.In(loc)), PaymentID: p.ID}
		b.note(NotePayment, "amount", p.Amount.String())
		if live[p.EvidenceID] != nil {
			b.EvidenceID, b.Proven = p.EvidenceID, true
		} else {
			b.note(NoteNoEvidence)
		}
		events = append(events, b)
	}
	for _, p := range r.Plans {
		b := Basis{Event: EventInstallmentAgreement, Date: p.AgreedOn, PlanID: p.ID}
		if n := len(p.Schedule); n > 0 {
			b.lastDue = p.Schedule[n-1].DueDate
		}
		b.note(NotePlan, "total", p.Total.String(), "installments", strconv.Itoa(p.Installments))
		switch {
		case live[p.EvidenceID] != nil:
			b.EvidenceID, b.Proven = p.EvidenceID, true
		case p.DocumentID != "":
			// The document is what Dossier generated, not what the debtor
			// signed: counting it could show a deadline the claim never had.
			b.DocumentID = p.DocumentID
			// Plans are kept as entered and cannot be edited; a second plan
			// entered with the signed copy would rate this one as missed,
			// so the signed copy is cited by an acknowledgment instead.
			b.note(NotePlanDraft, "document", p.DocumentID)
		default:
			b.note(NotePlanUnsigned)
		}
		events = append(events, b)
	}
	planned := map[string]bool{}
	for _, p := range r.Plans {
		planned[p.DocumentID] = true
	}
	for _, doc := range r.Agreements {
		if planned[doc.ID] {
			continue // the plan made from it is listed instead
		}
		// A generated agreement is a draft until signed: counting it could
		// overstate the deadline.
		b := Basis{Event: EventInstallmentAgreement, Date: dossier.DateOf(doc.CreatedAt.In(loc)), DocumentID: doc.ID}
		b.note(NoteAgreementDraft)
		events = append(events, b)
	}
	for _, f := range r.Filings {
		b := Basis{Event: EventFiling, Date: f.FiledOn, FilingID: f.ID}
		b.note(NoteFiling, "kind", f.Kind)
		if live[f.EvidenceID] != nil {
			b.EvidenceID, b.Proven = f.EvidenceID, true
		} else {
			b.note(NoteNoEvidence)
		}
		events = append(events, b)
	}
	if len(r.Filings) == 0 && (c.Stage == dossier.StagePaymentOrder || c.Stage == dossier.StageLitigation ||
		c.Stage == dossier.StageArbitration) {
		b := Basis{Event: EventFiling, Date: dossier.DateOf(c.UpdatedAt.In(loc))}
		b.note(NoteFilingMissing, "stage", string(c.Stage))
		events = append(events, b)
	}
	return events
}
