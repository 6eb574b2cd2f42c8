// Package recovery is the recovery capability: the limitation-period (诉讼时效)
// engine, the append-only payments ledger, court filings, installment plans
// with payment matching, default and acceleration, and the dashboard with its
// CSV export. Every method applies the policy decision itself; the limitation
// and plan arithmetic are pure functions (ComputeLimitation, PlanStatuses) so
// they can be tested with dated scenarios.
package recovery

import (
	"context"
	"time"

	"github.com/dossier/dossier/internal/casefile"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/policy"
)

// Store is what the capability needs from the metadata store.
type Store interface {
	dossier.Store
	dossier.RecoveryStore
}

// Service is the recovery capability.
type Service struct {
	Store Store
	// Documents resolves an installment plan's agreement document; nil
	// refuses plans that name one.
	Documents dossier.DocumentStore
	// Cases lists visible cases for the limitation_within filter.
	Cases *casefile.Service
	Now   func() time.Time
	// Location is the local time zone that turns timestamps into dates.
	Location *time.Location
	// GraceDays and DemandDays are the PlanRules (DOSSIER_PLAN_GRACE_DAYS,
	// DOSSIER_DEMAND_DAYS).
	GraceDays  int
	DemandDays int
}

func (s *Service) rules() PlanRules {
	return PlanRules{GraceDays: s.GraceDays, DemandDays: s.DemandDays}
}

func (s *Service) loc() *time.Location {
	if s.Location == nil {
		return time.UTC
	}
	return s.Location
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

func (s *Service) today() dossier.Date { return dossier.DateOf(s.now().In(s.loc())) }

// records loads one case's records; ENOTFOUND if absent.
func (s *Service) records(ctx context.Context, st dossier.RecoveryStore, caseID string) (*dossier.CaseRecords, error) {
	m, err := st.CaseRecords(ctx, false, []string{caseID})
	if err != nil {
		return nil, err
	}
	r := m[caseID]
	if r == nil || r.Case == nil {
		return nil, dossier.NotFound("case")
	}
	return r, nil
}

// Limitation returns the limitation position of a visible case.
func (s *Service) Limitation(ctx context.Context, a *dossier.Actor, caseID string) (*Limitation, error) {
	dossier.Note(ctx, caseID, "case", caseID)
	if err := policy.Can(a, policy.RecoveryRead, caseID); err != nil {
		return nil, err
	}
	r, err := s.records(ctx, s.Store, caseID)
	if err != nil {
		return nil, err
	}
	return ComputeLimitation(r, s.today(), s.loc()), nil
}

// invalid is EINVALID naming one field.
func invalid(field, msg string) error {
	return &dossier.Error{Code: dossier.EINVALID, Message: "invalid fields",
		Fields: []dossier.FieldError{{Field: field, Message: msg}}}
}

// liveEvidence checks id names a live evidence item of the case.
func liveEvidence(ctx context.Context, st dossier.Store, caseID, field, id string) error {
	if id == "" {
		return nil
	}
	e, err := st.Evidence(ctx, id)
	if dossier.ErrorCode(err) == dossier.ENOTFOUND || (err == nil && (e.CaseID != caseID || e.DeletedAt != nil)) {
		return invalid(field, "unknown evidence "+id)
	}
	return err
}

// inTx runs fn in a transaction with a store that keeps recovery records.
func (s *Service) inTx(ctx context.Context, fn func(Store) error) error {
	return s.Store.InTx(ctx, func(tx dossier.Store) error {
		rtx, ok := tx.(Store)
		if !ok {
			return dossier.Errorf(dossier.EINTERNAL, "store transaction keeps no recovery records")
		}
		return fn(rtx)
	})
}
