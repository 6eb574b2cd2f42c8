// Package casefile is the case capability: creating, reading, listing and
// updating cases and appending communication records, with the policy
// decision and personal-data masking applied in one place for every front.
package casefile

import (
	"context"
	"strings"
	"time"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/indexer"
	"github.com/dossier/dossier/internal/policy"
)

// Service is the case capability.
type Service struct {
	Store dossier.Store
	Now   func() time.Time
	// Location is the business time zone (DOSSIER_TZ): "today", from which
	// days_overdue, the bucket and the bucket filter count, is the date
	// there, as for recovery and generated documents. Nil takes
	// Compliance's location, else the host's.
	Location *time.Location
	// Compliance flags contacts outside the allowed hours or beyond a daily
	// count; nil disables the checks.
	Compliance *Compliance
}

// Zone returns the time zone of the business calendar.
func (s *Service) Zone() *time.Location {
	switch {
	case s.Location != nil:
		return s.Location
	case s.Compliance != nil && s.Compliance.Location != nil:
		return s.Compliance.Location
	}
	return time.Local
}

func (s *Service) today() dossier.Date { return dossier.DateOf(s.Now().In(s.Zone())) }

// present computes the read-only fields and masks personal data for roles
// that do not need it.
func (s *Service) present(a *dossier.Actor, c *dossier.Case) *dossier.Case {
	c.Compute(s.today())
	if policy.Masked(a) {
		c.Creditor = policy.MaskParty(c.Creditor)
		c.Debtor = policy.MaskParty(c.Debtor)
	}
	return c
}

// Create validates and stores a new case.
func (s *Service) Create(ctx context.Context, a *dossier.Actor, c *dossier.Case) (*dossier.Case, error) {
	if err := policy.Can(a, policy.CaseCreate, ""); err != nil {
		return nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	now := s.Now().UTC()
	c.ID, c.CreatedBy, c.CreatedAt, c.UpdatedAt = dossier.NewID(), a.UserID(), now, now
	if err := s.Store.CreateCase(ctx, c); err != nil {
		return nil, err
	}
	dossier.Note(ctx, c.ID, "case", c.ID)
	return s.present(a, c), nil
}

// Get returns a visible case; ENOTFOUND when absent or not visible.
func (s *Service) Get(ctx context.Context, a *dossier.Actor, id string) (*dossier.Case, error) {
	dossier.Note(ctx, id, "case", id)
	if err := policy.Can(a, policy.CaseRead, id); err != nil {
		return nil, err
	}
	c, err := s.Store.Case(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.present(a, c), nil
}

// Filter is the input of List.
type Filter struct {
	Bucket string
	Stage  string
	Q      string
	dossier.Page
}

// List returns the visible cases matching f.
func (s *Service) List(ctx context.Context, a *dossier.Actor, f Filter) ([]*dossier.Case, int, string, error) {
	if a == nil {
		return nil, 0, "", dossier.Errorf(dossier.EUNAUTHENTICATED, "sign in first")
	}
	var fe dossier.Fields
	if f.Bucket != "" && !validBucket(f.Bucket) {
		fe.Add("bucket", "must be one of normal, attention, warning, danger")
	}
	if f.Stage != "" && !dossier.Stage(f.Stage).Valid() {
		fe.Add("stage", "is not a known stage")
	}
	if msg := dossier.QueryProblem(f.Q); msg != "" {
		fe.Add("q", "%s", msg)
	}
	if f.Limit < 0 || f.Limit > 500 {
		fe.Add("limit", "must be between 1 and 500")
	}
	if err := fe.Err(); err != nil {
		return nil, 0, "", err
	}
	all, ids := policy.VisibleCases(a)
	items, total, next, err := s.Store.ListCases(ctx, dossier.CaseFilter{Bucket: dossier.Bucket(f.Bucket),
		Stage: dossier.Stage(f.Stage), Q: f.Q, Restricted: !all, Visible: ids, Today: s.today(), Page: f.Page})
	if err != nil {
		return nil, 0, "", err
	}
	for _, c := range items {
		s.present(a, c)
	}
	return items, total, next, nil
}

func validBucket(b string) bool {
	for _, v := range dossier.Buckets {
		if string(v) == b {
			return true
		}
	}
	return false
}

// Update applies a partial update. The audit event lists each changed
// field, old → new. A new number or party name is queued for the search
// index in the same transaction, since every indexed item carries them.
func (s *Service) Update(ctx context.Context, a *dossier.Actor, id string, p *dossier.CasePatch) (*dossier.Case, error) {
	dossier.Note(ctx, id, "case", id)
	if err := policy.Can(a, policy.CaseUpdate, id); err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	var out *dossier.Case
	err := s.Store.InTx(ctx, func(tx dossier.Store) error {
		c, err := tx.Case(ctx, id)
		if err != nil {
			return err
		}
		before := *c
		p.Apply(c)
		if err := c.Validate(); err != nil {
			return err
		}
		now := s.Now().UTC()
		c.UpdatedAt = now
		dossier.NoteFrom(ctx).Detail = strings.Join(changes(&before, c), "; ")
		out = c
		if err := tx.UpdateCase(ctx, c); err != nil {
			return err
		}
		if searchable(&before) != searchable(c) {
			return indexer.QueueCase(ctx, tx, c.ID, now)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.present(a, out), nil
}

// AddCommunication appends a contact record; a contact outside the allowed
// hours or beyond the daily limit is stored with flags, never refused.
func (s *Service) AddCommunication(ctx context.Context, a *dossier.Actor, caseID string, m *dossier.Communication) (*dossier.Communication, error) {
	dossier.Note(ctx, caseID, "communication", "")
	if err := policy.Can(a, policy.RecoveryWrite, caseID); err != nil {
		return nil, err
	}
	if err := m.Validate(s.Now()); err != nil {
		return nil, err
	}
	m.ID, m.CaseID, m.CreatedBy, m.CreatedAt = dossier.NewID(), caseID, a.UserID(), s.Now().UTC()
	err := s.Store.InTx(ctx, func(tx dossier.Store) error {
		c, err := tx.Case(ctx, caseID)
		if err != nil {
			return err
		}
		for _, id := range m.EvidenceIDs {
			e, err := tx.Evidence(ctx, id)
			if err != nil || e.CaseID != caseID {
				return &dossier.Error{Code: dossier.EINVALID, Message: "invalid fields",
					Fields: []dossier.FieldError{{Field: "evidence_ids", Message: "unknown evidence " + id}}}
			}
		}
		if s.Compliance != nil {
			// The daily limit is per debtor, across all of its cases.
			from, to := s.Compliance.Day(m.OccurredAt)
			prior, err := tx.DebtorCommunications(ctx, c.Debtor.Name, from, to)
			if err != nil {
				return err
			}
			m.Flags = s.Compliance.Check(m, prior)
		}
		return tx.AddCommunication(ctx, m)
	})
	if err != nil {
		return nil, err
	}
	dossier.NoteFrom(ctx).ObjectID = m.ID
	return m, nil
}

// Communications lists a visible case's communications.
func (s *Service) Communications(ctx context.Context, a *dossier.Actor, caseID string) ([]*dossier.Communication, error) {
	dossier.Note(ctx, caseID, "case", caseID)
	if err := policy.Can(a, policy.RecoveryRead, caseID); err != nil {
		return nil, err
	}
	if _, err := s.Store.Case(ctx, caseID); err != nil {
		return nil, err
	}
	items, err := s.Store.Communications(ctx, caseID)
	if err != nil {
		return nil, err
	}
	if policy.Masked(a) {
		for _, m := range items {
			m.Summary, m.Outcome = policy.MaskText(m.Summary), policy.MaskText(m.Outcome)
		}
	}
	return items, nil
}
