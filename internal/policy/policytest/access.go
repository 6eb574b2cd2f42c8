// Package policytest holds what the route × role × case matrix tests of the
// API and the web pages share: the expected access of a route, and the
// verdict the policy gives for it.
package policytest

import (
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/policy"
)

// Access says who may call a route.
type Access struct {
	Kind string        // "public", "login", "auth" (any signed-in user), "case" or "global"
	Act  policy.Action // for "case" and "global"
}

// Route kinds that need no policy action.
var (
	Public = Access{Kind: "public"}
	Signed = Access{Kind: "auth"}
	Login  = Access{Kind: "login"}
)

// OnCase is a route acting on one case's objects.
func OnCase(a policy.Action) Access { return Access{Kind: "case", Act: a} }

// Globally is a route acting outside any one case.
func Globally(a policy.Action) Access { return Access{Kind: "global", Act: a} }

// Expect is the policy's verdict for actor on a route of this access over
// caseID: nil when the call is allowed.
func (a Access) Expect(actor *dossier.Actor, caseID string) error {
	switch a.Kind {
	case "auth":
		if actor == nil {
			return dossier.Errorf(dossier.EUNAUTHENTICATED, "sign in first")
		}
	case "case":
		return policy.Can(actor, a.Act, caseID)
	case "global":
		return policy.Can(actor, a.Act, "")
	}
	return nil
}
