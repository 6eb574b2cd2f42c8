package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/httpapi"
	"github.com/dossier/dossier/internal/policy"
	"github.com/dossier/dossier/internal/policy/policytest"
)

// routePolicy is the expected access of every route, by its audit action.
// A route registered without a row here fails TestRouteRoleCaseMatrix.
var routePolicy = map[string]policytest.Access{
	"health.live": policytest.Public, "health.ready": policytest.Public, "health.metrics": policytest.Public, "api.openapi": policytest.Public,
	"auth.login": policytest.Public, "auth.logout": policytest.Signed, "user.me": policytest.Signed, "template.list": policytest.Signed,
	"case.list": policytest.Signed,

	"user.list": policytest.Globally(policy.UserManage), "user.create": policytest.Globally(policy.UserManage),
	"case.create": policytest.Globally(policy.CaseCreate), "search.run": policytest.Globally(policy.SearchRun),
	"audit.list": policytest.Globally(policy.AuditRead), "audit.verify": policytest.Globally(policy.AuditRead),
	"audit.checkpoints": policytest.Globally(policy.AuditRead),

	"grant.create": policytest.OnCase(policy.CaseGrant), "grant.delete": policytest.OnCase(policy.CaseGrant),
	"case.read": policytest.OnCase(policy.CaseRead), "case.update": policytest.OnCase(policy.CaseUpdate),
	"communication.create": policytest.OnCase(policy.RecoveryWrite), "communication.list": policytest.OnCase(policy.RecoveryRead),

	"evidence.upload": policytest.OnCase(policy.EvidenceWrite), "evidence.upload_version": policytest.OnCase(policy.EvidenceWrite),
	"evidence.list": policytest.OnCase(policy.EvidenceRead), "evidence.read": policytest.OnCase(policy.EvidenceRead),
	"evidence.download": policytest.OnCase(policy.EvidenceRead), "evidence.versions": policytest.OnCase(policy.EvidenceRead),
	"evidence.verify": policytest.OnCase(policy.EvidenceRead), "evidence.hold": policytest.OnCase(policy.EvidenceHold),
	"evidence.delete": policytest.OnCase(policy.EvidenceDelete),

	"document.create": policytest.OnCase(policy.DocumentCreate), "document.list": policytest.OnCase(policy.DocumentRead),
	"document.read": policytest.OnCase(policy.DocumentRead), "document.download": policytest.OnCase(policy.DocumentRead),
	"document.readiness": policytest.OnCase(policy.DocumentRead),

	"limitation.read": policytest.OnCase(policy.RecoveryRead), "payment.create": policytest.OnCase(policy.RecoveryWrite),
	"payment.list": policytest.OnCase(policy.RecoveryRead), "plan.create": policytest.OnCase(policy.RecoveryWrite),
	"plan.list": policytest.OnCase(policy.RecoveryRead), "filing.create": policytest.OnCase(policy.RecoveryWrite),
	"filing.list": policytest.OnCase(policy.RecoveryRead), "dashboard.read": policytest.Globally(policy.DashboardRead),

	"bundle.create": policytest.OnCase(policy.BundleCreate), "bundle.list": policytest.OnCase(policy.BundleRead),
	"bundle.read": policytest.OnCase(policy.BundleRead), "bundle.download": policytest.OnCase(policy.BundleRead),
	"share.create": policytest.OnCase(policy.ShareManage), "share.list": policytest.OnCase(policy.ShareManage),
	"share.revoke": policytest.OnCase(policy.ShareManage),
	// Share links are the outside firm's way in without an account.
	"share.open": policytest.Public, "share.download": policytest.Public,
}

// matrixCase holds the objects of one case that route parameters point at.
type matrixCase struct {
	id       string
	evidence string
	document string
	bundle   string
}

// TestRouteRoleCaseMatrix calls every registered API route as every role, on
// a case granted to the outside firm and on one that is not, and checks the
// answer against the policy: a refusal must be exactly the policy's status
// (401, 403, or 404 for an invisible case), an allowed call must not be
// refused.
func TestRouteRoleCaseMatrix(t *testing.T) {
	e := newEnv(t, "sqlite")
	blobs := newBlobs(t, "disk")
	withSearch(t, e, withVault(t, e, blobs, 24*time.Hour, 1<<20), blobs)
	withDocuments(t, e, blobs)
	withBundles(t, e, blobs)
	withRecovery(t, e)
	admin := e.login("admin", adminPassword)

	mk := func(number string) matrixCase {
		c := e.createCase(admin, number)
		ct, body := multipartBody(part{name: "kind", data: []byte("contract")},
			part{name: "file", filename: number + ".txt", data: []byte("contract of " + number)})
		r := e.send("POST", "/api/v1/cases/"+c.ID+"/evidence", admin, ct, body, nil)
		var ev dossier.Evidence
		r.json(t, &ev)
		r = e.do("POST", "/api/v1/cases/"+c.ID+"/documents", admin, map[string]any{"template": "lawyer_letter", "fields": letterFields})
		var d dossier.Document
		r.json(t, &d)
		r = e.do("POST", "/api/v1/cases/"+c.ID+"/bundles", admin, map[string]any{"title": "卷宗",
			"items": []map[string]string{{"evidence_id": ev.ID, "purpose": "证明合同关系"}, {"document_id": d.ID, "purpose": "催告"}}})
		var b struct{ ID string }
		r.json(t, &b)

		if ev.ID == "" || d.ID == "" || b.ID == "" {
			t.Fatalf("fixtures for %s: evidence %q document %q bundle %q", number, ev.ID, d.ID, b.ID)
		}
		return matrixCase{id: c.ID, evidence: ev.ID, document: d.ID, bundle: b.ID}
	}
	granted, other := mk("M-GRANTED"), mk("M-OTHER")
	share := func(bundleID string) string {
		r := e.do("POST", "/api/v1/bundles/"+bundleID+"/shares", admin, map[string]any{
			"expires_at": time.Now().Add(time.Hour).Format(time.RFC3339), "max_downloads": 1000})
		var s struct{ Token string }
		r.json(t, &s)
		if s.Token == "" {
			t.Fatalf("share: %d %s", r.Status, r.Body)
		}
		return s.Token
	}
	publicToken := share(granted.bundle)

	type role struct {
		name   string
		token  string
		actor  *dossier.Actor
		userID string
	}
	var roles []*role
	for _, spec := range []struct {
		name  string
		role  dossier.Role
		grant dossier.Access
	}{{"admin", dossier.RoleAdmin, ""}, {"counsel", dossier.RoleCounsel, ""}, {"auditor", dossier.RoleAuditor, ""},
		{"external-read", dossier.RoleExternal, dossier.AccessRead}, {"external-write", dossier.RoleExternal, dossier.AccessWrite}} {
		id, tok := e.user(admin, "m-"+spec.name, spec.role)
		grants := map[string]dossier.Access{}
		if spec.grant != "" {
			if r := e.do("POST", "/api/v1/cases/"+granted.id+"/grants", admin, map[string]string{"user_id": id, "access": string(spec.grant)}); r.Status != 201 {
				t.Fatalf("grant: %d %s", r.Status, r.Body)
			}
			grants[granted.id] = spec.grant
		}
		roles = append(roles, &role{name: spec.name, token: tok, userID: id,
			actor: &dossier.Actor{User: &dossier.User{ID: id, Role: spec.role}, Grants: grants}})
	}
	roles = append(roles, &role{name: "anonymous"})
	bystander, _ := e.user(admin, "m-bystander", dossier.RoleExternal)

	param := regexp.MustCompile(`:([a-z_]+)`)
	var routes []*echoRoute
	for _, r := range e.api.Echo.Routes() {
		if strings.HasPrefix(r.Path, "/api/") || isOps(r.Path) {
			routes = append(routes, &echoRoute{method: r.Method, path: r.Path, action: r.Name})
		}
	}
	sort.Slice(routes, func(i, j int) bool { return routes[i].path+routes[i].method < routes[j].path+routes[j].method })
	// Logging out revokes the caller's token: run it last.
	sort.SliceStable(routes, func(i, j int) bool { return routes[j].action == "auth.logout" && routes[i].action != "auth.logout" })

	checked := 0
	for _, rt := range routes {
		want, ok := routePolicy[rt.action]
		if !ok {
			t.Errorf("route %s %s (action %q) has no row in routePolicy (matrix_test.go): add one", rt.method, rt.path, rt.action)
			continue
		}
		targets := []matrixCase{granted}
		if want.Kind == "case" {
			targets = append(targets, other)
		}
		for _, target := range targets {
			for _, ro := range roles {
				token := publicToken
				if rt.action == "share.revoke" {
					token = share(target.bundle) // revoking uses the link up
				}
				path := param.ReplaceAllStringFunc(rt.path, func(m string) string {
					switch m[1:] {
					case "bundle_id":
						return target.bundle
					case "token":
						return token
					case "case_id":
						return target.id
					case "evidence_id":
						return target.evidence
					case "did":
						return target.document
					case "user_id":
						return bystander
					case "n":
						return "1"
					}
					t.Fatalf("route %s: no fixture for parameter %s", rt.path, m)
					return ""
				})
				if rt.action == "grant.delete" {
					_ = e.store.PutGrant(context.Background(), &dossier.Grant{CaseID: target.id, UserID: bystander, Access: "read", CreatedAt: time.Now()})
				}
				expect := want.Expect(ro.actor, target.id)
				status := e.call(rt.method, path, rt.action, ro.token)
				checked++
				label := fmt.Sprintf("%s %s as %s on %s", rt.method, rt.path, ro.name, target.id[len(target.id)-4:])
				if expect == nil {
					if status == 401 || status == 403 || status == 404 || status >= 500 {
						t.Errorf("%s: allowed by policy but answered %d", label, status)
					}
				} else if status != httpapi.Status(expect) {
					t.Errorf("%s: policy says %d, answered %d", label, httpapi.Status(expect), status)
				}
			}
		}
	}
	if checked < 200 {
		t.Fatalf("only %d calls checked", checked)
	}
}

type echoRoute struct{ method, path, action string }

// call sends a minimal request for the route: an empty JSON object for JSON
// bodies, a one-file multipart form for uploads.
func (e *env) call(method, path, action, token string) int {
	e.t.Helper()
	switch {
	case action == "evidence.upload" || action == "evidence.upload_version":
		ct, body := multipartBody(part{name: "kind", data: []byte("other")},
			part{name: "file", filename: "x.txt", data: []byte("matrix " + path + token)})
		return e.send(method, path, token, ct, body, nil).Status
	case method == http.MethodPost || method == http.MethodPut || method == http.MethodPatch:
		return e.do(method, path, token, "{}").Status
	}
	return e.do(method, path, token, nil).Status
}
