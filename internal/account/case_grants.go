package account

import (
	"context"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/policy"
)

// CaseGrants returns the grants on a case and the outside-firm users (the
// disabled ones marked so), for those who may grant the case (admin,
// counsel): what a grant form needs without the admin-only user list.
// ENOTFOUND if the case is absent or not visible; EFORBIDDEN for others.
func (s *Service) CaseGrants(ctx context.Context, a *dossier.Actor, caseID string) ([]*dossier.Grant, []*dossier.User, error) {
	if err := policy.Can(a, policy.CaseGrant, caseID); err != nil {
		return nil, nil, err
	}
	dossier.Note(ctx, caseID, "case", caseID)
	if _, err := s.Store.Case(ctx, caseID); err != nil {
		return nil, nil, err
	}
	grants, err := s.Store.GrantsOfCase(ctx, caseID)
	if err != nil {
		return nil, nil, err
	}
	users, err := s.Store.Users(ctx)
	if err != nil {
		return nil, nil, err
	}
	var firms []*dossier.User
	for _, u := range users {
		if u.Role == dossier.RoleExternal {
			firms = append(firms, u)
		}
	}
	return grants, firms, nil
}
