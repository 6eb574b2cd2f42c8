// Package policy is Dossier's one authorization decision: given an actor, an
// action and the case the object belongs to, Can answers nil, ENOTFOUND (the
// case is not visible to the actor, so its existence is never revealed),
// EFORBIDDEN (visible, but the action is not allowed) or EUNAUTHENTICATED.
// Every handler, the search filter and the list queries go through it; no
// other package compares roles.
//
// The rules (API.md "Auth and users"):
//
//   - admin may do everything.
//   - counsel (in-house) reads and writes every case, manages grants, holds,
//     deletes and share links, but neither manages users nor reads the audit
//     trail (both are admin/auditor business in API.md).
//   - auditor reads everything, including the audit trail, and writes nothing.
//   - external (outside law firm) sees only cases granted to it; every other
//     case answers ENOTFOUND for every action. A read grant allows the read
//     actions; a write grant also allows evidence uploads and new versions,
//     communications/payments/installment plans (RecoveryWrite), documents and
//     bundles on that case. It never allows editing the case record itself
//     (parties and amounts belong to the creditor's in-house team), grants,
//     holds, deletes, share links (which would pass the case to people without
//     an account), users or the audit trail.
//
// Case-less actions (CaseCreate, SearchRun, DashboardRead, AuditRead,
// UserManage) are asked with caseID "". SearchRun and DashboardRead are
// allowed to every role; their results must be filtered with VisibleCases.
package policy

import (
	"slices"

	"github.com/dossier/dossier/internal/dossier"
)

// Action is something an actor does to an object.
type Action string

// Actions. Case-scoped unless marked otherwise.
const (
	CaseRead   Action = "case.read"
	CaseCreate Action = "case.create" // case-less
	CaseUpdate Action = "case.update"
	CaseGrant  Action = "case.grant" // add or remove a per-case grant

	EvidenceRead   Action = "evidence.read"  // metadata, content, versions, verify
	EvidenceWrite  Action = "evidence.write" // upload, new version
	EvidenceHold   Action = "evidence.hold"
	EvidenceDelete Action = "evidence.delete"

	DocumentRead   Action = "document.read" // documents, templates applied to a case, readiness
	DocumentCreate Action = "document.create"

	BundleRead   Action = "bundle.read" // metadata and download
	BundleCreate Action = "bundle.create"
	ShareManage  Action = "share.manage" // create and revoke public share links

	RecoveryRead  Action = "recovery.read"  // communications, payments, plans, limitation
	RecoveryWrite Action = "recovery.write" // communications, payments, plans

	SearchRun     Action = "search.run"     // case-less (or a case filter)
	DashboardRead Action = "dashboard.read" // case-less
	AuditRead     Action = "audit.read"     // case-less: list, export, verify
	UserManage    Action = "user.manage"    // case-less
)

// Actions lists every action, for tables and tests that must cover them all.
var Actions = []Action{
	CaseRead, CaseCreate, CaseUpdate, CaseGrant,
	EvidenceRead, EvidenceWrite, EvidenceHold, EvidenceDelete,
	DocumentRead, DocumentCreate, BundleRead, BundleCreate, ShareManage,
	RecoveryRead, RecoveryWrite, SearchRun, DashboardRead, AuditRead, UserManage,
}

// need is what an external actor's grant must be for an action.
type need int

const (
	never     need = iota // not for external users, whatever the grant
	readGrant             // a read or write grant
	writeGrant
	anyone // case-less and filtered by VisibleCases
)

// rule is one row of the policy table.
type rule struct {
	admin, counsel, auditor bool
	external                need
}

// rules is the policy table. A missing action is refused, so adding an action
// without a row cannot open anything up.
var rules = map[Action]rule{
	CaseRead:   {admin: true, counsel: true, auditor: true, external: readGrant},
	CaseCreate: {admin: true, counsel: true},
	CaseUpdate: {admin: true, counsel: true},
	CaseGrant:  {admin: true, counsel: true},

	EvidenceRead:   {admin: true, counsel: true, auditor: true, external: readGrant},
	EvidenceWrite:  {admin: true, counsel: true, external: writeGrant},
	EvidenceHold:   {admin: true, counsel: true},
	EvidenceDelete: {admin: true, counsel: true},

	DocumentRead:   {admin: true, counsel: true, auditor: true, external: readGrant},
	DocumentCreate: {admin: true, counsel: true, external: writeGrant},

	BundleRead:   {admin: true, counsel: true, auditor: true, external: readGrant},
	BundleCreate: {admin: true, counsel: true, external: writeGrant},
	ShareManage:  {admin: true, counsel: true},

	RecoveryRead:  {admin: true, counsel: true, auditor: true, external: readGrant},
	RecoveryWrite: {admin: true, counsel: true, external: writeGrant},

	SearchRun:     {admin: true, counsel: true, auditor: true, external: anyone},
	DashboardRead: {admin: true, counsel: true, auditor: true, external: anyone},
	AuditRead:     {admin: true, auditor: true},
	UserManage:    {admin: true},
}

// Can decides whether a may take act on an object of case caseID ("" for
// case-less actions and objects outside any case). It returns nil or a
// *dossier.Error: EUNAUTHENTICATED for a nil or disabled actor, ENOTFOUND
// when the case is not visible to a (checked before anything else, so the
// answer is the same whether or not the case exists), EFORBIDDEN when the
// case is visible but the action is not allowed, EINTERNAL for an action
// without a policy row (a programming error, loud on purpose).
func Can(a *dossier.Actor, act Action, caseID string) error {
	if a == nil || a.User == nil || a.User.Disabled {
		return dossier.Errorf(dossier.EUNAUTHENTICATED, "authentication required")
	}
	r, ok := rules[act]
	if !ok {
		return dossier.Errorf(dossier.EINTERNAL, "policy: no rule for action %q", act)
	}
	switch a.User.Role {
	case dossier.RoleAdmin:
		return allow(r.admin)
	case dossier.RoleCounsel:
		return allow(r.counsel)
	case dossier.RoleAuditor:
		return allow(r.auditor)
	case dossier.RoleExternal:
		return external(a, r.external, caseID)
	}
	// An unknown role sees nothing: treat it like an external user without grants.
	if caseID != "" {
		return dossier.NotFound("case")
	}
	return forbidden()
}

func external(a *dossier.Actor, n need, caseID string) error {
	var grant dossier.Access
	if caseID != "" {
		g, ok := a.Grants[caseID]
		if !ok || (g != dossier.AccessRead && g != dossier.AccessWrite) {
			return dossier.NotFound("case")
		}
		grant = g
	}
	switch n {
	case anyone:
		return nil
	case readGrant:
		if caseID == "" {
			// A case-scoped read without a case (e.g. listing all evidence)
			// is only for roles that see every case.
			return forbidden()
		}
		return nil
	case writeGrant:
		if grant == dossier.AccessWrite {
			return nil
		}
	}
	return forbidden()
}

func allow(ok bool) error {
	if ok {
		return nil
	}
	return forbidden()
}

func forbidden() error {
	return dossier.Errorf(dossier.EFORBIDDEN, "not allowed")
}

// Visible reports whether a may see case caseID at all, for filtering lists
// item by item; it agrees with Can(a, CaseRead, caseID).
func Visible(a *dossier.Actor, caseID string) bool {
	return Can(a, CaseRead, caseID) == nil
}

// VisibleCases tells list and search filters which cases a may see: all, or
// only the IDs listed (none for anonymous actors). The IDs are sorted so a
// filter built from them is deterministic.
func VisibleCases(a *dossier.Actor) (all bool, ids []string) {
	if a == nil || a.User == nil || a.User.Disabled {
		return false, nil
	}
	switch a.User.Role {
	case dossier.RoleAdmin, dossier.RoleCounsel, dossier.RoleAuditor:
		return true, nil
	case dossier.RoleExternal:
		ids = make([]string, 0, len(a.Grants))
		for id, g := range a.Grants {
			if g == dossier.AccessRead || g == dossier.AccessWrite {
				ids = append(ids, id)
			}
		}
		slices.Sort(ids)
		return false, ids
	}
	return false, nil
}
