package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/policy"
	"github.com/dossier/dossier/internal/policy/policytest"
)

// webPolicy is the expected access of every page route, by its audit
// action. A route registered without a row here fails TestWebRouteMatrix.
var webPolicy = map[string]policytest.Access{
	"web.static": policytest.Public, "web.home": policytest.Public, "web.login.form": policytest.Public, "web.lang": policytest.Public,
	"web.logout": policytest.Public,
	// An empty sign-in form is answered by the form itself (401 or 422).
	"web.login": policytest.Login,

	"web.case.list": policytest.Signed,
	"web.case.new":  policytest.Globally(policy.CaseCreate), "web.case.create": policytest.Globally(policy.CaseCreate),
	"web.search":    policytest.Globally(policy.SearchRun),
	"web.dashboard": policytest.Globally(policy.DashboardRead), "web.dashboard.export": policytest.Globally(policy.DashboardRead),
	"web.audit.list": policytest.Globally(policy.AuditRead), "web.audit.verify": policytest.Globally(policy.AuditRead),
	"web.audit.export": policytest.Globally(policy.AuditRead),
	"web.admin":        policytest.Globally(policy.UserManage), "web.user.create": policytest.Globally(policy.UserManage),
	"web.user.disable": policytest.Globally(policy.UserManage),

	"web.case.read": policytest.OnCase(policy.CaseRead), "web.case.update": policytest.OnCase(policy.CaseUpdate),
	"web.communication.create": policytest.OnCase(policy.RecoveryWrite),
	"web.payment.create":       policytest.OnCase(policy.RecoveryWrite), "web.payment.reverse": policytest.OnCase(policy.RecoveryWrite),
	"web.plan.create": policytest.OnCase(policy.RecoveryWrite),

	"web.evidence.read": policytest.OnCase(policy.EvidenceRead), "web.evidence.content": policytest.OnCase(policy.EvidenceRead),
	"web.evidence.verify": policytest.OnCase(policy.EvidenceRead), "web.evidence.hold": policytest.OnCase(policy.EvidenceHold),

	"web.document.list": policytest.OnCase(policy.DocumentRead), "web.document.create": policytest.OnCase(policy.DocumentCreate),

	"web.bundle.list": policytest.OnCase(policy.BundleRead), "web.bundle.create": policytest.OnCase(policy.BundleCreate),
	"web.bundle.read": policytest.OnCase(policy.BundleRead), "web.bundle.download": policytest.OnCase(policy.BundleRead),
	"web.share.create": policytest.OnCase(policy.ShareManage), "web.share.delete": policytest.OnCase(policy.ShareManage),

	// The case of a grant comes in the form, not the path.
	"web.grant.create": policytest.OnCase(policy.CaseGrant), "web.grant.delete": policytest.OnCase(policy.CaseGrant),
	"web.case.grant.list": policytest.OnCase(policy.CaseGrant), "web.case.grant.create": policytest.OnCase(policy.CaseGrant),
	"web.case.grant.delete": policytest.OnCase(policy.CaseGrant),
}

// matrixCase holds the objects of one case that route parameters point at.
type matrixCase struct {
	id, evidence, bundle, share string
}

// TestWebRouteMatrix calls every page route the front registers as every
// role, on a case granted to the outside firm and on one that is not: GET
// for pages, a POST with a valid CSRF token and an empty form for actions.
// A refusal must be exactly the policy's (the sign-in form for anonymous
// callers, the 404 page for an invisible case, the 403 page for a
// forbidden action); an allowed call must not be refused or fail.
func TestWebRouteMatrix(t *testing.T) {
	e := newEnv(t, false)
	admin := e.client()
	admin.login("admin")

	shareRE := regexp.MustCompile(`action="/bundles/[^/]+/shares/([^/"]+)/revoke"`)
	mk := func(number string) matrixCase {
		c := e.newCase(number, "")
		ev := uploaded(t, admin, c.ID, number+".txt", "contract", []byte("contract of "+number))
		tok := admin.csrf("/cases/" + c.ID + "/bundles")
		r := admin.post("/cases/"+c.ID+"/bundles", url.Values{"csrf": {tok}, "title": {"卷宗"}, "pick": {"e:" + ev},
			"order.e:" + ev: {"1"}, "purpose.e:" + ev: {"证明合同关系"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("bundle for %s: %d", number, r.Status)
		}
		bid := strings.TrimPrefix(strings.Split(r.Header.Get("Location"), "?")[0], "/bundles/")
		if r := admin.post("/bundles/"+bid+"/shares", url.Values{"csrf": {tok}, "expires": {e.today(7)}}); r.Status != http.StatusSeeOther {
			t.Fatalf("share for %s: %d", number, r.Status)
		}
		sid := shareRE.FindStringSubmatch(admin.get("/bundles/" + bid).Body)
		if sid == nil {
			t.Fatalf("no share of %s listed", number)
		}
		return matrixCase{id: c.ID, evidence: ev, bundle: bid, share: sid[1]}
	}
	granted, other := mk("W-GRANTED"), mk("W-OTHER")
	bystander := e.user("w-bystander", dossier.RoleExternal)

	type role struct {
		name  string
		b     *client
		csrf  string
		actor *dossier.Actor
	}
	var roles []*role
	for _, spec := range []struct {
		name  string
		role  dossier.Role
		grant dossier.Access
	}{{"admin", dossier.RoleAdmin, ""}, {"counsel", dossier.RoleCounsel, ""}, {"auditor", dossier.RoleAuditor, ""},
		{"external-read", dossier.RoleExternal, dossier.AccessRead}, {"external-write", dossier.RoleExternal, dossier.AccessWrite}} {
		u := e.user("w-"+spec.name, spec.role)
		grants := map[string]dossier.Access{}
		if spec.grant != "" {
			if _, err := e.acc.Grant(context.Background(), e.admin, granted.id, u.ID, spec.grant); err != nil {
				t.Fatal(err)
			}
			grants[granted.id] = spec.grant
		}
		b := e.client()
		b.login(u.Username)
		roles = append(roles, &role{name: spec.name, b: b, csrf: b.csrf("/cases"),
			actor: &dossier.Actor{User: &dossier.User{ID: u.ID, Role: spec.role}, Grants: grants}})
	}
	anon := e.client()
	roles = append(roles, &role{name: "anonymous", b: anon, csrf: anon.csrf("/login")})

	type webRoute struct{ method, path, action string }
	var routes []webRoute
	for _, r := range e.api.Echo.Routes() {
		if strings.HasPrefix(r.Name, "web.") {
			routes = append(routes, webRoute{r.Method, r.Path, r.Name})
		}
	}
	sort.Slice(routes, func(i, j int) bool { return routes[i].path+routes[i].method < routes[j].path+routes[j].method })
	// Signing out ends the caller's session: run it last.
	sort.SliceStable(routes, func(i, j int) bool { return routes[j].action == "web.logout" && routes[i].action != "web.logout" })
	if len(routes) < 30 {
		t.Fatalf("only %d web routes registered", len(routes))
	}

	param := regexp.MustCompile(`:([a-z_]+)|\*$`)
	checked := 0
	for _, rt := range routes {
		want, ok := webPolicy[rt.action]
		if !ok {
			t.Errorf("route %s %s (action %q) has no row in webPolicy (matrix_test.go): add one", rt.method, rt.path, rt.action)
			continue
		}
		targets := []matrixCase{granted}
		if want.Kind == "case" {
			targets = append(targets, other)
		}
		for _, target := range targets {
			path := param.ReplaceAllStringFunc(rt.path, func(m string) string {
				switch m {
				case "*":
					return "app.css"
				case ":case_id":
					return target.id
				case ":eid":
					return target.evidence
				case ":bid":
					return target.bundle
				case ":sid":
					return target.share
				}
				t.Fatalf("route %s: no fixture for parameter %s", rt.path, m)
				return ""
			})
			for _, ro := range roles {
				var res *response
				if rt.method == http.MethodGet {
					res = ro.b.get(path)
				} else {
					form := url.Values{"csrf": {ro.csrf}}
					switch rt.action {
					case "web.grant.create", "web.grant.delete", "web.case.grant.create", "web.case.grant.delete":
						form.Set("case_id", target.id)
						form.Set("user_id", bystander.ID)
						form.Set("access", "read")
					}
					switch rt.action {
					case "web.grant.delete", "web.case.grant.delete":
						// Each caller revokes a grant that exists.
						if err := e.store.PutGrant(context.Background(), &dossier.Grant{CaseID: target.id, UserID: bystander.ID,
							Access: dossier.AccessRead, CreatedAt: time.Now()}); err != nil {
							t.Fatal(err)
						}
					case "web.user.disable":
						// Enabling a user that is enabled changes nothing
						// and still needs the admin.
						form.Set("username", bystander.Username)
						form.Set("disabled", "false")
					}
					res = ro.b.post(path, form)
				}
				checked++
				label := fmt.Sprintf("%s %s as %s on %s", rt.method, rt.path, ro.name, target.id[len(target.id)-4:])
				expect := want.Expect(ro.actor, target.id)
				checkAnswer(t, label, want.Kind, expect, res)
			}
		}
	}
	if checked < 300 {
		t.Fatalf("only %d calls checked", checked)
	}
}

// checkAnswer compares one answer with the policy's verdict.
func checkAnswer(t *testing.T, label, kind string, expect error, res *response) {
	t.Helper()
	toLogin := res.Status == http.StatusSeeOther && strings.HasPrefix(res.Header.Get("Location"), "/login")
	switch code := dossier.ErrorCode(expect); {
	case kind == "login":
		if res.Status != http.StatusUnauthorized && res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `action="/login"`) {
			t.Errorf("%s: answered %d, want the sign-in form with its error", label, res.Status)
		}
	case expect == nil:
		if res.Status == 401 || res.Status == 403 || res.Status == 404 || res.Status >= 500 || (kind != "public" && toLogin) {
			t.Errorf("%s: allowed by policy but answered %d %s", label, res.Status, res.Header.Get("Location"))
		}
	case code == dossier.EUNAUTHENTICATED:
		if !toLogin {
			t.Errorf("%s: anonymous, want a redirect to /login, answered %d", label, res.Status)
		}
	case code == dossier.ENOTFOUND:
		if res.Status != http.StatusNotFound || !strings.Contains(res.Body, "<h1>404") {
			t.Errorf("%s: case not visible, want the 404 page, answered %d", label, res.Status)
		}
	case code == dossier.EFORBIDDEN:
		if res.Status != http.StatusForbidden || !strings.Contains(res.Body, "<h1>403") {
			t.Errorf("%s: policy forbids, want the 403 page, answered %d", label, res.Status)
		}
	default:
		t.Errorf("%s: unexpected policy verdict %v", label, expect)
	}
}
