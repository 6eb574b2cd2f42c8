package recovery

import (
	"fmt"
	"sort"
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

// deliveryWindow is how long after a letter a delivery record may be dated
// and still be taken as that letter's delivery.
const deliveryWindow = 60

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
	// Proven: the event cites live evidence. Counted: it moved the deadline.
	Proven  bool `json:"proven"`
	Counted bool `json:"counted"`
}

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
// run they still count, because the debtor can then no longer plead it
// (art. 192), and a new period runs from them.
func debtorSide(event string) bool {
	return event == EventAcknowledgment || event == EventInstallmentAgreement || event == EventPartialPayment
}

// ComputeLimitation works out the deadline of r's claim on day today. Dates of
// timestamped records are taken in loc. The rules:
//   - due: the case's due date starts the period (art. 188).
//   - demand: a communication with interruption "demand", proven when it cites
//     live evidence of the case (a letter sent as channel "letter" must cite a
//     "delivery" item: only a demand that reached the debtor interrupts);
//     or a "letter" evidence item not cited by such a communication, proven by
//     a "delivery" item dated within 60 days after it, dated at that delivery.
//   - acknowledgment: a communication with interruption "acknowledgment" or a
//     promise to pay, proven when it cites live evidence.
//   - installment_agreement: a plan, proven by its agreement document or
//     signed evidence, dated on agreed_on; a generated installment_agreement
//     document that no plan was made from is shown unproven (a draft until
//     signed).
//   - partial_payment: a payment not reversed, proven by its evidence.
//   - filing: a filing record, proven by its evidence; a case standing at
//     payment_order, litigation or arbitration with no filing record is shown
//     as an unproven filing.
//
// Unproven events are listed and never move the deadline. A creditor's
// demand or filing after the deadline does not revive the claim.
func ComputeLimitation(r *dossier.CaseRecords, today dossier.Date, loc *time.Location) *Limitation {
	if loc == nil {
		loc = time.UTC
	}
	c := r.Case
	live := map[string]*dossier.Evidence{}
	for _, e := range r.Evidence {
		if e.DeletedAt == nil {
			live[e.ID] = e
		}
	}
	var events []Basis
	cited := map[string]bool{}
	for _, m := range r.Communications {
		ev := m.Interruption
		if ev == "" && (m.PromiseAmount != nil || m.PromiseDate != nil) {
			ev = EventAcknowledgment
		}
		if ev != EventDemand && ev != EventAcknowledgment {
			continue
		}
		b := Basis{Event: ev, Date: dossier.DateOf(m.OccurredAt.In(loc)), CommunicationID: m.ID}
		var delivery string
		for _, id := range m.EvidenceIDs {
			cited[id] = true
			if e := live[id]; e != nil {
				if b.EvidenceID == "" {
					b.EvidenceID = id
				}
				if e.Kind == "delivery" && delivery == "" {
					delivery = id
				}
			}
		}
		switch {
		case b.EvidenceID == "":
			b.Note = "the communication cites no evidence"
		case ev == EventDemand && m.Channel == "letter" && delivery == "":
			b.Note = "a letter must cite delivery evidence to show it reached the debtor"
		default:
			b.Proven = true
			if delivery != "" {
				b.EvidenceID = delivery
			}
			b.Note = string(m.Channel) + " " + ev
		}
		events = append(events, b)
	}
	events = append(events, letters(r.Evidence, cited, loc)...)
	for _, p := range r.Payments {
		if p.Amount <= 0 || p.ReversedBy != "" {
			continue // reversed entries never happened; reversals are not payments
		}
		b := Basis{Event: EventPartialPayment, Date: dossier.DateOf(p.PaidAt.In(loc)), PaymentID: p.ID,
			Note: "payment of " + p.Amount.String()}
		if live[p.EvidenceID] != nil {
			b.EvidenceID, b.Proven = p.EvidenceID, true
		} else {
			b.Note += " without evidence"
		}
		events = append(events, b)
	}
	for _, p := range r.Plans {
		b := Basis{Event: EventInstallmentAgreement, Date: p.AgreedOn, PlanID: p.ID,
			Note: fmt.Sprintf("installment plan of %s in %d installments", p.Total, p.Installments)}
		switch {
		case live[p.EvidenceID] != nil:
			b.EvidenceID, b.Proven = p.EvidenceID, true
		case p.DocumentID != "":
			b.Proven, b.DocumentID = true, p.DocumentID
			b.Note += ", agreement document " + p.DocumentID
		default:
			b.Note += " without agreement document or evidence"
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
		// overstate the deadline, so it stays unproven until a plan records it.
		events = append(events, Basis{Event: EventInstallmentAgreement, Date: dossier.DateOf(doc.CreatedAt.In(loc)),
			DocumentID: doc.ID, Note: "installment agreement generated but not entered as a plan: no proof it was signed"})
	}
	for _, f := range r.Filings {
		b := Basis{Event: EventFiling, Date: f.FiledOn, FilingID: f.ID, Note: f.Kind + " filed"}
		if live[f.EvidenceID] != nil {
			b.EvidenceID, b.Proven = f.EvidenceID, true
		} else {
			b.Note += " without evidence"
		}
		events = append(events, b)
	}
	if len(r.Filings) == 0 && (c.Stage == dossier.StagePaymentOrder || c.Stage == dossier.StageLitigation ||
		c.Stage == dossier.StageArbitration) {
		events = append(events, Basis{Event: EventFiling, Date: dossier.DateOf(c.UpdatedAt.In(loc)),
			Note: "case stage is " + string(c.Stage) + " but no filing is recorded"})
	}
	// Sort positions, not the large Basis values; stable so same-day events
	// keep the order they were gathered in.
	order := make([]int, len(events))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return events[order[i]].Date.Before(events[order[j]].Date.Time) })

	out := &Limitation{Basis: make([]Basis, 0, len(events)+1)}
	deadline := AddYears(c.DueDate, LimitationYears)
	out.Basis = append(out.Basis, Basis{Event: EventDue, Date: c.DueDate, Proven: true, Counted: true,
		Note: "due date: the period runs from the day after (art. 188)"})
	for _, k := range order {
		b := events[k]
		if b.Proven {
			expired := b.Date.After(deadline.Time)
			switch {
			case expired && !debtorSide(b.Event):
				b.Note += "; after the period expired, so it does not restart it"
			default:
				if next := AddYears(b.Date, LimitationYears); next.After(deadline.Time) {
					deadline, b.Counted = next, true
				}
				if expired {
					b.Note += "; after expiry, but the debtor may no longer plead it (art. 192)"
				}
			}
		}
		out.Basis = append(out.Basis, b)
	}
	out.Deadline = deadline
	out.DaysLeft = today.DaysUntil(deadline)
	out.Expired = out.DaysLeft < 0
	return out
}

// letters turns letter evidence not cited by a communication into demand
// events, each paired with the first delivery record dated on or up to 60
// days after it.
func letters(evs []*dossier.Evidence, cited map[string]bool, loc *time.Location) []Basis {
	type delivery struct {
		on dossier.Date
		id string
	}
	var deliveries []delivery
	for _, d := range evs {
		if d.Kind == "delivery" && d.OccurredAt != nil && d.DeletedAt == nil {
			deliveries = append(deliveries, delivery{dossier.DateOf(d.OccurredAt.In(loc)), d.ID})
		}
	}
	sort.SliceStable(deliveries, func(i, j int) bool { return deliveries[i].on.Before(deliveries[j].on.Time) })
	var out []Basis
	for _, e := range evs {
		if e.Kind != "letter" || cited[e.ID] || e.DeletedAt != nil {
			continue
		}
		b := Basis{Event: EventDemand, EvidenceID: e.ID}
		if e.OccurredAt == nil {
			b.Date = dossier.DateOf(e.CreatedAt.In(loc))
			b.Note = "letter evidence has no date (occurred_at)"
			out = append(out, b)
			continue
		}
		sent := dossier.DateOf(e.OccurredAt.In(loc))
		b.Date, b.Note = sent, "letter without delivery evidence"
		// The first delivery on or after the day the letter was sent.
		k := sort.Search(len(deliveries), func(i int) bool { return !deliveries[i].on.Before(sent.Time) })
		if k < len(deliveries) && sent.DaysUntil(deliveries[k].on) <= deliveryWindow {
			b.Date, b.Proven = deliveries[k].on, true
			b.Note = "letter " + e.ID + " delivered per evidence " + deliveries[k].id
		}
		out = append(out, b)
	}
	return out
}
