package httpapi_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/httpapi"
)

func TestCasesAPI(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			e := newEnv(t, backend)
			admin := e.login("admin", adminPassword)
			c := e.createCase(admin, "2026-HZ-0001")
			t.Run("OK", func(t *testing.T) {
				if c.Bucket != "danger" || c.DaysOverdue != 95 || c.Principal != 38650000 || c.Stage != "negotiation" {
					t.Fatalf("computed fields: %+v", c)
				}
				r := e.do("GET", "/api/v1/cases/"+c.ID, admin, nil)
				if r.Status != 200 || !strings.Contains(string(r.Body), `"principal":"386500.00"`) {
					t.Fatalf("get: %d %s", r.Status, r.Body)
				}
			})
			t.Run("ErrConflict", func(t *testing.T) {
				r := e.do("POST", "/api/v1/cases", admin, sampleCase("2026-HZ-0001"))
				if p := r.problem(t); r.Status != 409 || p.Errors[0].Field != "number" {
					t.Fatalf("duplicate number: %d %s", r.Status, r.Body)
				}
			})
			t.Run("ErrInvalidListsEveryField", func(t *testing.T) {
				bad := sampleCase("x y")
				bad["principal"] = "12.345"
				bad["due_date"] = "2026-13-40"
				bad["stage"] = "bribery"
				bad["debtor"] = map[string]any{"name": "", "kind": "robot"}
				r := e.do("POST", "/api/v1/cases", admin, bad)
				p := r.problem(t)
				if r.Status != 422 {
					t.Fatalf("status %d: %s", r.Status, r.Body)
				}
				// Decoding failures are reported first (principal, due_date),
				// then validation once the body decodes.
				fields := fieldNames(p)
				for _, want := range []string{"due_date", "principal"} {
					if !contains(fields, want) {
						t.Errorf("missing field %s in %v", want, fields)
					}
				}
				bad["principal"], bad["due_date"] = "1.00", "2026-01-01"
				r = e.do("POST", "/api/v1/cases", admin, bad)
				fields = fieldNames(r.problem(t))
				for _, want := range []string{"number", "stage", "debtor.name", "debtor.kind"} {
					if !contains(fields, want) {
						t.Errorf("missing field %s in %v", want, fields)
					}
				}
			})
			t.Run("ErrMalformed", func(t *testing.T) {
				for _, body := range []string{`{"number":`, `[1,2]`, `"text"`, ``} {
					r := e.do("POST", "/api/v1/cases", admin, body)
					if r.problem(t); r.Status != 400 {
						t.Errorf("body %q: %d %s", body, r.Status, r.Body)
					}
				}
				r := e.do("POST", "/api/v1/cases", admin, `{"number":"A-1","principal":12}`)
				if p := r.problem(t); r.Status != 422 || p.Errors[0].Field != "principal" {
					t.Errorf("number for money: %d %s", r.Status, r.Body)
				}
				r = e.do("POST", "/api/v1/cases", admin, `{"numbr":"A-1"}`)
				if p := r.problem(t); r.Status != 422 || p.Errors[0].Field != "numbr" {
					t.Errorf("unknown field: %d %s", r.Status, r.Body)
				}
				r = e.do("GET", "/api/v1/cases?limit=9999", admin, nil)
				if p := r.problem(t); r.Status != 422 || p.Errors[0].Field != "limit" {
					t.Errorf("limit: %d %s", r.Status, r.Body)
				}
				r = e.do("GET", "/api/v1/cases?bucket=purple", admin, nil)
				if p := r.problem(t); r.Status != 422 || p.Errors[0].Field != "bucket" {
					t.Errorf("bucket: %d %s", r.Status, r.Body)
				}
			})
			t.Run("PatchAndList", func(t *testing.T) {
				r := e.do("PATCH", "/api/v1/cases/"+c.ID, admin, map[string]any{"stage": "lawyer_letter", "due_date": "2099-01-01"})
				var got dossier.Case
				r.json(t, &got)
				if r.Status != 200 || got.Stage != "lawyer_letter" || got.Bucket != "normal" || got.Number != c.Number {
					t.Fatalf("patch: %d %s", r.Status, r.Body)
				}
				r = e.do("PATCH", "/api/v1/cases/"+c.ID, admin, map[string]any{"principal": "-5"})
				if p := r.problem(t); r.Status != 422 || p.Errors[0].Field != "principal" {
					t.Fatalf("bad patch: %d %s", r.Status, r.Body)
				}
				e.createCase(admin, "2026-HZ-0002")
				var list struct {
					Items []dossier.Case
					Total int
				}
				e.do("GET", "/api/v1/cases?bucket=danger", admin, nil).json(t, &list)
				if list.Total != 1 || list.Items[0].Number != "2026-HZ-0002" {
					t.Fatalf("bucket filter: %+v", list)
				}
				e.do("GET", "/api/v1/cases?stage=lawyer_letter&q=hz-0001", admin, nil).json(t, &list)
				if list.Total != 1 {
					t.Fatalf("stage+q filter: %+v", list)
				}
				if r := e.do("GET", "/api/v1/cases/nope", admin, nil); r.Status != 404 {
					t.Fatalf("missing case: %d", r.Status)
				}
			})
			t.Run("Communications", func(t *testing.T) {
				r := e.do("POST", "/api/v1/cases/"+c.ID+"/communications", admin, map[string]any{
					"occurred_at": "2026-03-01T23:30:00+00:00", "channel": "phone", "summary": "债务人承诺月底付款，电话 13812345678",
					"promise_amount": "10000.00", "promise_date": "2026-03-31"})
				var m dossier.Communication
				r.json(t, &m)
				if r.Status != 201 || len(m.Flags) != 1 || m.Flags[0] != "outside_hours" {
					t.Fatalf("communication: %d %s", r.Status, r.Body)
				}
				r = e.do("POST", "/api/v1/cases/"+c.ID+"/communications", admin, map[string]any{"channel": "fax"})
				fields := fieldNames(r.problem(t))
				if r.Status != 422 || !contains(fields, "channel") || !contains(fields, "occurred_at") || !contains(fields, "summary") {
					t.Fatalf("bad communication: %d %s", r.Status, r.Body)
				}
			})
			t.Run("AccessAndMasking", func(t *testing.T) {
				extID, ext := e.user(admin, "firm", dossier.RoleExternal)
				_, aud := e.user(admin, "auditor1", dossier.RoleAuditor)
				if r := e.do("GET", "/api/v1/cases/"+c.ID, ext, nil); r.Status != 404 {
					t.Fatalf("external sees ungranted case: %d", r.Status)
				}
				r := e.do("POST", "/api/v1/cases/"+c.ID+"/grants", admin, map[string]string{"user_id": extID, "access": "read"})
				if r.Status != 201 {
					t.Fatalf("grant: %d %s", r.Status, r.Body)
				}
				var list struct{ Total int }
				e.do("GET", "/api/v1/cases", ext, nil).json(t, &list)
				if list.Total != 1 {
					t.Fatalf("external lists %d cases, want 1", list.Total)
				}
				for _, tok := range []string{ext, aud} {
					r := e.do("GET", "/api/v1/cases/"+c.ID, tok, nil)
					if r.Status != 200 || strings.Contains(string(r.Body), "330102199001011234") || strings.Contains(string(r.Body), "13812345678") {
						t.Fatalf("personal data not masked: %s", r.Body)
					}
					r = e.do("GET", "/api/v1/cases/"+c.ID+"/communications", tok, nil)
					if strings.Contains(string(r.Body), "13812345678") {
						t.Fatalf("phone in communication not masked: %s", r.Body)
					}
				}
				if r := e.do("GET", "/api/v1/cases/"+c.ID, admin, nil); !strings.Contains(string(r.Body), "330102199001011234") {
					t.Fatal("counsel/admin must see personal data in full")
				}
				if r := e.do("PATCH", "/api/v1/cases/"+c.ID, ext, map[string]any{"title": "x"}); r.Status != 403 {
					t.Fatalf("read grant allowed a write: %d", r.Status)
				}
				if r := e.do("PATCH", "/api/v1/cases/"+c.ID, aud, map[string]any{"title": "x"}); r.Status != 403 {
					t.Fatalf("auditor wrote: %d", r.Status)
				}
				if r := e.do("DELETE", "/api/v1/cases/"+c.ID+"/grants/"+extID, admin, nil); r.Status != 204 {
					t.Fatalf("revoke: %d", r.Status)
				}
				if r := e.do("GET", "/api/v1/cases/"+c.ID, ext, nil); r.Status != 404 {
					t.Fatalf("revoked grant still visible: %d", r.Status)
				}
			})
			t.Run("AuditTrail", func(t *testing.T) {
				e.do("GET", "/api/v1/cases/"+c.ID, "", nil)
				if err := e.audit.Flush(context.Background()); err != nil {
					t.Fatal(err)
				}
				evs, err := e.store.Events(context.Background(), dossier.AuditFilter{CaseID: c.ID})
				if err != nil {
					t.Fatal(err)
				}
				actions := map[string]bool{}
				denied := 0
				for _, ev := range evs {
					actions[ev.Action] = true
					if ev.Outcome == "denied" {
						denied++
					}
				}
				for _, want := range []string{"case.create", "case.read", "case.update", "communication.create", "grant.create"} {
					if !actions[want] {
						t.Errorf("no %s event among %v", want, keys(actions))
					}
				}
				if denied < 3 {
					t.Errorf("refusals not audited: %d denied events", denied)
				}
			})
		})
	}
}

func TestAuthAPI(t *testing.T) {
	e := newEnv(t, "sqlite")
	t.Run("ErrUnauthenticated", func(t *testing.T) {
		for _, tok := range []string{"", "garbage"} {
			r := e.do("GET", "/api/v1/me", tok, nil)
			if r.problem(t); r.Status != 401 {
				t.Fatalf("token %q: %d", tok, r.Status)
			}
		}
		r := e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "admin", "password": "wrong password"})
		r2 := e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "ghost", "password": "wrong password"})
		if r.Status != 401 || r2.Status != 401 || r.problem(t).Detail != r2.problem(t).Detail {
			t.Fatalf("unknown user and wrong password must answer alike: %s / %s", r.Body, r2.Body)
		}
	})
	t.Run("OK", func(t *testing.T) {
		tok := e.login("admin", adminPassword)
		var me dossier.User
		e.do("GET", "/api/v1/me", tok, nil).json(t, &me)
		if me.Username != "admin" || me.Role != "admin" {
			t.Fatalf("me: %+v", me)
		}
		if r := e.do("POST", "/api/v1/auth/logout", tok, nil); r.Status != 204 {
			t.Fatalf("logout: %d", r.Status)
		}
		if r := e.do("GET", "/api/v1/me", tok, nil); r.Status != 401 {
			t.Fatalf("revoked token accepted: %d", r.Status)
		}
	})
	t.Run("ErrRateLimited", func(t *testing.T) {
		var last *response
		for i := 0; i < 7; i++ {
			last = e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "victim", "password": fmt.Sprint("guess", i)})
		}
		if last.problem(t); last.Status != 429 || last.Header.Get("Retry-After") == "" {
			t.Fatalf("after 7 failures: %d %v", last.Status, last.Header)
		}
	})
	t.Run("ErrWeakPassword", func(t *testing.T) {
		admin := e.login("admin", adminPassword)
		r := e.do("POST", "/api/v1/users", admin, map[string]string{"username": "bob", "role": "counsel", "password": "short"})
		if p := r.problem(t); r.Status != 422 || p.Errors[0].Field != "password" {
			t.Fatalf("weak password: %d %s", r.Status, r.Body)
		}
	})
	t.Run("ErrNotFoundRoute", func(t *testing.T) {
		r := e.do("GET", "/api/v1/nothing-here", "", nil)
		if r.problem(t); r.Status != 404 {
			t.Fatalf("unknown route: %d", r.Status)
		}
		r = e.do("PUT", "/api/v1/me", "", nil)
		if r.problem(t); r.Status != 405 {
			t.Fatalf("wrong method: %d", r.Status)
		}
	})
	t.Run("Health", func(t *testing.T) {
		if r := e.do("GET", "/readyz", "", nil); r.Status != 200 {
			t.Fatalf("readyz: %d %s", r.Status, r.Body)
		}
		if r := e.do("GET", "/metrics", "", nil); !strings.Contains(string(r.Body), "dossier_http_requests_total") {
			t.Fatal("metrics missing request counter")
		}
	})
}

func fieldNames(p httpapi.Problem) []string {
	var out []string
	for _, f := range p.Errors {
		out = append(out, f.Field)
	}
	return out
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
