package httpapi_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/dossier"
)

// auditedOnce runs act and checks that it left exactly one audit event, with
// the given action, actor, case, object ("*": any, for the caller to check)
// and outcome, and returns it.
func (e *env) auditedOnce(t *testing.T, act func() *response, wantStatus int, want dossier.Event) *dossier.Event {
	t.Helper()
	ctx := context.Background()
	if err := e.audit.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	before, _ := e.audit.Head()
	r := act()
	if r.Status != wantStatus {
		t.Fatalf("status %d, want %d: %s", r.Status, wantStatus, r.Body)
	}
	if err := e.audit.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	evs, err := e.store.Events(ctx, dossier.AuditFilter{AfterSeq: before})
	if err != nil {
		t.Fatal(err)
	}
	var got string
	for _, ev := range evs {
		got += fmt.Sprintf("\n  %s actor=%q role=%q case=%q %s=%q status=%d outcome=%s detail=%q", ev.Action, ev.Actor,
			ev.Role, ev.CaseID, ev.ObjectType, ev.ObjectID, ev.Status, ev.Outcome, ev.Detail)
	}
	if len(evs) != 1 {
		t.Fatalf("%d events, want one %s:%s", len(evs), want.Action, got)
	}
	ev := evs[0]
	if ev.Action != want.Action || ev.Actor != want.Actor || ev.CaseID != want.CaseID ||
		ev.ObjectType != want.ObjectType || (want.ObjectID != "*" && ev.ObjectID != want.ObjectID) || ev.Outcome != want.Outcome ||
		ev.Status != wantStatus || ev.IP == "" {
		t.Fatalf("event%s\nwant %s actor=%q case=%q %s=%q outcome=%s", got, want.Action, want.Actor, want.CaseID,
			want.ObjectType, want.ObjectID, want.Outcome)
	}
	return ev
}

// Ten user actions from API.md each leave exactly one audit event naming
// who did what to which object of which case, and how it ended.
func TestAuditComplete(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			e := newEnv(t, backend)
			blobs := newBlobs(t, "disk")
			v := withVault(t, e, blobs, 0, 1<<20)
			withSearch(t, e, v, blobs)
			withDocuments(t, e, blobs)
			withBundles(t, e, blobs)
			admin := e.login("admin", adminPassword)
			c := e.createCase(admin, "2026-AC-0001")
			ev := e.mustUpload(admin, c.ID, "statement", "对账单.txt", []byte("对账单：尚欠货款386,500.00元。"), 201)
			counselID, _ := e.user(admin, "counsel", dossier.RoleCounsel)
			ok := func(action, objType, objID string) dossier.Event {
				return dossier.Event{Action: action, Actor: "admin", CaseID: c.ID, ObjectType: objType, ObjectID: objID,
					Outcome: dossier.OutcomeOK}
			}

			t.Run("evidence-read", func(t *testing.T) {
				e.auditedOnce(t, func() *response { return e.do("GET", "/api/v1/evidence/"+ev.ID, admin, nil) },
					200, ok("evidence.read", "evidence", ev.ID))
			})
			t.Run("download-range", func(t *testing.T) {
				e.auditedOnce(t, func() *response {
					return e.send("GET", "/api/v1/evidence/"+ev.ID+"/content", admin, "", nil,
						map[string]string{"Range": "bytes=0-5"})
				}, 206, ok("evidence.download", "evidence", ev.ID))
			})
			t.Run("search", func(t *testing.T) {
				e.auditedOnce(t, func() *response { return e.do("GET", "/api/v1/search?q=货款", admin, nil) },
					200, dossier.Event{Action: "search.run", Actor: "admin", ObjectType: "search", Outcome: dossier.OutcomeOK})
			})
			t.Run("document-generation", func(t *testing.T) {
				var d dossier.Document
				ev := e.auditedOnce(t, func() *response {
					r := e.do("POST", "/api/v1/cases/"+c.ID+"/documents", admin,
						map[string]any{"template": "lawyer_letter", "lang": "zh-CN", "fields": letterFields})
					if r.Status == 201 {
						r.json(t, &d)
					}
					return r
				}, 201, ok("document.create", "document", "*"))
				if ev.ObjectID != d.ID || d.ID == "" {
					t.Fatalf("document event names %q, the document is %q", ev.ObjectID, d.ID)
				}
			})
			t.Run("login-failure", func(t *testing.T) {
				ev := e.auditedOnce(t, func() *response {
					return e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "counsel", "password": "wrong"})
				}, 401, dossier.Event{Action: "auth.login", Actor: "anonymous", ObjectType: "auth", Outcome: dossier.OutcomeDenied})
				if ev.Detail != "username=counsel; invalid username or password" {
					t.Fatalf("login failure detail %q: the username tried is not named", ev.Detail)
				}
			})
			t.Run("grant", func(t *testing.T) {
				e.auditedOnce(t, func() *response {
					return e.do("POST", "/api/v1/cases/"+c.ID+"/grants", admin, map[string]string{"user_id": counselID, "access": "read"})
				}, 201, ok("grant.create", "grant", counselID))
			})
			t.Run("hold", func(t *testing.T) {
				e.auditedOnce(t, func() *response {
					return e.do("PUT", "/api/v1/evidence/"+ev.ID+"/hold", admin, map[string]any{"hold": true, "reason": "诉讼保全"})
				}, 200, ok("evidence.hold", "evidence", ev.ID))
			})
			t.Run("verify", func(t *testing.T) {
				e.auditedOnce(t, func() *response { return e.do("POST", "/api/v1/evidence/"+ev.ID+"/verify", admin, nil) },
					200, ok("evidence.verify", "evidence", ev.ID))
			})
			// Taking a copy of a case's trail was recorded with neither the
			// case nor the filter, nor that it was an export, not a page.
			t.Run("export", func(t *testing.T) {
				ev := e.auditedOnce(t, func() *response {
					return e.doAccept("GET", "/api/v1/audit?case_id="+c.ID+"&action=evidence.", admin, "text/csv")
				}, 200, dossier.Event{Action: "audit.list", Actor: "admin", CaseID: c.ID, ObjectType: "audit",
					Outcome: dossier.OutcomeOK})
				if want := "csv export case_id=" + c.ID + " action=evidence."; ev.Detail != want {
					t.Fatalf("export detail %q, want %q", ev.Detail, want)
				}
				ev = e.auditedOnce(t, func() *response { return e.do("GET", "/api/v1/audit?actor=counsel", admin, nil) },
					200, dossier.Event{Action: "audit.list", Actor: "admin", ObjectType: "audit", Outcome: dossier.OutcomeOK})
				if ev.Detail != "actor=counsel" {
					t.Fatalf("list detail %q", ev.Detail)
				}
			})
			t.Run("share-download", func(t *testing.T) {
				r := e.do("POST", "/api/v1/cases/"+c.ID+"/bundles", admin, map[string]any{"title": "一审证据",
					"items": []map[string]string{{"evidence_id": ev.ID, "purpose": "证明欠款金额"}}})
				var b dossier.Bundle
				r.json(t, &b)
				r = e.do("POST", "/api/v1/bundles/"+b.ID+"/shares", admin, map[string]any{
					"expires_at": time.Now().Add(time.Hour).Format(time.RFC3339), "max_downloads": 2, "note": "给外部律所"})
				var sh struct{ Token string }
				r.json(t, &sh)
				e.auditedOnce(t, func() *response {
					return e.send("GET", "/s/"+sh.Token+"/download", "", "", nil, map[string]string{"User-Agent": "curl/8"})
				}, 200, dossier.Event{Action: "share.download", Actor: "anonymous", CaseID: c.ID, ObjectType: "bundle", ObjectID: b.ID,
					Outcome: dossier.OutcomeOK})
			})
		})
	}
}
