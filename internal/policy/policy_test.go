package policy_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/policy"
)

func actor(role dossier.Role, grants map[string]dossier.Access) *dossier.Actor {
	return &dossier.Actor{User: &dossier.User{ID: "u-" + string(role), Username: string(role), Role: role}, Grants: grants}
}

// outcome renders Can's answer as the status it becomes.
func outcome(err error) string {
	switch dossier.ErrorCode(err) {
	case "":
		return "ok"
	case dossier.EUNAUTHENTICATED:
		return "401"
	case dossier.EFORBIDDEN:
		return "403"
	case dossier.ENOTFOUND:
		return "404"
	}
	return "500:" + err.Error()
}

// TestCan is the whole policy written out by hand, independently of the rule
// table: every action × admin, counsel, auditor, and an external user asking
// about a case granted for write, a case granted for read and a case it was
// not granted. Case-less actions are asked with caseID "".
func TestCan(t *testing.T) {
	grants := map[string]dossier.Access{"c-write": dossier.AccessWrite, "c-read": dossier.AccessRead}
	ext := actor(dossier.RoleExternal, grants)
	roles := []struct {
		name   string
		actor  *dossier.Actor
		caseID string
	}{
		{"admin", actor(dossier.RoleAdmin, nil), "c-other"},
		{"counsel", actor(dossier.RoleCounsel, nil), "c-other"},
		{"auditor", actor(dossier.RoleAuditor, nil), "c-other"},
		{"external/write-grant", ext, "c-write"},
		{"external/read-grant", ext, "c-read"},
		{"external/no-grant", ext, "c-other"},
	}
	//                          admin counsel auditor ext-w ext-r ext-none
	want := map[policy.Action]string{
		policy.CaseRead:       "ok   ok      ok      ok    ok    404",
		policy.CaseUpdate:     "ok   ok      403     403   403   404",
		policy.CaseGrant:      "ok   ok      403     403   403   404",
		policy.EvidenceRead:   "ok   ok      ok      ok    ok    404",
		policy.EvidenceWrite:  "ok   ok      403     ok    403   404",
		policy.EvidenceHold:   "ok   ok      403     403   403   404",
		policy.EvidenceDelete: "ok   ok      403     403   403   404",
		policy.DocumentRead:   "ok   ok      ok      ok    ok    404",
		policy.DocumentCreate: "ok   ok      403     ok    403   404",
		policy.BundleRead:     "ok   ok      ok      ok    ok    404",
		policy.BundleCreate:   "ok   ok      403     ok    403   404",
		policy.ShareManage:    "ok   ok      403     403   403   404",
		policy.RecoveryRead:   "ok   ok      ok      ok    ok    404",
		policy.RecoveryWrite:  "ok   ok      403     ok    403   404",
		// Case-less: asked with "".
		policy.CaseCreate:    "ok   ok      403     403   403   403",
		policy.SearchRun:     "ok   ok      ok      ok    ok    ok",
		policy.DashboardRead: "ok   ok      ok      ok    ok    ok",
		policy.AuditRead:     "ok   403     ok      403   403   403",
		policy.UserManage:    "ok   403     403     403   403   403",
	}
	caseless := map[policy.Action]bool{policy.CaseCreate: true, policy.SearchRun: true,
		policy.DashboardRead: true, policy.AuditRead: true, policy.UserManage: true}
	if len(want) != len(policy.Actions) {
		t.Fatalf("matrix covers %d actions, policy has %d", len(want), len(policy.Actions))
	}
	for _, act := range policy.Actions {
		row, ok := want[act]
		if !ok {
			t.Errorf("action %s has no row in the expected matrix", act)
			continue
		}
		cols := strings.Fields(row)
		for i, r := range roles {
			caseID := r.caseID
			if caseless[act] {
				caseID = ""
			}
			t.Run(string(act)+"/"+r.name, func(t *testing.T) {
				if got := outcome(policy.Can(r.actor, act, caseID)); got != cols[i] {
					t.Fatalf("Can(%s, %s, %q) = %s, want %s", r.name, act, caseID, got, cols[i])
				}
			})
		}
	}
}

func TestCanEdges(t *testing.T) {
	ext := actor(dossier.RoleExternal, map[string]dossier.Access{"c1": dossier.AccessWrite, "c2": "bogus"})
	disabled := actor(dossier.RoleAdmin, nil)
	disabled.User.Disabled = true
	tests := []struct {
		name   string
		actor  *dossier.Actor
		act    policy.Action
		caseID string
		want   string
	}{
		{"ErrUnauthenticated/nil", nil, policy.CaseRead, "c1", "401"},
		{"ErrUnauthenticated/no-user", &dossier.Actor{}, policy.SearchRun, "", "401"},
		{"ErrUnauthenticated/disabled", disabled, policy.CaseRead, "c1", "401"},
		// A case filter on a search names a case: an ungranted one must not
		// be confirmed to exist.
		{"ErrNotFound/search-filter", ext, policy.SearchRun, "c9", "404"},
		{"OK/search-filter", ext, policy.SearchRun, "c1", "ok"},
		// Not-visible wins over not-allowed, so 403 never leaks existence.
		{"ErrNotFound/user-manage-on-case", ext, policy.UserManage, "c9", "404"},
		{"ErrForbidden/user-manage-on-granted", ext, policy.UserManage, "c1", "403"},
		// An invalid access level is no grant at all.
		{"ErrNotFound/bogus-grant", ext, policy.CaseRead, "c2", "404"},
		// Reading a case-scoped object outside any case needs a see-all role.
		{"ErrForbidden/external-caseless-read", ext, policy.EvidenceRead, "", "403"},
		{"OK/auditor-caseless-read", actor(dossier.RoleAuditor, nil), policy.EvidenceRead, "", "ok"},
		{"ErrNotFound/unknown-role", actor("intern", nil), policy.CaseRead, "c1", "404"},
		{"ErrForbidden/unknown-role", actor("intern", nil), policy.SearchRun, "", "403"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := outcome(policy.Can(tt.actor, tt.act, tt.caseID)); got != tt.want {
				t.Fatalf("got %s, want %s", got, tt.want)
			}
		})
	}
	t.Run("ErrInternal/unknown-action", func(t *testing.T) {
		err := policy.Can(actor(dossier.RoleAdmin, nil), "case.teleport", "")
		if dossier.ErrorCode(err) != dossier.EINTERNAL {
			t.Fatalf("got %v, want internal", err)
		}
	})
}

func TestVisibleCases(t *testing.T) {
	tests := []struct {
		name    string
		actor   *dossier.Actor
		all     bool
		ids     []string
		visible bool
	}{
		{"admin", actor(dossier.RoleAdmin, nil), true, nil, true},
		{"counsel", actor(dossier.RoleCounsel, nil), true, nil, true},
		{"auditor", actor(dossier.RoleAuditor, nil), true, nil, true},
		{"external", actor(dossier.RoleExternal, map[string]dossier.Access{
			"c3": dossier.AccessRead, "c1": dossier.AccessWrite, "c2": "bogus"}), false, []string{"c1", "c3"}, false},
		{"external-no-grants", actor(dossier.RoleExternal, nil), false, []string{}, false},
		{"anonymous", nil, false, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			all, ids := policy.VisibleCases(tt.actor)
			if all != tt.all || !slices.Equal(ids, tt.ids) {
				t.Fatalf("got (%v, %v), want (%v, %v)", all, ids, tt.all, tt.ids)
			}
			if all && ids != nil {
				t.Fatal("all with a list")
			}
			// Visible agrees with the list for a listed and an unlisted case.
			for _, c := range []string{"c1", "c2", "c9"} {
				if want := all || slices.Contains(ids, c); policy.Visible(tt.actor, c) != want {
					t.Fatalf("Visible(%s) = %v, want %v", c, !want, want)
				}
			}
		})
	}
}

func TestMasked(t *testing.T) {
	want := map[dossier.Role]bool{dossier.RoleAdmin: false, dossier.RoleCounsel: false,
		dossier.RoleAuditor: true, dossier.RoleExternal: true}
	for _, r := range dossier.Roles {
		if got := policy.Masked(actor(r, nil)); got != want[r] {
			t.Errorf("Masked(%s) = %v", r, got)
		}
	}
	if !policy.Masked(nil) {
		t.Error("anonymous must be masked")
	}
}

func TestMaskParty(t *testing.T) {
	tests := []struct {
		name string
		in   dossier.Party
		want dossier.Party
	}{
		{"person",
			dossier.Party{Name: "张三", Kind: dossier.PartyPerson, IDNumber: "33010219900307123X", Phone: "13812345678", Address: "杭州市西湖区"},
			dossier.Party{Name: "张三", Kind: dossier.PartyPerson, IDNumber: "330102********123X", Phone: "138****5678", Address: "杭州市西湖区"}},
		{"person/country-code",
			dossier.Party{Kind: dossier.PartyPerson, Phone: "+86 138-1234-5678"},
			dossier.Party{Kind: dossier.PartyPerson, Phone: "+86 138-****-5678"}},
		{"person/landline",
			dossier.Party{Kind: dossier.PartyPerson, Phone: "0571-88886666"},
			dossier.Party{Kind: dossier.PartyPerson, Phone: "057*-****6666"}},
		{"person/old-15-digit-id",
			dossier.Party{Kind: dossier.PartyPerson, IDNumber: "330102900307123"},
			dossier.Party{Kind: dossier.PartyPerson, IDNumber: "330102*****7123"}},
		{"person/short-phone",
			dossier.Party{Kind: dossier.PartyPerson, Phone: "12345"},
			dossier.Party{Kind: dossier.PartyPerson, Phone: "***45"}},
		{"unset-kind-is-person",
			dossier.Party{IDNumber: "330102199003071234"},
			dossier.Party{IDNumber: "330102********1234"}},
		{"company-unchanged",
			dossier.Party{Name: "宁波乙贸易有限公司", Kind: dossier.PartyCompany, IDNumber: "91330200MA2AB1234X", Phone: "0574-87654321"},
			dossier.Party{Name: "宁波乙贸易有限公司", Kind: dossier.PartyCompany, IDNumber: "91330200MA2AB1234X", Phone: "0574-87654321"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := policy.MaskParty(tt.in)
			if got.Name != tt.want.Name || got.IDNumber != tt.want.IDNumber || got.Phone != tt.want.Phone ||
				got.Address != tt.want.Address || got.Kind != tt.want.Kind {
				t.Fatalf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
	t.Run("case", func(t *testing.T) {
		c := dossier.Case{Debtor: dossier.Party{Kind: dossier.PartyPerson, Phone: "13812345678"}}
		m := policy.MaskCase(c)
		if m.Debtor.Phone != "138****5678" || c.Debtor.Phone != "13812345678" {
			t.Fatalf("masked %q, original %q", m.Debtor.Phone, c.Debtor.Phone)
		}
	})
}

func TestMaskText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"id-in-chinese", "债务人张三（身份证号330102199003071234）拖欠货款", "债务人张三（身份证号330102********1234）拖欠货款"},
		{"id-with-x", "ID 11010119900307123x.", "ID 110101********123x."},
		{"mobile", "电话13812345678，微信同号", "电话138****5678，微信同号"},
		{"mobile-separated", "call 138-1234-5678 or +86 139 8765 4321", "call 138-****-5678 or +86 139 **** 4321"},
		{"mobile-country-code", "tel:+8613812345678", "tel:+86138****5678"},
		{"two-adjacent", "13812345678 13912345678", "138****5678 139****5678"},
		{"at-edges", "13812345678", "138****5678"},
		{"longer-number-untouched", "账号6222021234567890123 金额13812345678901", "账号6222021234567890123 金额13812345678901"},
		{"hash-untouched", "sha256 ab13812345678cd and a330102199003071234b", "sha256 ab13812345678cd and a330102199003071234b"},
		{"landline-untouched", "0571-88886666", "0571-88886666"},
		{"nothing", "货款 128000.50 元", "货款 128000.50 元"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := policy.MaskText(tt.in); got != tt.want {
				t.Fatalf("MaskText(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}
