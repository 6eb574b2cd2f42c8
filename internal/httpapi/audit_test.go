package httpapi_test

import (
	"context"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/dossier/dossier/internal/dossier"
)

func TestAuditAPI(t *testing.T) {
	e := newEnv(t, "sqlite")
	admin := e.login("admin", adminPassword)
	c := e.createCase(admin, "2026-AU-0001")
	_, aud := e.user(admin, "auditor", dossier.RoleAuditor)
	_, counsel := e.user(admin, "counsel", dossier.RoleCounsel)
	for i := 0; i < 5; i++ {
		e.do("GET", "/api/v1/cases/"+c.ID, counsel, nil)
	}
	e.do("GET", "/api/v1/search?q=13812345678", counsel, nil)
	if err := e.audit.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}

	t.Run("ErrForbidden", func(t *testing.T) {
		if r := e.do("GET", "/api/v1/audit", counsel, nil); r.Status != 403 {
			t.Fatalf("counsel read the audit trail: %d", r.Status)
		}
		if r := e.do("GET", "/api/v1/audit/verify", "", nil); r.Status != 401 {
			t.Fatalf("anonymous verify: %d", r.Status)
		}
	})
	t.Run("FiltersAndCursor", func(t *testing.T) {
		var page struct {
			Items []dossier.Event
			Next  string
		}
		e.do("GET", "/api/v1/audit?actor=counsel&action=case.read&case_id="+c.ID+"&limit=2", aud, nil).json(t, &page)
		seen := 0
		for {
			for _, ev := range page.Items {
				if ev.Actor != "counsel" || ev.Action != "case.read" || ev.CaseID != c.ID || ev.Status != 200 || ev.Hash == "" {
					t.Fatalf("filtered event: %+v", ev)
				}
				seen++
			}
			if page.Next == "" {
				break
			}
			e.do("GET", "/api/v1/audit?actor=counsel&action=case.read&case_id="+c.ID+"&limit=2&cursor="+page.Next, aud, nil).json(t, &page)
		}
		if seen != 5 {
			t.Fatalf("paged through %d case reads, want 5", seen)
		}
		e.do("GET", "/api/v1/audit?q=q%3D", aud, nil).json(t, &page)
		if len(page.Items) != 1 || strings.Contains(page.Items[0].Detail, "13812345678") {
			t.Fatalf("free-text filter or masking for auditors: %+v", page.Items)
		}
		if r := e.do("GET", "/api/v1/audit?from=yesterday", aud, nil); r.Status != 422 {
			t.Fatalf("bad from: %d", r.Status)
		}
	})
	t.Run("CSV", func(t *testing.T) {
		r := e.doAccept("GET", "/api/v1/audit?action=case.", aud, "text/csv")
		if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("csv: %d %s", r.Status, r.Header.Get("Content-Type"))
		}
		rows, err := csv.NewReader(strings.NewReader(string(r.Body))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) < 7 || rows[0][0] != "seq" {
			t.Fatalf("csv rows: %d, header %v", len(rows), rows[0])
		}
		// A client that ranks JSON above CSV gets JSON.
		if r := e.doAccept("GET", "/api/v1/audit", aud, "text/csv;q=0.9, application/json"); r.Status != 200 ||
			!strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			t.Fatalf("JSON preferred: %d %s", r.Status, r.Header.Get("Content-Type"))
		}
		if r := e.doAccept("GET", "/api/v1/audit", counsel, "text/csv"); r.Status != 403 ||
			!strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") {
			t.Fatalf("refused csv export: %d %s", r.Status, r.Header.Get("Content-Type"))
		}
	})
	t.Run("Verify", func(t *testing.T) {
		var rep struct {
			OK     bool
			Events int64
			Head   string
			Seq    int64
		}
		e.do("GET", "/api/v1/audit/verify", aud, nil).json(t, &rep)
		if !rep.OK || rep.Events < 10 || len(rep.Head) != 64 {
			t.Fatalf("verify: %+v", rep)
		}
		// Tamper behind the application's back: the trigger must be removed
		// first, which is exactly what an attacker with database access does.
		db := e.store.SQL()
		if _, err := db.Exec(`DROP TRIGGER audit_events_no_update`); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(`UPDATE audit_events SET actor='nobody' WHERE seq=4`); err != nil {
			t.Fatal(err)
		}
		e.do("GET", "/api/v1/audit/verify", aud, nil).json(t, &rep)
		if rep.OK || rep.Seq != 4 {
			t.Fatalf("verify after tampering with event 4: %+v", rep)
		}
	})
}

// total is the number of events matching the filter, on every page, not
// the number on the page.
func TestAuditTotal(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			e := newEnv(t, backend)
			admin := e.login("admin", adminPassword)
			c := e.createCase(admin, "2026-AU-0002")
			_, aud := e.user(admin, "auditor", dossier.RoleAuditor)
			for i := 0; i < 5; i++ {
				e.do("GET", "/api/v1/cases/"+c.ID, admin, nil)
			}
			var page struct {
				Items []dossier.Event
				Total int
				Next  string
			}
			tests := []struct {
				name, query string
				total       int
			}{
				{"OKFiltered", "action=case.read&case_id=" + c.ID + "&limit=2", 5},
				{"OKPrefix", "action=case.&limit=2", 6},
				{"OKNone", "actor=nobody", 0},
			}
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					q, pages := "/api/v1/audit?"+tc.query, 0
					for {
						e.do("GET", q, aud, nil).json(t, &page)
						pages++
						if page.Total != tc.total {
							t.Fatalf("page %d: total %d with %d items, want %d", pages, page.Total, len(page.Items), tc.total)
						}
						if page.Next == "" {
							break
						}
						q = "/api/v1/audit?" + tc.query + "&cursor=" + page.Next
					}
				})
			}
		})
	}
}

// A handler that panics answers 500 and still leaves its audit event, with
// the caller and outcome error.
func TestPanicAudited(t *testing.T) {
	e := newEnv(t, "sqlite")
	admin := e.login("admin", adminPassword)
	e.api.Echo.GET("/api/v1/test-panic", func(echo.Context) error { panic("boom") })
	if r := e.do("GET", "/api/v1/test-panic", admin, nil); r.Status != 500 {
		t.Fatalf("status %d", r.Status)
	}
	if err := e.audit.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	evs, err := e.store.Events(context.Background(), dossier.AuditFilter{Actor: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	last := evs[len(evs)-1]
	if last.Status != 500 || last.Outcome != dossier.OutcomeFor(500) || last.RequestID == "" {
		t.Fatalf("last event of admin: %+v", last)
	}
}
