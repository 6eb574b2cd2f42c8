package recovery

import (
	"context"
	"time"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/policy"
)

// FlagOverpayment marks a payment that takes the ledger above the case total.
// It is accepted: debtors also pay costs and late interest the case total may
// not hold, and refusing money actually received would falsify the ledger.
const FlagOverpayment = "overpayment"

// DebtSince returns the first day the debt is known to exist: the earliest
// dated contract, invoice or delivery evidence item, or else the due date.
// A payment dated before it cannot be a payment of this debt.
func DebtSince(r *dossier.CaseRecords, loc *time.Location) dossier.Date {
	since := r.Case.DueDate
	for _, e := range r.Evidence {
		if e.OccurredAt == nil || e.DeletedAt != nil {
			continue
		}
		if e.Kind == "contract" || e.Kind == "invoice" || e.Kind == "delivery" {
			if d := dossier.DateOf(e.OccurredAt.In(loc)); d.Before(since.Time) {
				since = d
			}
		}
	}
	return since
}

// AddPayment appends a ledger entry. A negative entry must reverse an earlier
// payment of the case in full and give a reason; a payment may not be dated
// in the future or before the debt existed (DebtSince).
func (s *Service) AddPayment(ctx context.Context, a *dossier.Actor, caseID string, p *dossier.Payment) (*dossier.Payment, error) {
	dossier.Note(ctx, caseID, "payment", "")
	if err := policy.Can(a, policy.RecoveryWrite, caseID); err != nil {
		return nil, err
	}
	p.Flags, p.ReversedBy = nil, "" // computed here, never taken from the client
	if err := p.Validate(); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	p.ID, p.CaseID, p.CreatedBy, p.CreatedAt = dossier.NewID(), caseID, a.UserID(), now
	err := s.inTx(ctx, func(tx Store) error {
		r, err := s.records(ctx, tx, caseID)
		if err != nil {
			return err
		}
		var f dossier.Fields
		paid := dossier.DateOf(p.PaidAt.In(s.loc()))
		if since := DebtSince(r, s.loc()); paid.Before(since.Time) {
			f.Add("paid_at", "is before the debt existed (%s: the earliest dated contract, invoice or delivery, or the due date)", since)
		} else if paid.After(s.today().Time) {
			f.Add("paid_at", "must not be in the future")
		}
		if err := liveEvidence(ctx, tx, caseID, "evidence_id", p.EvidenceID); err != nil {
			if dossier.ErrorCode(err) != dossier.EINVALID {
				return err
			}
			f.Add("evidence_id", "unknown evidence %s", p.EvidenceID)
		}
		var ledger dossier.Money
		for _, q := range r.Payments {
			ledger += q.Amount
			if q.ID != p.Reverses {
				continue
			}
			switch {
			case q.Amount < 0:
				f.Add("reverses", "is itself a reversal")
			case q.ReversedBy != "":
				f.Add("reverses", "was already reversed")
			case p.Amount != -q.Amount:
				f.Add("amount", "must be -%s to reverse payment %s in full", q.Amount, q.ID)
			}
		}
		if p.Reverses != "" && !hasPayment(r.Payments, p.Reverses) {
			f.Add("reverses", "unknown payment %s of this case", p.Reverses)
		}
		if err := f.Err(); err != nil {
			return err
		}
		if p.Amount > 0 && ledger+p.Amount > r.Case.Total() {
			p.Flags = append(p.Flags, FlagOverpayment)
		}
		return tx.AddPayment(ctx, p)
	})
	if err != nil {
		return nil, err
	}
	dossier.NoteFrom(ctx).ObjectID = p.ID
	return p, nil
}

func hasPayment(ps []*dossier.Payment, id string) bool {
	for _, p := range ps {
		if p.ID == id {
			return true
		}
	}
	return false
}

// Payments lists a visible case's ledger.
func (s *Service) Payments(ctx context.Context, a *dossier.Actor, caseID string) ([]*dossier.Payment, error) {
	dossier.Note(ctx, caseID, "case", caseID)
	if err := policy.Can(a, policy.RecoveryRead, caseID); err != nil {
		return nil, err
	}
	if _, err := s.Store.Case(ctx, caseID); err != nil {
		return nil, err
	}
	return s.Store.Payments(ctx, caseID)
}

// AddFiling records a payment-order application, lawsuit or arbitration.
func (s *Service) AddFiling(ctx context.Context, a *dossier.Actor, caseID string, f *dossier.Filing) (*dossier.Filing, error) {
	dossier.Note(ctx, caseID, "filing", "")
	if err := policy.Can(a, policy.RecoveryWrite, caseID); err != nil {
		return nil, err
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	if f.FiledOn.After(s.today().Time) {
		return nil, invalid("filed_on", "must not be in the future")
	}
	f.ID, f.CaseID, f.CreatedBy, f.CreatedAt = dossier.NewID(), caseID, a.UserID(), s.now().UTC()
	err := s.inTx(ctx, func(tx Store) error {
		if _, err := tx.Case(ctx, caseID); err != nil {
			return err
		}
		if err := liveEvidence(ctx, tx, caseID, "evidence_id", f.EvidenceID); err != nil {
			return err
		}
		return tx.AddFiling(ctx, f)
	})
	if err != nil {
		return nil, err
	}
	dossier.NoteFrom(ctx).ObjectID = f.ID
	return f, nil
}

// Filings lists a visible case's filings.
func (s *Service) Filings(ctx context.Context, a *dossier.Actor, caseID string) ([]*dossier.Filing, error) {
	dossier.Note(ctx, caseID, "case", caseID)
	if err := policy.Can(a, policy.RecoveryRead, caseID); err != nil {
		return nil, err
	}
	if _, err := s.Store.Case(ctx, caseID); err != nil {
		return nil, err
	}
	return s.Store.Filings(ctx, caseID)
}
